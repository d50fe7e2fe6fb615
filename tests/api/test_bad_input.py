"""Bad input the schema fuzzer (test_schema_fuzzing.py) found answered with a 500, an HTML page
or a silent "everything": each now gets a clear 4xx in JSON, pinned here one by one."""

import pytest
from django.test import Client

from tests.api.conftest import TOKEN_URL, Api, make_client, token_for

LIST = "/api/v1/referrals/"


@pytest.fixture
def office_api(mazowieckie):
    client, secret = make_client(office=mazowieckie)
    return Api(token_for(client, secret))


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        # django-oauth-toolkit read the form itself: a multipart body without its boundary
        # broke Django's parser, and a NUL in client_id reached PostgreSQL.
        ("grant_type=client_credentials", "multipart/form-data", 400),
        (
            "grant_type=client_credentials&client_id=a%00b&client_secret=x",
            "application/x-www-form-urlencoded",
            400,
        ),
        ('{"grant_type": "client_credentials"}', "application/json", 415),
    ],
)
def test_a_malformed_token_request_is_refused_not_a_server_error(db, body, content_type, status):
    response = Client().post(TOKEN_URL, body, content_type=content_type)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


def test_a_time_offset_postgresql_cannot_store_still_filters(office_api):
    # ISO 8601 allows -18:29, PostgreSQL only ±15:59: the moment is compared in UTC.
    response = office_api.get("/api/v1/office/register/", {"since": "2026-01-20T11:13:21-18:29"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        # django-filter skipped these, answering the whole list.
        (LIST, {"changed_since": ""}, "changed_since"),
        (LIST, {"field": ""}, "field"),
        ("/api/v1/office/rankings/", {"qualified": "null"}, "qualified"),
        ("/api/v1/office/rankings/", {"session": "1.5"}, "session"),
        # DRF used the default page size instead.
        (LIST, {"page_size": "null"}, "page_size"),
        (LIST, {"page_size": "0"}, "page_size"),
    ],
)
def test_a_filter_or_page_size_that_says_nothing_valid_answers_400_naming_it(
    unit_api, office_api, path, query, field
):
    api = office_api if "/office/" in path else unit_api
    response = api.get(path, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("cursor", ["", "\x1f", "!!!"])
def test_a_cursor_the_server_did_not_give_answers_404(unit_api, cursor):
    # Base64 decoding skips what is not base64: these read as the first page.
    response = unit_api.get(LIST, {"cursor": cursor})
    assert response.status_code == 404
    assert "detail" in response.json()


def test_an_address_no_operation_has_answers_a_json_404(unit_api, issued):
    referral = issued()
    for path in (f"{LIST}{referral.pk}.5/accept/", "/api/v1/nie-ma/"):
        response = unit_api.post(path, {})
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_options_answers_405_not_a_server_error(unit_api):
    for path in (LIST, "/api/v1/unit/", "/api/v1/webhooks/"):
        response = unit_api.http.options(path, **unit_api._headers({}))
        assert response.status_code in (403, 405), path


@pytest.mark.parametrize("key", ["", "z spacją", "zażółć"])
def test_an_idempotency_key_that_is_not_1_to_128_visible_ascii_characters_answers_400(
    unit_api, issued, key
):
    referral = issued()
    response = unit_api.post(f"{LIST}{referral.pk}/accept/", {}, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    referral.refresh_from_db()
    assert referral.decided_at is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"justification": "ok",\n  nie}', "(wiersz 2, kolumna 3)"),
        (b'{"justification": "\xff"}', "w UTF-8"),
        ('{"version": NaN}', "nie jest poprawnym JSON-em"),
    ],
)
def test_a_body_that_is_not_json_is_refused_in_polish_naming_where(unit_api, issued, body, message):
    referral = issued()
    response = unit_api.post(f"{LIST}{referral.pk}/reject/", body)
    assert response.status_code == 400
    assert message in response.json()["detail"]
