"""``GET /api/v1/eks/``: the unit's system reads its trainees' EKS progress (issue 17, item 9),
with the scope referrals:read, its own unit's cards only, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from api import scopes
from reference.models import ElementKind
from registry.models import EKSStatus
from tests.api.conftest import Api, make_client, token_for
from tests.eks.conftest import add, appoint, confirm, started_card, submit
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

LIST = "/api/v1/eks/"


@pytest.fixture
def card(unit):
    applicant = person_with_role(Role.APPLICANT)
    card = started_card(unit, applicant)
    staff = person_with_role(Role.UNIT_STAFF, unit=unit)
    kierownik = person_with_role(Role.KIEROWNIK, unit=unit)
    kierownik.first_name, kierownik.last_name = "Krystyna", "Kierownicza"
    kierownik.save()
    appoint(card, kierownik, staff)
    course, procedure = add(card, applicant), add(card, applicant, ElementKind.PROCEDURE)
    submit(card, applicant, course, procedure)
    confirm(card, kierownik, course)
    return card


def test_the_unit_reads_each_trainees_card_with_progress_by_element(unit_api, card):
    response = unit_api.get(LIST)
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["number"] == card.number and row["status"] == EKSStatus.OPEN
    assert row["kierownik"]["name"] == "Krystyna Kierownicza"
    assert (row["elements_done"], row["elements_total"], row["entries_waiting"]) == (1, 3, 1)
    by_name = {e["name"]: e for e in row["elements"]}
    assert by_name["Kurs wprowadzający"] | {} == {
        "module": "Moduł podstawowy",
        "element_id": by_name["Kurs wprowadzający"]["element_id"],
        "name": "Kurs wprowadzający",
        "kind": ElementKind.COURSE,
        "required": 1,
        "confirmed": 1,
        "waiting": 0,
        "done": True,
        "planned_year": None,
    }
    assert (by_name["Walidacja metody"]["waiting"], by_name["Walidacja metody"]["done"]) == (
        3,
        False,
    )
    detail = unit_api.get(f"{LIST}{card.pk}/")
    assert detail.status_code == 200 and detail.json()["id"] == card.pk


def test_another_units_card_is_not_listed_and_answers_404(unit_api, card, other_unit):
    foreign = started_card(other_unit, person_with_role(Role.APPLICANT))
    assert [r["id"] for r in unit_api.get(LIST).json()["results"]] == [card.pk]
    assert unit_api.get(f"{LIST}{foreign.pk}/").status_code == 404


def test_filters_by_status_and_refuses_an_empty_one(unit_api, card):
    assert unit_api.get(LIST, {"status": EKSStatus.VERIFIED}).json()["results"] == []
    assert len(unit_api.get(LIST, {"status": EKSStatus.OPEN}).json()["results"]) == 1
    assert unit_api.get(LIST, {"status": ""}).status_code == 400


def test_without_referrals_read_or_as_an_office_it_is_refused(unit, mazowieckie, card):
    client, secret = make_client(unit=unit, client_scopes=[scopes.UNIT_WRITE])
    assert Api(token_for(client, secret)).get(LIST).status_code == 403
    office, secret = make_client(office=mazowieckie)
    assert Api(token_for(office, secret)).get(LIST).status_code == 403


def test_the_list_costs_the_same_queries_for_one_card_or_many(unit_api, unit, card):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert unit_api.get(LIST).status_code == 200
        return len(captured)

    unit_api.get(LIST)  # the token's first use is written once
    one = queries()
    for _ in range(4):
        other = started_card(unit, person_with_role(Role.APPLICANT))
        add(other, other.referral.application.applicant, ElementKind.INTERNSHIP)
    assert queries() == one
