"""Every page of the Django admin, and every administration screen, asks for a session
authenticated with the second factor: a stolen password alone opens none of them and changes
nothing (issue 14 item 4).

The admin's pages are found in ``admin.site`` itself — the index, each app's index and every
named URL of every registered model admin, plus the site's own pages — so a model registered
later is covered without anyone adding it here.
"""

import datetime
import hashlib
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accreditation.models import ExpiryNotice, InternshipAccreditation
from operations.models import JobRun
from reference.models import Accreditation, ElementKind, ProgrammeElement
from tests.accounts.conftest import totp_code
from tests.conftest import log_in
from tests.factories import (
    AccreditationFactory,
    ScheduledStartFactory,
    TraineeFactory,
    UnitContactFactory,
    person_with_role,
)
from training.models import Integration, OfferedPlaces

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the world's administrator's (world.py)


@dataclass(frozen=True)
class AdminPage:
    name: str  # the URL name, without "admin:"
    model: type | None = None  # whose row fills the URL's keywords
    keywords: tuple[str, ...] = ()
    app_label: str = ""
    query: str = ""

    def url(self, rows):
        if self.app_label:
            return reverse("admin:app_list", kwargs={"app_label": self.app_label})
        if self.name == "view_on_site":
            row = rows[Accreditation]
            content_type = ContentType.objects.get_for_model(row)
            kwargs = {"content_type_id": content_type.pk, "object_id": row.pk}
        else:
            kwargs = {keyword: row_of(rows, self).pk for keyword in self.keywords}
        return reverse(f"admin:{self.name}", kwargs=kwargs) + self.query


def admin_pages() -> list[AdminPage]:
    site = admin.site
    pages = [
        AdminPage("index"),
        AdminPage("password_change"),
        AdminPage("password_change_done"),
        AdminPage("jsi18n"),
        AdminPage(
            "autocomplete",
            query="?app_label=reference&model_name=accreditation&field_name=unit",
        ),
        AdminPage("view_on_site"),
    ]
    pages += [
        AdminPage("app_list", app_label=label)
        for label in sorted({model._meta.app_label for model in site._registry})
    ]
    for model, model_admin in site._registry.items():
        for pattern in model_admin.get_urls():
            if pattern.name:  # the unnamed one only redirects old change URLs
                keywords = tuple(pattern.pattern.converters)
                pages.append(AdminPage(pattern.name, model, keywords))
    return pages


PAGES = {
    page.name if not page.app_label else f"app_list {page.app_label}": page
    for page in admin_pages()
}


@pytest.fixture
def rows(world, settings):
    """A row of every model the admin shows, where one can be made here (the world lacks a
    few of allauth's and the task queue's); ``None`` for the others."""
    # The queue's admin shows its rows' tasks through the production backend (the tests run
    # tasks at once, with a backend that has no queued rows).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from django_tasks_db.models import DBTaskResult

    from pz.models import Identity

    someone = world.people["stranger"]
    Group.objects.create(name="Grupa testowa")
    app = SocialApp.objects.create(provider="openid_connect", name="OIDC", client_id="smk")
    account = SocialAccount.objects.create(user=someone, provider="openid_connect", uid="1")
    SocialToken.objects.create(app=app, account=account, token="t")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="smk.tasks.send_notification",
        backend_name="default",
        run_after=timezone.now(),
    )
    JobRun.objects.create(
        job="clear_sessions", period_start=timezone.now(), started_at=timezone.now()
    )
    _rows_of_the_units_and_accreditations()
    _rows_of_the_api_and_the_portal(someone)
    Identity.objects.create(user=someone, pesel="90010112318", activated_at=timezone.now())
    return {model: model._default_manager.order_by("pk").first() for model in admin.site._registry}


def _rows_of_the_units_and_accreditations():
    """The rows of accreditation's and training's models that the world has none of."""
    accreditation = AccreditationFactory()
    unit, field = accreditation.unit, accreditation.field
    internship = ProgrammeElement.objects.filter(kind=ElementKind.INTERNSHIP).first()
    InternshipAccreditation.objects.create(
        unit=unit, internship=internship, valid_from=datetime.date(2026, 1, 1), places=2
    )
    ExpiryNotice.objects.create(
        accreditation=accreditation, days_before=90, valid_to=datetime.date(2026, 12, 31)
    )
    UnitContactFactory(unit=unit)
    ScheduledStartFactory(accreditation=accreditation)
    TraineeFactory(accreditation=accreditation)
    OfferedPlaces.objects.create(unit=unit, field=field, places=1)
    Integration.objects.create(unit=unit)


def _rows_of_the_api_and_the_portal(someone):
    """An API client with its OAuth application, a token of every kind, a webhook with a
    delivery, and a komunikat."""
    from oauth2_provider.models import AccessToken, Grant, IDToken, RefreshToken

    from api import scopes
    from api.models import ApiClient, WebhookDelivery, WebhookEndpoint
    from api.services import create_client
    from api.webhooks import create_endpoint
    from portal.models import Announcement

    unit = AccreditationFactory().unit
    client = ApiClient(name="System HR", unit=unit, scopes=list(scopes.UNIT_SCOPES))
    create_client(client)
    application = client.application
    later = timezone.now() + datetime.timedelta(hours=1)
    token = AccessToken.objects.create(application=application, token="at-1", expires=later)
    RefreshToken.objects.create(
        application=application, user=someone, token="rt-1", access_token=token
    )
    Grant.objects.create(
        application=application,
        user=someone,
        code="code-1",
        expires=later,
        redirect_uri="https://example.org/cb",
    )
    IDToken.objects.create(application=application, user=someone, expires=later)
    endpoint = WebhookEndpoint(client=client, url="https://example.org/hook")
    create_endpoint(endpoint)
    WebhookDelivery.objects.create(
        endpoint=endpoint, event_id="e-1", event_type="referral.sent", payload={}
    )
    Announcement.objects.create(title="Przerwa techniczna", body="W sobotę od 8:00.")


def row_of(rows, page):
    """The row whose pages a test opens; a page of a model without one needs no row to be
    refused (the refusal comes before the admin looks the row up)."""
    row = rows.get(page.model)
    if row is None and page.keywords:
        return SimpleNamespace(pk=page.model._meta.pk.to_python("1"))
    return row


@pytest.fixture
def administrator(world):
    return world.people["administrator"]


def fingerprint() -> str:
    """Every row of every model the admin shows."""
    digest = hashlib.sha256()
    for model in admin.site._registry:
        digest.update(repr(list(model._default_manager.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def asks_for_the_second_factor(response, url):
    """Sent to confirm the session with a code, and then back to ``url``."""
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    return location.path == reverse("mfa_reauthenticate") and parse_qs(location.query) == {
        "next": [url]
    }


def test_every_model_the_admin_shows_has_its_pages_here():
    covered = {page.model for page in PAGES.values() if page.model}
    assert covered == set(admin.site._registry)
    assert "auth_user_password_change" in PAGES  # the model admins' own extra pages too


@pytest.mark.parametrize("page", list(PAGES))
def test_a_password_only_session_of_a_superuser_is_asked_for_the_second_factor(
    rows, administrator, fresh_cache, page
):
    url = PAGES[page].url(rows)
    client = Client()
    client.force_login(administrator)  # the password, no code from the app
    before = fingerprint()
    for response in (client.get(url), client.post(url, {"name": "Zmienione", "places": 77})):
        assert asks_for_the_second_factor(response, url), (url, response.status_code)
    assert fingerprint() == before


@pytest.mark.parametrize("page", list(PAGES))
def test_a_session_authenticated_with_the_second_factor_opens_every_admin_page(
    rows, administrator, page
):
    assert not (PAGES[page].keywords and rows[PAGES[page].model] is None), (
        f"no {PAGES[page].model._meta.label} row to open: make one in rows()"
    )
    url = PAGES[page].url(rows)
    response = log_in(Client(), administrator).get(url)
    model_admin = admin.site._registry.get(PAGES[page].model)
    request = RequestFactory().get(url)
    request.user = administrator
    expected = 200
    if PAGES[page].name.endswith("_add") and not model_admin.has_add_permission(request):
        expected = 403  # a model admin's own refusal (rows written only by the services)
    if PAGES[page].name.endswith("_delete") and not model_admin.has_delete_permission(request):
        expected = 403
    if PAGES[page].name == "view_on_site":
        expected = 404  # no model of ours has a page of its own outside the admin
    assert response.status_code == expected, (url, response.status_code)


def test_a_stolen_password_does_not_change_an_accreditation_and_the_second_factor_does(
    rows, administrator
):
    accreditation = rows[Accreditation]
    url = reverse("admin:reference_accreditation_change", args=[accreditation.pk])
    password_only = Client()
    password_only.force_login(administrator)
    page = log_in(Client(), administrator).get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["places"] = accreditation.places + 77

    response = password_only.post(url, data)
    assert asks_for_the_second_factor(response, url)
    accreditation.refresh_from_db()
    assert accreditation.places == data["places"] - 77

    confirmed = log_in(Client(), administrator).post(url, data)
    assert confirmed.status_code == 302, confirmed.context["adminform"].form.errors
    accreditation.refresh_from_db()
    assert accreditation.places == data["places"]


def test_the_administrator_confirms_the_session_with_a_code_and_comes_back(
    world, administrator, fresh_cache
):
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:accounts_user_changelist")
    detour = client.get(url)
    assert asks_for_the_second_factor(detour, url)
    page = client.get(detour["Location"])
    assert "potwierdzenia logowania drugim składnikiem" in page.content.decode()
    back = client.post(detour["Location"], {"code": totp_code(SECRET)})
    assert back["Location"] == url
    assert client.get(url).status_code == 200


def test_logging_in_with_the_password_and_the_code_opens_the_admin(
    world, administrator, fresh_cache
):
    client = Client()
    stage = client.post(
        reverse("account_login"),
        {"login": administrator.email, "password": "haslo-testowe-123"},
    )
    assert stage["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_login_page_of_a_password_only_session_asks_for_the_code_then_goes_on(
    world, administrator
):
    client = Client()
    client.force_login(administrator)
    target = reverse("admin:accounts_user_changelist")
    response = client.get(reverse("admin:login") + "?next=" + target)
    assert asks_for_the_second_factor(response, target)


def test_a_superuser_without_an_authenticator_app_is_sent_to_set_it_up(world, fresh_cache):
    superuser = person_with_role(Role.ADMINISTRATOR)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    for url in (reverse("admin:index"), reverse("accounts:admin_queue")):
        response = client.get(url, follow=True)
        assert response.redirect_chain[0] == (reverse("mfa_activate_totp"), 302), url
        assert "wymagają uwierzytelniania dwuskładnikowego" in response.content.decode()


ADMINISTRATION_SCREENS = ["accounts:admin_queue", "accounts:admin_profiles"]


@pytest.mark.parametrize("name", ADMINISTRATION_SCREENS)
def test_the_administration_screens_ask_a_password_only_session_for_the_code(
    world, administrator, name
):
    url = reverse(name)
    client = Client()
    client.force_login(administrator)
    assert asks_for_the_second_factor(client.get(url), url)
    assert log_in(Client(), administrator).get(url).status_code == 200


def test_a_password_only_session_cannot_block_a_profile(world, administrator):
    profile = world.people["uw_mazowieckie"].profiles.get()
    url = reverse("accounts:admin_block_profile", args=[profile.pk])
    client = Client()
    client.force_login(administrator)
    assert asks_for_the_second_factor(client.post(url, {"reason": "Skradzione hasło"}), url)
    profile.refresh_from_db()
    assert profile.blocked_at is None
