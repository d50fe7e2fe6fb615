"""Clerks and units acting at the same moment, on real PostgreSQL with real threads."""

import threading

import pytest
from django.db import connection

from accounts.models import Role
from referrals import services
from referrals.models import Referral, ReferralStatus
from referrals.places import free_places
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_threads(functions):
    """Run the callables at the same moment; return their results or exceptions."""
    barrier = threading.Barrier(len(functions), timeout=15)
    results = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def office(mazowieckie):
    return person_with_role(Role.UW, voivodeship=mazowieckie).profiles.get()


def test_eight_clerks_assigning_the_last_place_exactly_one_succeeds(office, mazowieckie):
    accreditation = AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=mazowieckie), places=1
    )
    referrals = [ReferralFactory(field=accreditation.field, mode=mode()) for _ in range(8)]
    changes = services.Changes(unit=accreditation.unit, fields={"unit"})
    results = in_threads(
        [
            lambda r=r: services.assign(
                r.pk, version=r.version, changes=changes, user=office.user, profile=office
            )
            for r in referrals
        ]
    )
    succeeded = [r for r in results if isinstance(r, Referral)]
    refused = [r for r in results if isinstance(r, services.ReferralError)]
    assert len(succeeded) == 1
    assert len(refused) == 7
    assert all("nie ma wolnych miejsc" in e.field_errors["unit"] for e in refused)
    assert free_places(accreditation) == 0
    assert Referral.objects.filter(status=ReferralStatus.ASSIGNED).count() == 1


def test_a_double_click_on_przydziel_takes_one_place_and_tells_the_second_click(
    office, mazowieckie
):
    accreditation = AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=mazowieckie), places=5
    )
    referral = ReferralFactory(field=accreditation.field, mode=mode())
    changes = services.Changes(unit=accreditation.unit, fields={"unit"})
    results = in_threads(
        [
            lambda: services.assign(
                referral.pk,
                version=referral.version,
                changes=changes,
                user=office.user,
                profile=office,
            )
        ]
        * 2
    )
    assert sum(isinstance(r, Referral) for r in results) == 1
    assert sum(isinstance(r, services.StaleReferral) for r in results) == 1
    assert free_places(accreditation) == 4


def test_a_unit_deciding_while_the_office_withdraws_one_wins_and_nothing_is_lost(
    office, mazowieckie
):
    unit = TrainingUnitFactory(voivodeship=mazowieckie)
    accreditation = AccreditationFactory(unit=unit, places=1)
    programme = ProgrammeFactory(field=accreditation.field, mode=mode())
    staff = person_with_role(Role.UNIT_STAFF, unit=unit).profiles.get()
    referral = ReferralFactory(
        field=accreditation.field,
        mode=mode(),
        status=ReferralStatus.ISSUED,
        unit=unit,
        programme=programme,
        planned_start="2026-10-01",
        planned_end="2030-09-30",
    )
    results = in_threads(
        [
            lambda: services.accept(
                referral.pk, version=referral.version, user=staff.user, profile=staff
            ),
            lambda: services.withdraw(
                referral.pk, version=referral.version, user=office.user, profile=office
            ),
        ]
    )
    assert sum(isinstance(r, Referral) for r in results) == 1
    assert sum(isinstance(r, services.ReferralError) for r in results) == 1
    referral.refresh_from_db()
    if referral.status == ReferralStatus.STARTED:
        assert hasattr(referral, "eks")
        assert free_places(accreditation) == 0
    else:
        assert referral.status == ReferralStatus.DRAFT
        assert free_places(accreditation) == 1
