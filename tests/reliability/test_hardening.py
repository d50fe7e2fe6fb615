"""Hardening (issue 6, item 5): what the production settings send, the cookies, the
Content-Security-Policy on every kind of page, idle logout after 30 minutes, login rate
limiting and not being framable. (``check --deploy`` is kept clean by
tests/test_configuration.py.)"""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.conftest import log_in
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "haslo-testowe-123"  # the factories' password

#: A script run with the production settings (no test relaxations): the headers and cookies
#: of the login page over HTTPS, the answer over plain HTTP, and the cookie settings.
PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

call_command("migrate", interactive=False, verbosity=0)  # an empty database of its own
# Plain static storage instead of building the manifest: file names do not touch headers.
plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
    client = Client()
    plain = client.get("/konto/login/")
    page = client.get("/konto/login/", secure=True)
names = ["SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
         "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_AGE",
         "SESSION_SAVE_EVERY_REQUEST", "SESSION_EXPIRE_AT_BROWSER_CLOSE"]
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "status": page.status_code,
    "headers": dict(page.headers),
    "cookies": {k: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                    "samesite": m["samesite"]} for k, m in page.cookies.items()},
    "settings": {n: getattr(settings, n) for n in names},
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """What the production settings answer, from a separate process (the test settings relax
    HTTPS and HSTS), on an empty SQLite database of its own."""
    folder = tmp_path_factory.mktemp("production")
    empty = folder / "production.sqlite3"
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "smk.settings",
        "SECRET_KEY": "k8Jd0-production-like-secret-3mZp9vQw7xR2tY5uI1oP4aS6dF8gH0jK",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{empty}",
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# ---- Production settings ---------------------------------------------------------------------


def test_production_redirects_plain_http_to_https(production):
    status, location = production["plain"]
    assert status == 301
    assert location == "https://testserver/konto/login/"


def test_production_sends_hsts_for_a_year_with_subdomains_and_preload(production):
    assert production["status"] == 200
    assert production["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_production_sends_the_other_security_headers(production):
    headers = production["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = csp_directives(headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == ["'none'"]


def test_production_cookies_are_secure_httponly_and_same_site(production):
    csrf = production["cookies"]["csrftoken"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": 1860,
        "SESSION_SAVE_EVERY_REQUEST": False,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }


PRODUCTION_TRANSPORT = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
}


def login_through_the_form(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


@override_settings(**PRODUCTION_TRANSPORT)
def test_logging_in_over_https_sets_a_secure_httponly_same_site_session_cookie(
    uw_mazowieckie, fresh_cache
):
    client = Client()
    response = login_through_the_form(client, uw_mazowieckie.email, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    # A browser-session cookie: gone when the browser closes; the server ends it when idle.
    assert not session["max-age"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# ---- Content-Security-Policy on pages --------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def pages(world):
    m = world.sides["M"]
    return {
        "uw_mazowieckie": [
            reverse("home"),
            reverse("referrals:referral_list"),
            reverse("referrals:referral_form", args=[m.issued.pk]),
            reverse("referrals:referral_history", args=[m.issued.pk]),
            reverse("qualification:procedure_detail", args=[m.procedure.pk]),
            reverse("qualification:slot_list_edit", args=[m.slot_list.pk]),
            reverse("qualification:application_detail", args=[m.issued.application_id]),
            reverse("registry:entry_list"),
            reverse("accounts:my_account"),
        ],
        "unit_staff": [
            reverse("referrals:unit_referral_detail", args=[m.issued.pk]),
            reverse("referrals:unit_reject", args=[m.issued.pk]),
        ],
        "administrator": [
            reverse("accounts:admin_queue"),
            reverse("admin:index"),
            reverse("admin:referrals_referral_changelist"),
        ],
        None: [
            reverse("account_login"),
            reverse("account_reset_password"),
            reverse("qualification:published_slot_lists"),
        ],
    }


def test_every_kind_of_page_has_a_csp_without_unsafe_inline_and_no_inline_code(world):
    for person, urls in pages(world).items():
        client = Client()
        if person:
            log_in(client, world.people[person])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (person, url, response.status_code)
            header = response.headers["Content-Security-Policy"]
            csp = csp_directives(header)
            assert "unsafe-inline" not in header and "unsafe-eval" not in header, url
            assert csp["default-src"] == ["'self'"], url
            assert csp["object-src"] == ["'none'"], url
            assert csp["frame-ancestors"] == ["'none'"], url
            assert any(s.startswith("'nonce-") for s in csp["script-src"]), url
            body = response.content.decode()
            # With no 'unsafe-inline' such code would be blocked: none may be there.
            assert not INLINE_SCRIPT.search(body), (url, INLINE_SCRIPT.search(body))
            assert not INLINE_STYLE.search(body), (url, INLINE_STYLE.search(body))


def test_the_app_and_the_admin_refuse_to_be_framed(world):
    client = log_in(Client(), world.people["administrator"])
    for url in (reverse("home"), reverse("admin:index"), reverse("admin:login")):
        response = client.get(url)
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url


# ---- Idle logout -----------------------------------------------------------------------------


def later(monkeypatch, minutes):
    """Move the clock ``minutes`` ahead of now, for everything that asks Django for it."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(minutes=minutes))


def test_a_session_idle_for_30_minutes_ends_with_a_notice_on_the_login_page(
    uw_mazowieckie, monkeypatch, fresh_cache
):
    client = Client()
    login_through_the_form(client, uw_mazowieckie.email)
    assert client.get(reverse("accounts:my_account")).status_code == 200

    later(monkeypatch, 32)
    response = client.get(reverse("referrals:referral_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    login_page = client.get(response["Location"])
    assert "Zostałeś wylogowany z powodu braku aktywności" in login_page.content.decode()


def test_a_request_renews_the_30_minutes(uw_mazowieckie, monkeypatch, fresh_cache):
    client = Client()
    login_through_the_form(client, uw_mazowieckie.email)
    start = timezone.now()
    for minutes in (25, 50, 75):  # never 30 minutes without a request
        monkeypatch.setattr(
            timezone, "now", lambda m=minutes: start + datetime.timedelta(minutes=m)
        )
        # A page for logged-in people only: the start page answers everybody.
        assert client.get(reverse("accounts:my_account")).status_code == 200, minutes
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=107))
    assert client.get(reverse("accounts:my_account")).status_code == 302


# ---- Login rate limiting ---------------------------------------------------------------------

TOO_MANY = "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie później."


def test_after_five_failed_logins_even_the_right_password_is_refused(uw_mazowieckie, fresh_cache):
    client = Client()
    for attempt in range(5):
        response = login_through_the_form(client, uw_mazowieckie.email, "zle-haslo-123")
        assert response.status_code == 200, attempt
        assert "_auth_user_id" not in client.session

    response = login_through_the_form(client, uw_mazowieckie.email)

    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_limit_counts_per_address_too_so_changing_the_ip_does_not_help(
    uw_mazowieckie, fresh_cache
):
    for n in range(5):
        login_through_the_form(
            Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), uw_mazowieckie.email, "zle-haslo-123"
        )
    client = Client(REMOTE_ADDR="10.0.0.99")
    response = login_through_the_form(client, uw_mazowieckie.email)
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failed_logins_of_one_person_do_not_lock_out_another(uw_mazowieckie, fresh_cache):
    other = person_with_role(Role.UW, voivodeship=uw_mazowieckie.profiles.get().voivodeship)
    for n in range(4):
        login_through_the_form(
            Client(REMOTE_ADDR=f"10.0.1.{n + 1}"), uw_mazowieckie.email, "zle-haslo-123"
        )
    client = Client(REMOTE_ADDR="10.0.1.50")
    response = login_through_the_form(client, other.email)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
