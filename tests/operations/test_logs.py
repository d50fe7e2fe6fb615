"""JSON logs: a line per record with the request's id, user, profile and view; no PESEL nor
password in any of it; no traceback for an ordinary 403 or 404."""

import io
import json
import logging

import pytest
from django.urls import reverse

from smk.logs import JsonFormatter, QuietClientErrorsFilter, RequestContextFilter
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the root logger writes through the settings' JSON handler, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    handler.addFilter(QuietClientErrorsFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_forbidden_page_is_one_line_with_the_request_and_no_traceback(
    client_of, applicant, log_lines
):
    client = client_of(applicant)
    response = client.get(reverse("referrals:referral_list"))
    assert response.status_code == 403
    [line] = [entry for entry in log_lines() if entry["logger"] == "django.request"]
    assert line["message"].startswith("Forbidden")
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == applicant.pk
    assert line["profile_id"] == applicant.profiles.get().pk
    assert line["view"] == "referrals:referral_list"
    assert line["status_code"] == 403
    assert "traceback" not in line


def test_another_scopes_object_answers_404_without_a_traceback(
    client_of, uw_malopolskie, log_lines
):
    referral = ReferralFactory()  # of mazowieckie
    response = client_of(uw_malopolskie).get(reverse("referrals:referral_form", args=[referral.pk]))
    assert response.status_code == 404
    assert all("traceback" not in entry for entry in log_lines())


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="proxy-4f2a9c01")
    assert kept["X-Request-ID"] == "proxy-4f2a9c01"
    forged = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")
    assert len(forged["X-Request-ID"]) == 32 and "\n" not in forged["X-Request-ID"]


def test_a_pesel_and_a_password_never_reach_the_log(log_lines):
    logger = logging.getLogger("smk.test")
    logger.warning("Login of %s with password=%s", "44051401359", "Sekret!2026")
    try:
        raise ValueError('{"pesel": "44051401359", "password": "Sekret!2026"}')
    except ValueError:
        logger.exception("hasło: Sekret!2026")
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert "44051401359" not in text and "Sekret!2026" not in text
    assert "[PESEL]" in text and "[hasło]" in text


def test_a_server_error_keeps_its_traceback(log_lines):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    [line] = log_lines()
    assert "RuntimeError: boom" in line["traceback"]
