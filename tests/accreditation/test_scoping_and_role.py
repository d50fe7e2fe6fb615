"""The accrediting body as an institution: requested and approved like every role, with its
own menu and scope — every unit's requests and accreditations, nothing of referrals."""

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.institutions import ACCREDITING_BODY_NAME, Institution, get_institution
from accounts.models import InstitutionKind, Role
from accreditation.models import AccreditationRequest
from reference.models import Accreditation, TrainingUnit
from referrals.models import Referral
from smk.scoping import Scope
from tests.accreditation.conftest import make_request
from tests.factories import AccreditationFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_asks_for_the_role_of_the_accrediting_body_and_gets_its_scope(
    client_of, administrator
):
    person = UserFactory()
    client = client_of(person)
    page = client.get(reverse("accounts:request_institution"), {"kind": "akredytujacy"})
    assert ACCREDITING_BODY_NAME in page.content.decode()
    institution = get_institution("akredytujacy:cmkp")
    batch = accounts_services.submit_role_requests(
        user=person,
        institution=institution,
        roles=[Role.ACCREDITATION],
        phone="+48600100200",
        email=person.email,
    )
    accounts_services.approve_request(
        batch.requests.get().pk, user=administrator, acting_profile=administrator.profiles.get()
    )
    profile = person.profiles.get()
    assert profile.kind == InstitutionKind.ACCREDITING_BODY
    assert profile.scope == (Scope.ACCREDITATION, None)
    menu = client.get(reverse("accreditation:queue")).context["menu"]
    assert [item["label"] for item in menu][:2] == ["Wnioski o akredytację", "Akredytacje"]


def test_the_body_sees_every_units_submitted_requests_but_no_draft(
    body_profile, staff_profile, other_unit_staff, field
):
    mine = make_request(staff_profile, field, submitted=True)
    theirs = make_request(other_unit_staff.profiles.get(), field, submitted=True)
    make_request(staff_profile, field)  # a draft
    visible = AccreditationRequest.objects.for_profile(body_profile)
    assert set(visible) == {mine, theirs}


def test_the_body_sees_no_referrals_and_no_units_pages(client_of, body, body_profile):
    ReferralFactory()
    AccreditationFactory()
    assert not Referral.objects.for_profile(body_profile).exists()
    assert not TrainingUnit.objects.for_profile(body_profile).exists()
    assert Accreditation.objects.for_profile(body_profile).count() == 1
    client = client_of(body)
    for name in ("referrals:referral_list", "referrals:dashboard", "units:unit_list"):
        assert client.get(reverse(name)).status_code == 403


def test_a_unit_sees_only_its_own_requests(staff_profile, other_unit_staff, field):
    mine = make_request(staff_profile, field)
    make_request(other_unit_staff.profiles.get(), field)
    assert list(AccreditationRequest.objects.for_profile(staff_profile)) == [mine]


def test_the_institution_is_listed_like_the_central_one():
    institution = Institution.accrediting_body()
    assert institution.key == "akredytujacy:cmkp"
    assert institution.address == "ul. Kleczewska 61/63, 01-826 Warszawa"
