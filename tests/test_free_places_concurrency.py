"""Several clerks taking the last free place at the same moment, on real PostgreSQL."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from referrals.models import Referral, ReferralStatus
from referrals.places import free_places
from tests.factories import AccreditationFactory, ReferralFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLERKS = 8


def _race(accreditation, *, lock):
    """Each clerk checks for a free place and takes it; all check before anyone takes."""
    barrier = threading.Barrier(CLERKS, timeout=10)
    referrals = [ReferralFactory(unit=None, field=accreditation.field) for _ in range(CLERKS)]
    taken, errors = [], []

    def clerk(referral):
        try:
            barrier.wait()
            with transaction.atomic():
                if free_places(accreditation, lock=lock) > 0:
                    # Without the lock every clerk gets here before any insert is visible.
                    if not lock:
                        barrier_after_check.wait()
                    Referral.objects.filter(pk=referral.pk).update(
                        unit=accreditation.unit, status=ReferralStatus.ASSIGNED
                    )
                    taken.append(referral.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    barrier_after_check = threading.Barrier(CLERKS, timeout=10)
    threads = [threading.Thread(target=clerk, args=(r,)) for r in referrals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert not errors, errors
    return taken


def test_without_the_lock_clerks_overbook_the_last_place():
    accreditation = AccreditationFactory(places=1)
    taken = _race(accreditation, lock=False)
    assert len(taken) == CLERKS  # the race is real: everybody took "the last" place
    assert free_places(accreditation) == 1 - CLERKS


def test_with_the_lock_exactly_one_clerk_takes_the_last_place():
    accreditation = AccreditationFactory(places=1)
    taken = _race(accreditation, lock=True)
    assert len(taken) == 1
    assert free_places(accreditation) == 0
    assert Referral.objects.holding_place().filter(unit=accreditation.unit).count() == 1
