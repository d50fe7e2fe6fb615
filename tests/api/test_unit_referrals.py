"""A unit's system reads the referrals sent to it and decides them, as the unit's screens do."""

import io
import json

import pytest
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from pypdf import PdfReader
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from api.views.office import OfficeReferralSerializer
from api.views.referrals import ReferralSerializer
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from registry.models import EKS
from smk.audit import history
from tests.api.conftest import Api, make_client, token_for
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/referrals/"


def detail(referral, suffix=""):
    return f"/api/v1/referrals/{referral.pk}/{suffix}"


def test_the_unit_sees_only_the_referrals_sent_to_it(unit_api, issued, other_unit, unit):
    own = issued()
    others = issued(target=other_unit)
    ReferralFactory(status=ReferralStatus.ASSIGNED, unit=unit)  # assigned, not sent yet

    response = unit_api.get(LIST)

    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == [own.number]
    assert unit_api.get(detail(others)).status_code == 404
    row = response.json()["results"][0]
    assert row["status"] == own.status
    assert row["applicant"]["pesel"] == own.application.pesel
    assert row["pdf_url"].endswith(detail(own, "pdf/"))


def test_the_list_filters_by_status_field_and_what_changed_since(unit_api, issued):
    waiting = issued()
    decided = issued()
    Referral.objects.filter(pk=decided.pk).update(status=ReferralStatus.STARTED)

    by_status = unit_api.get(LIST, {"status": ReferralStatus.ISSUED}).json()["results"]
    assert [r["number"] for r in by_status] == [waiting.number]
    by_field = unit_api.get(LIST, {"field": decided.field.code}).json()["results"]
    assert [r["number"] for r in by_field] == [decided.number]

    since = unit_api.get(detail(decided)).json()["updated_at"]
    changed = unit_api.get(LIST, {"changed_since": since}).json()["results"]
    assert decided.number in [r["number"] for r in changed]
    bad = unit_api.get(LIST, {"changed_since": "wczoraj"})
    assert bad.status_code == 400
    assert "changed_since" in bad.json()


def test_the_list_pages_by_cursor_without_repeating_rows(unit_api, issued):
    made = {issued().number for _ in range(5)}
    seen, url = [], LIST + "?page_size=2"
    while url:
        body = unit_api.get(url).json()
        seen += [row["number"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(made)


def test_an_unchanged_list_answers_304_to_its_etag(unit_api, issued):
    issued()
    first = unit_api.get(LIST)
    again = unit_api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_accept_starts_the_specialization_with_its_eks_and_names_the_client(unit, issued):
    client, secret = make_client(unit=unit, name="System kadrowy szpitala")
    api = Api(token_for(client, secret))
    referral = issued()

    response = api.post(detail(referral, "accept/"), {})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReferralStatus.STARTED
    referral.refresh_from_db()
    assert referral.decided_by_kind == DecidedBy.UNIT
    assert EKS.objects.filter(referral=referral).exists()
    event = [e for e in history(referral) if e.action == "referral.accepted"][-1]
    assert "System kadrowy szpitala" in event.acting_as


def test_a_referral_already_decided_answers_409_with_its_status(unit_api, issued):
    referral = issued()
    assert unit_api.post(detail(referral, "accept/"), {}).status_code == 200

    again = unit_api.post(detail(referral, "reject/"), {"justification": "Brak miejsca"})

    assert again.status_code == 409
    assert again.json()["status"] == ReferralStatus.STARTED
    assert again.json()["status_label"] == "Specjalizacja rozpoczęta"


def test_a_stale_version_answers_409_and_changes_nothing(unit_api, issued):
    referral = issued()
    response = unit_api.post(detail(referral, "accept/"), {"version": referral.version + 5})
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ISSUED


def test_reject_needs_a_justification_named_by_field(unit_api, issued):
    referral = issued()
    response = unit_api.post(detail(referral, "reject/"), {})
    assert response.status_code == 400
    assert "justification" in response.json()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ISSUED

    done = unit_api.post(detail(referral, "reject/"), {"justification": "Brak kierownika"})
    assert done.status_code == 200
    assert done.json()["status"] == ReferralStatus.REJECTED
    assert Referral.objects.filter(replaces=referral).exists()


def test_a_retry_with_the_same_idempotency_key_gets_the_same_answer(unit_api, issued):
    referral = issued()
    first = unit_api.post(detail(referral, "accept/"), {}, HTTP_IDEMPOTENCY_KEY="abc-1")
    retry = unit_api.post(detail(referral, "accept/"), {}, HTTP_IDEMPOTENCY_KEY="abc-1")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert EKS.objects.filter(referral=referral).count() == 1

    other = unit_api.post(
        detail(referral, "reject/"), {"justification": "x"}, HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert other.status_code == 422


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        ("{nie json", "application/json", 400, "detail"),
        ('["lista"]', "application/json", 400, "detail"),
        (json.dumps({"justification": "ok", "kolor": 1}), "application/json", 400, "kolor"),
        (json.dumps({"justification": "zła\x00treść"}), "application/json", 400, "justification"),
        ("justification=ok", "application/x-www-form-urlencoded", 415, "detail"),
        (json.dumps({"justification": "x" * 3_000_000}), "application/json", 413, "detail"),
    ],
)
def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    unit_api, issued, body, content_type, status, field
):
    referral = issued()
    response = unit_api.post(detail(referral, "reject/"), body, content_type=content_type)
    assert response.status_code == status
    assert field in response.json()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ISSUED


def test_the_referral_pdf_is_the_document_with_its_number(unit_api, issued):
    referral = issued()
    response = unit_api.get(detail(referral, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert referral.number in text


def test_requests_over_the_client_s_limit_answer_429_with_retry_after(unit_api, settings):
    caches["default"].clear()
    settings.API_RATE_LIMIT = "3/min"
    codes = [unit_api.get(LIST).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert int(unit_api.get(LIST)["Retry-After"]) > 0


def test_the_list_costs_the_same_queries_for_3_or_30_referrals(
    unit_api, issued, django_assert_max_num_queries
):
    for _ in range(3):
        issued()
    # Token, client, last use, the rate limit's counter (the database cache here), the page.
    with django_assert_max_num_queries(10) as few:
        assert len(unit_api.get(LIST).json()["results"]) == 3
    for _ in range(27):
        issued()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(unit_api.get(LIST).json()["results"]) == 30


@pytest.mark.parametrize("status", [ReferralStatus.ISSUED, ReferralStatus.STARTED, "rejected"])
def test_a_listed_referral_reads_field_for_field_as_drf_s_own_serializer_would_write_it(
    unit, unit_api, issued, status
):
    """The lists write their rows by hand from ``values()`` (api/views/base.py RowListMixin),
    the detail from the referral: what a unit's or an office's system reads is DRF's generic
    representation of the same fields, down to the time zone of the dates, the blank decision
    and the missing programme."""
    referral = issued()
    Referral.objects.filter(pk=referral.pk).update(programme=None)
    if status == "rejected":
        Referral.objects.filter(pk=referral.pk).update(
            status=ReferralStatus.REJECTED,
            decision=DecisionKind.REJECTED,
            decided_by_kind=DecidedBy.UNIT,
            decision_justification="Brak miejsc",
            decided_at=timezone.now(),
        )
    else:
        Referral.objects.filter(pk=referral.pk).update(status=status)
    referral = Referral.objects.select_related(
        "session", "voivodeship", "field", "mode", "programme", "application", "unit"
    ).get(pk=referral.pk)
    office, secret = make_client(office=unit.voivodeship)
    office_api = Api(token_for(office, secret))
    request = APIRequestFactory().get(LIST, HTTP_HOST="testserver")
    for serializer_class, answers in (
        (ReferralSerializer, [unit_api.get(LIST).json()["results"][0],
                              unit_api.get(detail(referral)).json()]),
        (OfficeReferralSerializer, [office_api.get("/api/v1/office/referrals/").json()
                                    ["results"][0]]),
    ):  # fmt: skip
        serializer = serializer_class(context={"request": request})
        generic = serializers.ModelSerializer.to_representation(serializer, referral)
        generic = json.loads(json.dumps(generic, cls=DjangoJSONEncoder))
        for answer in answers:
            assert answer == generic
            assert list(answer) == list(generic)
