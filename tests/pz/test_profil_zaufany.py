"""Logging in with Profil Zaufany (seed 003, issue 19) against the test IdP: the real round
trip — signed AuthnRequest, artifact, signed ArtifactResolve over SOAP, signed and encrypted
answer — the first login bound to the PESEL, the refusals, single logout.

One module past 400 lines: every test goes through the same test IdP and the same first
login; the sections follow the login's steps.
"""

import logging
import re
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Role
from pz import saml
from pz.models import Identity, UsedAssertion
from qualification.services.applicant.registration import register_applicant
from smk.models import Event, Notification
from tests.factories import UserFactory, person_with_role
from tests.pz.conftest import SP_ENTITY_ID, idp_answer, log_in_with_pz, start_at_idp

pytestmark = pytest.mark.django_db

ANNA = "90010112318"  # in the test IdP: Anna Zaufana
PIOTR = "85050554327"


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _activation_path(email: str) -> str:
    body = Notification.objects.filter(recipient=email).latest("pk").body
    return urlsplit(re.search(r"https?://\S+/pz/aktywuj/\S+/", body).group(0)).path


def _first_login_new_account(client, idp, pesel=ANNA, email="anna@example.pl"):
    assert log_in_with_pz(client, idp, pesel)["Location"] == reverse("pz:migration")
    client.post(reverse("pz:migration"), {"action": "new"})
    response = client.post(
        reverse("pz:account_information"),
        {"email": email, "email_repeat": email, "terms": "on"},
    )
    assert response["Location"] == reverse("pz:activation_pending")
    return _activation_path(email)


def bound_account(pesel=ANNA, **user_kwargs):
    user = UserFactory(**user_kwargs)
    from django.utils import timezone

    Identity.objects.create(user=user, pesel=pesel, activated_at=timezone.now())
    return user


# --- off unless configured ------------------------------------------------------------------


def test_login_page_says_nothing_of_profil_zaufany_when_it_is_not_configured(client):
    assert not saml.enabled()
    page = client.get(reverse("account_login")).content.decode()
    assert "Profil Zaufany" not in page
    assert client.get(reverse("pz:login")).status_code == 404
    assert client.get(reverse("pz:metadata")).status_code == 404


def test_login_page_offers_profil_zaufany_when_configured(client, pz_on):
    page = client.get(reverse("account_login")).content.decode()
    assert f'href="{reverse("pz:login")}"' in page
    assert ">Profil Zaufany<" in page


def test_service_provider_metadata_asks_for_artifacts_and_signs_its_requests(client, pz_on):
    xml = client.get(reverse("pz:metadata")).content.decode()
    assert 'AuthnRequestsSigned="true"' in xml
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact" in xml
    assert 'use="encryption"' in xml


# --- the round trip -------------------------------------------------------------------------


def test_the_node_receives_a_signed_authn_request_asking_for_an_artifact(client, pz_on):
    location = start_at_idp(client)
    query = urlsplit(location).query
    assert location.startswith(pz_on.base_url + "/sso?")
    assert "Signature=" in query and "SigAlg=" in query
    # The IdP checks the signature against our metadata; a request without one is refused.
    assert requests.get(location, timeout=10).status_code == 200
    unsigned = re.sub(r"&Signature=[^&]+", "", location)
    assert requests.get(unsigned, timeout=10).status_code == 400


def test_a_bound_account_is_logged_in_and_the_answer_was_encrypted(client, pz_on):
    user = bound_account()
    response = log_in_with_pz(client, pz_on, ANNA)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:my_account")  # no profile yet
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["smk_auth_method"] == "profil_zaufany"
    # The answer resolved over the back channel carried the assertion encrypted only.
    answer = pz_on._last_artifact_response
    assert "EncryptedAssertion" in answer and ANNA not in answer
    event = Event.objects.filter(action="auth.logged_in", target_id=user.pk).latest("pk")
    assert event.data == {"method": "profil_zaufany"}


def test_an_inactive_user_is_not_logged_in_by_profil_zaufany(client, pz_on):
    bound_account(is_active=False)
    response = log_in_with_pz(client, pz_on, ANNA)
    assert not _logged_in(client)
    assert response["Location"] == reverse("pz:activation_pending")


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("tamper_signature", saml.REFUSED_SIGNATURE),
        ("expired", saml.REFUSED_EXPIRED),
        ("wrong_audience", saml.REFUSED_AUDIENCE),
    ],
)
def test_a_bad_answer_is_refused_with_a_clear_message_and_no_session(client, pz_on, mode, message):
    bound_account()
    response = log_in_with_pz(client, pz_on, ANNA, mode=mode)
    assert response["Location"] == reverse("account_login")
    assert not _logged_in(client)
    assert "pz_pending" not in client.session
    assert not UsedAssertion.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert str(message) in page


def test_a_replayed_answer_is_refused(client, pz_on):
    bound_account()
    log_in_with_pz(client, pz_on, ANNA)
    client.post(reverse("account_logout"))
    # The node (or someone in the middle) hands the same answer out again.
    response = log_in_with_pz(client, pz_on, ANNA, mode="replay")
    assert response["Location"] == reverse("account_login")
    assert not _logged_in(client)
    assert str(saml.REFUSED_REPLAYED) in client.get(response["Location"]).content.decode()


def test_the_same_artifact_link_opened_again_logs_nobody_in(client, pz_on):
    bound_account()
    acs = idp_answer(pz_on, start_at_idp(client), ANNA)
    assert client.get(acs)["Location"] == reverse("accounts:my_account")
    client.post(reverse("account_logout"))
    other = type(client)()
    for browser in (client, other):
        response = browser.get(acs)
        assert response["Location"] == reverse("account_login")
        assert not _logged_in(browser)


def test_an_assertion_used_once_is_refused_the_second_time(client, pz_on):
    from pz.services import use_assertion

    use_assertion("id-1")
    with pytest.raises(saml.LoginRefused) as refusal:
        use_assertion("id-1")
    assert refusal.value.message == saml.REFUSED_REPLAYED


# --- the first login ------------------------------------------------------------------------


def test_first_login_without_an_account_creates_one_after_the_email_is_confirmed(client, pz_on):
    assert log_in_with_pz(client, pz_on, ANNA)["Location"] == reverse("pz:migration")
    page = client.get(reverse("pz:migration")).content.decode()
    assert "Wyszukiwanie Twojego konta" in page
    assert "Nie odnaleziono konta o podanym numerze PESEL" in page
    assert "Utwórz nowe konto bez migracji" in page and "Przerwij proces migracji" in page
    assert ANNA not in page  # masked here
    client.post(reverse("pz:migration"), {"action": "new"})
    form = client.get(reverse("pz:account_information")).content.decode()
    for label in ("Imię", "Nazwisko", "PESEL", "Login", "E-mail", "Powtórz e-mail"):
        assert f">{label}" in form
    assert "Znam Warunki korzystania z serwisu" in form
    assert f'id="pz-pesel" value="{ANNA}" readonly' in form

    response = client.post(
        reverse("pz:account_information"),
        {"email": "anna@example.pl", "email_repeat": "anna@example.pl", "terms": "on"},
    )
    assert response["Location"] == reverse("pz:activation_pending")
    user = get_user_model().objects.get(email="anna@example.pl")
    assert (user.first_name, user.last_name, user.is_active) == ("Anna", "Zaufana", False)
    assert not _logged_in(client)
    pending = client.get(reverse("pz:activation_pending")).content.decode()
    assert "Aktywuj konto" in pending and "Chcę dostać nowy e-mail" in pending

    link = _activation_path("anna@example.pl")
    assert "Aktywuj konto" in client.get(link).content.decode()  # GET only shows the button
    assert not Identity.objects.get(user=user).is_active
    response = client.post(link)
    assert response["Location"] == reverse("accounts:my_account")
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.is_active and user.pz_identity.pesel == ANNA
    assert user.emailaddress_set.get().verified


def test_account_information_refuses_bad_input_next_to_the_field_and_creates_nothing(client, pz_on):
    UserFactory(email="zajety@example.pl")
    log_in_with_pz(client, pz_on, ANNA)
    client.post(reverse("pz:migration"), {"action": "new"})
    url = reverse("pz:account_information")
    cases = [
        ({"email": "a@example.pl", "email_repeat": "b@example.pl", "terms": "on"}, "różnią się"),
        ({"email": "a@example.pl", "email_repeat": "a@example.pl"}, "Warunki korzystania"),
        (
            {"email": "zajety@example.pl", "email_repeat": "zajety@example.pl", "terms": "on"},
            "już istnieje",
        ),
    ]
    users = get_user_model().objects.count()
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert 'class="field__error"' in response.content.decode()
    assert get_user_model().objects.count() == users
    assert not Identity.objects.exists()


def test_an_account_with_the_pesel_is_offered_for_migration_and_keeps_its_data(client, pz_on):
    applicant = person_with_role(Role.APPLICANT, email="anna.stara@example.pl")
    register_applicant(applicant, pesel=ANNA)
    log_in_with_pz(client, pz_on, ANNA)
    page = client.get(reverse("pz:migration")).content.decode()
    assert "Odnaleziono konto o podanym numerze PESEL" in page
    client.post(reverse("pz:migration"), {"action": "migrate"})
    form = client.get(reverse("pz:account_information")).content.decode()
    assert 'value="anna.stara@example.pl" readonly' in form  # Login
    # The link goes to the migrated account's address: another one is refused.
    response = client.post(
        reverse("pz:account_information"),
        {"email": "inny@example.pl", "email_repeat": "inny@example.pl", "terms": "on"},
    )
    assert "Podaj adres e-mail konta, które przenosisz" in response.content.decode()
    client.post(
        reverse("pz:account_information"),
        {"email": "anna.stara@example.pl", "email_repeat": "anna.stara@example.pl", "terms": "on"},
    )
    client.post(_activation_path("anna.stara@example.pl"))
    assert client.session["_auth_user_id"] == str(applicant.pk)
    assert Identity.objects.get(user=applicant).migrated
    assert get_user_model().objects.filter(email__startswith="anna").count() == 1


def test_stopping_the_migration_creates_nothing_and_logs_nobody_in(client, pz_on):
    log_in_with_pz(client, pz_on, ANNA)
    response = client.post(reverse("pz:migration"), {"action": "abort"})
    assert response["Location"] == reverse("account_login")
    assert not _logged_in(client) and "pz_pending" not in client.session
    assert not Identity.objects.exists()
    assert client.get(reverse("pz:account_information"))["Location"] == reverse("account_login")


def test_a_new_activation_email_can_be_asked_for_a_few_times(client, pz_on):
    _first_login_new_account(client, pz_on)
    for _attempt in range(3):
        client.post(reverse("pz:resend_activation"))
    assert Notification.objects.filter(recipient="anna@example.pl").count() == 4
    response = client.post(reverse("pz:resend_activation"), follow=True)
    assert "Spróbuj za kilka minut" in response.content.decode()
    assert Notification.objects.filter(recipient="anna@example.pl").count() == 4


def test_a_forged_activation_link_activates_nothing(client, pz_on):
    response = client.post(reverse("pz:activate", args=["forged:token"]))
    assert response.status_code == 400
    assert "nieprawidłowy lub wygasł" in response.content.decode()


def test_an_activation_link_sent_to_an_address_given_before_stops_working(client, pz_on):
    """A typo in the address, corrected by saving the account information again: the link
    that went to the wrong mailbox no longer activates the account; the new one does."""
    wrong = _first_login_new_account(client, pz_on, email="anna@exmaple.pl")
    response = client.post(
        reverse("pz:account_information"),
        {"email": "anna@example.pl", "email_repeat": "anna@example.pl", "terms": "on"},
    )
    assert response["Location"] == reverse("pz:activation_pending")
    right = _activation_path("anna@example.pl")
    assert right != wrong

    for method in (client.get, client.post):
        response = method(wrong)
        assert response.status_code == 400
        assert "nieprawidłowy lub wygasł" in response.content.decode()
    identity = Identity.objects.get(pesel=ANNA)
    assert not identity.is_active and not identity.user.is_active

    client.post(right)
    identity.refresh_from_db()
    assert identity.is_active and identity.user.email == "anna@example.pl"
    assert client.post(right)["Location"] == reverse("account_login")  # used again: no harm


def test_the_administrator_sees_the_bindings_and_unbinding_one_lets_the_person_bind_anew(
    client, pz_on, mfa_admin_client, administrator
):
    user = bound_account(ANNA, email="anna.zla@example.pl", first_name="Anna")
    identity = user.pz_identity
    listed = mfa_admin_client.get(reverse("admin:pz_identity_changelist")).content.decode()
    assert "anna.zla@example.pl" in listed and ANNA not in listed
    page = mfa_admin_client.get(reverse("admin:pz_identity_change", args=[identity.pk]))
    assert ANNA in page.content.decode()
    assert mfa_admin_client.get(reverse("admin:pz_identity_add")).status_code == 403

    response = mfa_admin_client.post(
        reverse("admin:pz_identity_delete", args=[identity.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Identity.objects.filter(pk=identity.pk).exists()
    user.refresh_from_db()  # the account itself stays
    event = Event.objects.filter(action="pz.account_unbound").get()
    assert (event.target_id, event.user) == (user.pk, administrator)
    assert event.data == {"was_active": True}
    # Logging in with Profil Zaufany again no longer lands in the account it was bound to.
    assert log_in_with_pz(client, pz_on, ANNA)["Location"] == reverse("pz:migration")
    assert not _logged_in(client)


def test_the_pesel_never_appears_in_urls_or_logs(client, pz_on, caplog):
    caplog.set_level(logging.DEBUG)
    urls = []
    location = start_at_idp(client)
    urls.append(location)
    acs = idp_answer(pz_on, location, ANNA)
    urls.append(acs)
    for step in (
        lambda: client.get(acs),
        lambda: client.post(reverse("pz:migration"), {"action": "new"}),
        lambda: client.post(
            reverse("pz:account_information"),
            {"email": "anna@example.pl", "email_repeat": "anna@example.pl", "terms": "on"},
        ),
        lambda: client.post(_activation_path("anna@example.pl")),
    ):
        response = step()
        urls.append(response.wsgi_request.get_full_path())
        urls.append(response.get("Location", ""))
    assert client.session["smk_auth_method"] == "profil_zaufany"
    assert not any(ANNA in url for url in urls), urls
    assert ANNA not in caplog.text
    assert ANNA not in Notification.objects.get(recipient="anna@example.pl").body


# --- single logout and the session's method ---------------------------------------------------


def test_logging_out_ends_the_session_at_the_node_too(client, pz_on):
    bound_account()
    log_in_with_pz(client, pz_on, ANNA)
    name_id = client.session["pz_name_id"]
    assert name_id in pz_on.sessions
    page = client.post(reverse("account_logout"), follow=True)
    assert not _logged_in(client)
    idp_logout = re.search(r'href="(http://127\.0\.0\.1:\d+/slo\?[^"]+)"', page.content.decode())
    location = idp_logout.group(1).replace("&amp;", "&")
    assert "Signature=" in location
    back = requests.get(location, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and name_id not in pz_on.sessions
    url = urlsplit(back.headers["Location"])
    response = client.get(f"{url.path}?{url.query}", follow=True)
    assert "Wylogowano z SMK i z Profilu Zaufanego" in response.content.decode()


def test_the_node_can_end_the_session(client, pz_on):
    bound_account()
    log_in_with_pz(client, pz_on, ANNA)
    name_id = client.session["pz_name_id"]
    url = urlsplit(pz_on.logout_request_url(name_id, SP_ENTITY_ID))
    response = client.get(f"{url.path}?{url.query}")
    assert not _logged_in(client)
    assert response["Location"].startswith(pz_on.base_url + "/slo?SAMLResponse=")


def test_an_unsigned_logout_request_is_refused(client, pz_on):
    bound_account()
    log_in_with_pz(client, pz_on, ANNA)
    url = urlsplit(pz_on.logout_request_url(client.session["pz_name_id"], SP_ENTITY_ID))
    unsigned = re.sub(r"&Signature=[^&]+", "", url.query)
    assert client.get(f"{url.path}?{unsigned}").status_code == 400
    assert _logged_in(client)


def test_a_password_login_is_recorded_with_its_method(client):
    user = UserFactory(email="haslo@example.pl")
    user.set_password("Bardzo-Dobre-Haslo-1")
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    client.post(
        reverse("account_login"), {"login": "haslo@example.pl", "password": "Bardzo-Dobre-Haslo-1"}
    )
    assert _logged_in(client)
    event = Event.objects.filter(action="auth.logged_in", target_id=user.pk).latest("pk")
    assert event.data == {"method": "haslo"}


def test_roles_can_require_a_profil_zaufany_session(client, pz_on, settings, uw_mazowieckie):
    settings.PZ_REQUIRED_ROLES = [Role.UW]
    clerk = uw_mazowieckie
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("pz:required")
    page = client.get(reverse("pz:required")).content.decode()
    assert "wymaga zalogowania przez Profil Zaufany" in page
    assert client.get(reverse("accounts:my_account")).status_code == 200

    client.post(reverse("account_logout"))
    from django.utils import timezone

    Identity.objects.create(user=clerk, pesel=PIOTR, activated_at=timezone.now())
    log_in_with_pz(client, pz_on, PIOTR)
    assert client.get(reverse("home")).status_code == 200
