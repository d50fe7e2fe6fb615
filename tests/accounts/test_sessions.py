"""Automatic logout after 30 minutes without activity, with a notice on the login page."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.sessions import MARKER_COOKIE, RENEWED_KEY

pytestmark = pytest.mark.django_db

NOTICE = "Zostałeś wylogowany z powodu braku aktywności"


def log_in(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": "haslo-testowe-123"})
    assert client.get(reverse("home")).status_code == 200
    assert MARKER_COOKIE in client.cookies


def test_the_session_lasts_30_to_31_minutes_from_the_last_request():
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_RENEW_SECONDS == 60
    assert settings.SESSION_COOKIE_AGE == 31 * 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST


def test_an_expired_session_logs_out_with_a_notice(client, uw_mazowieckie):
    log_in(client, uw_mazowieckie)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("units:unit_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    login_page = client.get(response.url).content.decode()
    assert NOTICE in login_page
    assert NOTICE not in client.get(reverse("account_login")).content.decode()  # once
    log_in(client, uw_mazowieckie)  # and back to work
    assert client.get(reverse("units:unit_list")).status_code == 200


def test_a_request_within_30_minutes_keeps_the_session(client, uw_mazowieckie):
    log_in(client, uw_mazowieckie)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    session = client.session
    session[RENEWED_KEY] -= 60  # the last renewal was a minute ago
    session.save()
    assert client.get(reverse("units:unit_list")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + datetime.timedelta(minutes=30)


def test_pages_opened_within_a_minute_of_the_last_renewal_write_nothing(client, uw_mazowieckie):
    log_in(client, uw_mazowieckie)
    key = client.session.session_key
    client.get(reverse("referrals:referral_list"))  # the list remembers its URL once
    expiry = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert client.get(reverse("referrals:referral_list")).status_code == 200
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert writes == []
    assert Session.objects.get(session_key=key).expire_date == expiry


def test_logging_out_on_purpose_shows_no_notice(client, uw_mazowieckie):
    log_in(client, uw_mazowieckie)
    client.post(reverse("account_logout"))
    assert not client.cookies[MARKER_COOKIE].value
    page = client.get(reverse("account_login")).content.decode()
    assert NOTICE not in page


def test_a_first_visit_shows_no_notice(client):
    assert NOTICE not in client.get(reverse("account_login")).content.decode()
