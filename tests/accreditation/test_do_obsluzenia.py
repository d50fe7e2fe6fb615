"""The office's "Do obsłużenia" lists its voivodeship's accreditations that expire within 90
days, and those suspended or withdrawn, so it knows where no new referral can go."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.services import changes
from reference.models import Accreditation
from tests.factories import AccreditationFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_the_office_sees_expiring_and_withdrawn_accreditations_in_do_obsluzenia(
    client_of, uw_mazowieckie, uw_malopolskie, body_profile, unit_mazowieckie
):
    expiring = AccreditationFactory(
        unit=unit_mazowieckie, valid_to=TODAY() + datetime.timedelta(days=40)
    )
    withdrawn = AccreditationFactory(unit=unit_mazowieckie)
    changes.withdraw(
        Accreditation,
        withdrawn.pk,
        version=withdrawn.version,
        from_day=TODAY(),
        reason="Utrata kadry.",
        user=body_profile.user,
        profile=body_profile,
    )
    AccreditationFactory(unit=unit_mazowieckie, valid_to=TODAY() + datetime.timedelta(days=200))
    page = client_of(uw_mazowieckie).get(reverse("referrals:dashboard")).content.decode()
    assert expiring.field.name in page
    assert withdrawn.field.name in page and "Utrata kadry." in page
    other = client_of(uw_malopolskie).get(reverse("referrals:dashboard")).content.decode()
    assert expiring.field.name not in other and withdrawn.field.name not in other
