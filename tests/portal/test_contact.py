""" "Skontaktuj się z nami": a message reaches the operator through the outbox, rate limited."""

import pytest
from django.core import mail
from django.urls import reverse

from smk.models import Notification

pytestmark = pytest.mark.django_db


def message(**changes):
    data = {
        "name": "Jan Pytający",
        "email": "jan.pytajacy@example.pl",
        "subject": "Nie mogę zatwierdzić wniosku",
        "message": "Przycisk Zatwierdź nie działa.\nCo robić?",
        "consent": "on",
    }
    data.update(changes)
    return data


def test_a_visitor_sends_a_message_that_reaches_the_operator_through_the_outbox(
    client, settings, fresh_cache, django_capture_on_commit_callbacks
):
    settings.OPERATOR_EMAIL = "operator@example.gov.pl"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:contact"), message(), follow=True)
    assert "Wiadomość została wysłana do operatora systemu." in response.content.decode()
    (notification,) = Notification.objects.all()
    assert notification.recipient == "operator@example.gov.pl"
    assert notification.reason == "portal.contact"
    assert "Nie mogę zatwierdzić wniosku" in notification.subject
    assert "Jan Pytający <jan.pytajacy@example.pl>" in notification.body
    assert "Przycisk Zatwierdź nie działa." in notification.body
    # The outbox's worker sent it (tests run tasks at once), to the operator only.
    assert [m.to for m in mail.outbox] == [["operator@example.gov.pl"]]


def test_bad_input_is_refused_next_to_the_field_and_sends_nothing(client, fresh_cache):
    response = client.post(
        reverse("portal:contact"), message(email="to-nie-adres", message="", consent="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Podaj poprawny adres e-mail." in page
    assert "Potwierdź, że znasz informacje o przetwarzaniu danych osobowych." in page
    assert not Notification.objects.exists()


def test_a_subject_with_a_line_break_cannot_add_an_email_header(
    client, fresh_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:contact"), message(subject="Temat\r\nBcc: ktos@example.pl"))
    (notification,) = Notification.objects.all()
    assert "\n" not in notification.subject
    assert [m.to for m in mail.outbox] == [[notification.recipient]]
    assert not mail.outbox[0].bcc


def test_too_many_messages_from_one_sender_are_refused_with_a_message(client, fresh_cache):
    for _ in range(3):
        assert client.post(reverse("portal:contact"), message()).status_code == 302
    response = client.post(reverse("portal:contact"), message())
    assert response.status_code == 429
    assert "Wysłano już zbyt wiele wiadomości" in response.content.decode()
    assert Notification.objects.count() == 3


def test_too_many_messages_from_one_address_are_refused_whatever_the_sender(client, fresh_cache):
    for n in range(5):
        client.post(reverse("portal:contact"), message(email=f"osoba{n}@example.pl"))
    response = client.post(reverse("portal:contact"), message(email="kolejna@example.pl"))
    assert response.status_code == 429
    assert Notification.objects.count() == 5


def test_a_logged_in_person_finds_their_address_filled_in(client_of, uw_mazowieckie):
    page = client_of(uw_mazowieckie).get(reverse("portal:contact")).content.decode()
    assert f'value="{uw_mazowieckie.email}"' in page
