"""Logging in with "Profil Zaufany" in a real browser: the login page's button, the test IdP
(a real SAML IdP on 127.0.0.1), the artifact resolved behind the scenes, "Moje konto"."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pz.models import Identity
from tests.factories import UserFactory
from tests.pz import conftest as pz_conftest

pytestmark = pytest.mark.django_db(transaction=True)

# The test IdP and the service provider's keys, shared with tests/pz/.
test_idp = pz_conftest.test_idp
pz_keys = pz_conftest.pz_keys


def test_from_the_login_button_through_profil_zaufany_to_my_account(
    page,
    live_server,
    settings,
    test_idp,
    pz_keys,
):
    pz_conftest.configure(settings, test_idp, pz_keys, base_url=live_server.url)
    user = UserFactory(email="anna@example.pl", first_name="Anna", last_name="Zaufana")
    Identity.objects.create(user=user, pesel="90010112318", activated_at=timezone.now())

    page.goto("/konto/login/")
    page.get_by_role("link", name="Profil Zaufany").click()
    expect(page.get_by_role("heading", name="Testowy Profil Zaufany")).to_be_visible()
    page.get_by_label("Osoba").select_option(label="Anna Zaufana")
    page.get_by_role("button", name="Zaloguj się").click()

    expect(page.get_by_role("heading", name="Moje konto", exact=True)).to_be_visible()
    assert "90010112318" not in page.url
    assert "Przenoszę uprawnienia z SSOZI" in page.content()
