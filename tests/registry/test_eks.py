"""Elektroniczna Karta Specjalizacji: a read-only card for the office, the unit and the person."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from registry.services import create_eks, make_start_entry
from tests.factories import ProgrammeFactory, TrainingUnitFactory, UserFactory, person_with_role
from tests.registry.conftest import sent_referral

pytestmark = pytest.mark.django_db

EKS_URL = "registry:eks_detail"


@pytest.fixture
def eks(unit_mazowieckie, applicant):
    referral = sent_referral(
        unit_mazowieckie,
        application__applicant=applicant,
        programme=ProgrammeFactory(name="Program LDM 2023"),
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
    )
    card = create_eks(referral)
    make_start_entry(referral, user=None)
    return card


def url(eks):
    return reverse(EKS_URL, args=[eks.pk])


@pytest.mark.parametrize(
    "person",
    ["uw_mazowieckie", "wojewoda_mazowieckie", "unit_staff", "applicant", "administrator"],
)
def test_the_card_opens_for_the_office_the_unit_the_person_and_the_administrator(
    request, client_of, eks, person
):
    response = client_of(request.getfixturevalue(person)).get(url(eks))
    assert response.status_code == 200
    content = response.content.decode()
    for text in (
        "Elektroniczna Karta Specjalizacji",
        eks.number,
        eks.first_name,
        eks.last_name,
        eks.pesel,
        eks.field.name,
        eks.mode.name,
        "Program LDM 2023",
        eks.unit.name,
        "01.10.2026",
        "30.09.2030",
        eks.referral.number,
    ):
        assert text in content, text
    assert "<form" not in content.split("<main", 1)[1].split("</main>", 1)[0]


def test_another_voivodeship_gets_404(client_of, uw_malopolskie, eks):
    assert client_of(uw_malopolskie).get(url(eks)).status_code == 404


def test_another_unit_gets_404(client_of, eks, mazowieckie):
    stranger = person_with_role(Role.UNIT_STAFF, unit=TrainingUnitFactory(voivodeship=mazowieckie))
    assert client_of(stranger).get(url(eks)).status_code == 404


def test_another_applicant_gets_404(client_of, eks):
    assert client_of(person_with_role(Role.APPLICANT)).get(url(eks)).status_code == 404


def test_a_person_without_a_profile_is_forbidden_and_a_visitor_sent_to_log_in(
    client, client_of, eks
):
    response = client.get(url(eks))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client_of(UserFactory()).get(url(eks)).status_code == 403


def test_the_card_cannot_be_posted_to(client_of, uw_mazowieckie, eks):
    assert client_of(uw_mazowieckie).post(url(eks)).status_code == 405


def test_the_register_entry_page_links_to_the_card(client_of, uw_mazowieckie, eks):
    entry = eks.referral.register_entries.get()
    content = client_of(uw_mazowieckie).get(reverse("registry:entry_detail", args=[entry.pk]))
    assert url(eks) in content.content.decode()
