""" "Rejestracja — jestem nowym użytkownikiem": an applicant makes their account, confirms the
e-mail address through the link, logs in and works in their personal applicant profile."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import InstitutionKind, Profile, Role, User
from qualification.services.applicant import registered_pesel
from tests.applicant.signup import signup_open

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_signup")]

PASSWORD = "Bardzo-Dlugie-Haslo-2026"


@pytest.fixture
def open_signup():
    with signup_open():
        yield


def signup_data(**overrides):
    data = {
        "email": "Nowa.Diagnostka@Example.pl",
        "first_name": "Łucja",
        "last_name": "Wróblewska",
        "pesel": "02070803628",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/konto/confirm-email/[^\s]+/)", message.body).group(1)


def test_the_page_is_titled_as_in_wors_and_asks_for_the_pesel(client):
    response = client.get(reverse("account_signup"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Rejestracja — jestem nowym użytkownikiem</h1>" in page
    assert "<title>Rejestracja — jestem nowym użytkownikiem — SMK</title>" in page
    for label in ("Adres e-mail", "Imię", "Nazwisko", "PESEL", "Hasło", "Hasło (powtórz)"):
        assert f">{label}" in page, label
    assert reverse("account_login") in page
    assert "Logowanie — mam już konto" in page


def test_a_pesel_with_a_wrong_check_digit_is_refused_next_to_the_field(client):
    response = client.post(reverse("account_signup"), signup_data(pesel="02070803629"))
    assert response.status_code == 200
    assert "Niepoprawny PESEL" in " ".join(response.context["form"].errors["pesel"])
    assert not User.objects.exists()
    assert not mail.outbox


def test_registering_makes_the_account_with_its_applicant_profile_and_sends_the_link(client):
    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get()
    assert (user.email, user.first_name, user.last_name) == (
        "nowa.diagnostka@example.pl",
        "Łucja",
        "Wróblewska",
    )
    profile = Profile.objects.get(user=user)
    assert profile.kind == InstitutionKind.PERSONAL
    assert profile.has_role(Role.APPLICANT)
    assert registered_pesel(user) == "02070803628"
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mail.outbox
    assert message.to == ["nowa.diagnostka@example.pl"]
    assert "/konto/confirm-email/" in message.body


def test_without_confirming_the_address_one_cannot_log_in(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nowa.diagnostka@example.pl", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("qualification:my_applications")).status_code == 302


def test_after_confirming_the_address_the_applicant_logs_in_to_moje_wnioski(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(email="nowa.diagnostka@example.pl").verified

    response = client.post(
        reverse("account_login"),
        {"login": "nowa.diagnostka@example.pl", "password": PASSWORD},
        follow=True,
    )

    page = response.content.decode()
    assert "Moje wnioski" in page
    assert client.get(reverse("qualification:my_applications")).status_code == 200


def test_an_address_already_registered_makes_no_second_account(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    client.post(reverse("account_signup"), signup_data(pesel="44051401458"))
    assert User.objects.count() == 1
    assert Profile.objects.count() == 1
