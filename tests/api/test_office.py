"""An office's own systems read its referrals, ranking results and register — only its own."""

import pytest
from django.core.cache import caches

from qualification.models import ApplicationStatus
from referrals.models import ReferralStatus
from registry.services import make_start_entry
from tests.api.conftest import Api, make_client, token_for
from tests.factories import ApplicationFactory, ReferralFactory, TrainingUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    caches["default"].clear()


@pytest.fixture
def office_api(mazowieckie):
    client, secret = make_client(office=mazowieckie)
    return Api(token_for(client, secret))


def numbers(response, key="number"):
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


def test_the_office_reads_its_referrals_and_not_another_voivodeship_s(
    office_api, mazowieckie, malopolskie
):
    own = ReferralFactory(voivodeship=mazowieckie)
    ReferralFactory(voivodeship=malopolskie)

    assert numbers(office_api.get("/api/v1/office/referrals/")) == [own.number]


def test_ranking_results_list_the_office_s_ranked_applications(office_api, malopolskie):
    ranked = ApplicationFactory(
        status=ApplicationStatus.APPROVED, ranking_position=1, points=50, qualified=True
    )
    ApplicationFactory(status=ApplicationStatus.APPROVED, ranking_position=None)
    ApplicationFactory(
        status=ApplicationStatus.APPROVED, voivodeship=malopolskie, ranking_position=1
    )

    rows = office_api.get("/api/v1/office/rankings/", {"qualified": "true"}).json()["results"]

    assert [row["number"] for row in rows] == [ranked.number]
    assert rows[0]["ranking_position"] == 1 and rows[0]["qualified"] is True


def test_register_entries_are_the_office_s_own(office_api, mazowieckie, malopolskie):
    unit = TrainingUnitFactory(voivodeship=mazowieckie)
    own = make_start_entry(ReferralFactory(status=ReferralStatus.STARTED, unit=unit), user=None)
    foreign_unit = TrainingUnitFactory(voivodeship=malopolskie)
    make_start_entry(
        ReferralFactory(status=ReferralStatus.STARTED, unit=foreign_unit, voivodeship=malopolskie),
        user=None,
    )

    assert numbers(office_api.get("/api/v1/office/register/")) == [own.number]


def test_a_unit_client_cannot_read_the_office_s_data(unit_api):
    assert unit_api.get("/api/v1/office/referrals/").status_code == 403
