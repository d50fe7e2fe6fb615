"""TOTP two-factor authentication (allauth MFA): required for administrators before the
administration screens, optional for everyone else."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from smk.second_factor import has_totp
from tests.accounts.conftest import totp_code

pytestmark = pytest.mark.django_db

QUEUE = reverse("accounts:admin_queue")


def log_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": "haslo-testowe-123"}
    )


def confirm_password_then_open(client, user, url):
    """allauth asks for the password again before a second factor is added."""
    response = client.get(url)
    if response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate")):
        client.post(response.url, {"password": "haslo-testowe-123"})
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_an_administrator_without_totp_sets_it_up_before_the_administration_screens(
    client, administrator
):
    log_in(client, administrator)
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    page = confirm_password_then_open(client, administrator, response.url)
    assert "Włącz aplikację uwierzytelniającą" in page.content.decode()
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and not has_totp(administrator)
    assert client.get(QUEUE).status_code == 302

    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert has_totp(administrator)
    # This session began with the password only: it is confirmed once with a code.
    confirm = client.get(QUEUE)
    assert confirm.url == f"{reverse('mfa_reauthenticate')}?next={QUEUE.replace('/', '%2F')}"
    back = client.post(confirm.url, {"code": totp_code(secret)})
    assert back.url == QUEUE
    assert client.get(QUEUE).status_code == 200

    # From now on logging in asks for the code from the app.
    client.post(reverse("account_logout"))
    cache.clear()
    stage = log_in(client, administrator)
    assert stage.url == reverse("mfa_authenticate")
    assert client.get(QUEUE).url.startswith(reverse("account_login"))
    bad = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert bad.status_code == 200
    good = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert good.status_code == 302
    assert client.get(QUEUE).status_code == 200


def test_an_administrator_with_totp_logs_in_with_the_code(client, mfa_administrator, totp_secret):
    assert log_in(client, mfa_administrator).url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret)})
    assert client.get(QUEUE).status_code == 200


def test_other_people_are_not_asked_for_a_second_factor(client, uw_mazowieckie):
    response = log_in(client, uw_mazowieckie)
    assert response.url == reverse("home")
    assert client.get(reverse("units:unit_list")).status_code == 200
    assert not Authenticator.objects.exists()


def test_anyone_may_turn_it_on_from_moje_konto(client, uw_mazowieckie):
    log_in(client, uw_mazowieckie)
    assert reverse("mfa_index") in client.get(reverse("accounts:my_account")).content.decode()
    page = confirm_password_then_open(client, uw_mazowieckie, reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert has_totp(uw_mazowieckie)


def test_the_allauth_pages_open_in_our_layout(client, uw_mazowieckie):
    log_in(client, uw_mazowieckie)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    page = confirm_password_then_open(client, uw_mazowieckie, reverse("mfa_activate_totp"))
    done = client.post(
        reverse("mfa_activate_totp"),
        {"code": totp_code(page.context["form"].secret)},
        follow=True,
    )
    assert done.status_code == 200
    assert "SMK" in done.content.decode()
    assert client.get(reverse("mfa_index")).status_code == 200
