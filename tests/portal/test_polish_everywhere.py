"""No English in what SMK shows or sends: the empty choice of a drop-down, the account e-mails."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(
    r"\b(the|your|you|please|hello|thank|account|password|email address|confirm|select)\b", re.I
)


def test_step_1_of_utworz_wniosek_offers_its_choices_in_polish(client_of, applicant):
    from django.utils import timezone

    from tests.applicant.conftest import open_session_around

    open_session_around(timezone.localdate())
    page = client_of(applicant).get(reverse("qualification:applicant_create")).content.decode()
    assert "Select an option" not in page
    assert '<option value="" selected>— wybierz —</option>' in page


def test_a_model_fields_empty_choice_is_polish():
    from django.db.models.utils import get_blank_choice_label

    assert str(get_blank_choice_label()) == "— wybierz —"


def test_the_activation_email_is_smks_own_in_polish_with_the_sites_name(client, settings):
    from tests.applicant.test_registration import signup_data

    client.post(reverse("account_signup"), signup_data())
    (message,) = mail.outbox
    assert message.subject == f"[{settings.SITE_NAME}] Aktywuj konto — potwierdź adres e-mail"
    assert settings.SITE_NAME in message.body
    assert "/konto/confirm-email/" in message.body
    assert "testserver" not in message.subject
    assert not ENGLISH.search(message.body.replace("/konto/confirm-email/", "")), message.body


def test_the_password_reset_email_is_smks_own_in_polish(client, settings):
    user = UserFactory(email="zapominalska@example.pl")
    client.post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mail.outbox
    assert message.subject == f"[{settings.SITE_NAME}] Ustawienie nowego hasła"
    assert "ustawienie nowego hasła do Twojego konta w systemie" in message.body
    assert settings.SITE_NAME in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    assert not ENGLISH.search(message.body.replace(link, "")), message.body


def test_a_reset_for_an_unknown_address_answers_in_polish_too(client, settings):
    settings.ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
    client.post(reverse("account_reset_password"), {"email": "nikt@example.pl"})
    (message,) = mail.outbox
    assert message.subject == f"[{settings.SITE_NAME}] Nie ma konta z tym adresem e-mail"
    link = re.search(r"https?://\S+", message.body).group(0)
    assert not ENGLISH.search(message.body.replace(link, "")), message.body


def test_the_email_confirmation_of_a_second_address_reads_in_polish(settings):
    from allauth.account.models import EmailAddress
    from django.test import RequestFactory

    user = UserFactory(email="pierwszy@example.pl")
    address = EmailAddress.objects.create(user=user, email="drugi@example.pl")
    request = RequestFactory().get("/")
    request.user = user
    from allauth.core import context

    with context.request_context(request):
        address.send_confirmation(request)
    (message,) = mail.outbox
    assert message.subject == f"[{settings.SITE_NAME}] Potwierdź adres e-mail"
    assert not ENGLISH.search(re.sub(r"https?://\S+", "", message.body)), message.body
