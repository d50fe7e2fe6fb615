"""The accrediting body's changes racing the offices' assignments, on real PostgreSQL: places
are never reduced below those held, and a withdrawal stops an assignment in flight.

An assignment "in flight" is a transaction that took the accreditation's row lock and a place
(as ``referrals.services.assign`` does) and has not committed yet; the tests hold it open at
that point, start the body's change, and let it go.
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from accreditation.services import AccreditationError, changes
from reference.models import Accreditation
from referrals import places
from referrals import services as referral_services
from referrals.models import Referral, ReferralStatus
from tests.factories import AccreditationFactory, ProgrammeFactory, ReferralFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _until_waiting(n: int) -> None:
    deadline = time.monotonic() + 10
    while _waiting_for_locks() < n:
        assert time.monotonic() < deadline, f"fewer than {n} transactions wait for the lock"
        time.sleep(0.02)


class InFlight(threading.Thread):
    """A transaction that locks the accreditation (and, given a referral, takes a place for
    it) and waits for :meth:`finish` before it commits."""

    def __init__(self, accreditation, referral=None):
        super().__init__()
        self.accreditation, self.referral = accreditation, referral
        self.locked, self.release = threading.Event(), threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                places.lock_accreditation(self.accreditation.pk)
                if self.referral is not None:
                    Referral.objects.filter(pk=self.referral.pk).update(
                        unit=self.accreditation.unit, status=ReferralStatus.ASSIGNED
                    )
                self.locked.set()
                self.release.wait(10)
        finally:
            connection.close()

    def finish(self):
        self.release.set()
        self.join()


class Call(threading.Thread):
    """A service call in a thread of its own; its result or exception kept."""

    def __init__(self, function, *args, **kwargs):
        super().__init__()
        self.function, self.args, self.kwargs = function, args, kwargs
        self.result = self.error = None

    def run(self):
        try:
            self.result = self.function(*self.args, **self.kwargs)
        except Exception as error:
            self.error = error
        finally:
            connection.close()


def _by_the_body(service, accreditation, body, **data) -> Call:
    return Call(
        service,
        Accreditation,
        accreditation.pk,
        version=accreditation.version,
        user=body,
        profile=body.profiles.get(),
        **data,
    )


def _assignment(referral, accreditation, office) -> Call:
    """The office's "Przydziel" of ``referral`` to the accreditation's unit."""
    return Call(
        referral_services.assign,
        referral.pk,
        version=referral.version,
        changes=referral_services.Changes(
            unit=accreditation.unit,
            programme=ProgrammeFactory(field=accreditation.field),
            fields={"unit", "programme"},
        ),
        user=office,
        profile=office.profiles.get(),
    )


def _held_by_one(accreditation):
    ReferralFactory(
        unit=accreditation.unit,
        field=accreditation.field,
        voivodeship=accreditation.unit.voivodeship,
        status=ReferralStatus.ISSUED,
    )


def _draft(accreditation):
    return ReferralFactory(
        unit=None, field=accreditation.field, voivodeship=accreditation.unit.voivodeship
    )


def test_without_the_lock_a_reduction_goes_below_the_places_held():
    """The race is real: counted before an assignment in flight commits, the places are cut
    to what was held then — and one more referral holds a place."""
    accreditation = AccreditationFactory(places=3)
    _held_by_one(accreditation)
    assignment = InFlight(accreditation, _draft(accreditation))
    assignment.start()
    assignment.locked.wait(10)
    held_then = places.held_places(accreditation)  # no lock: the assignment is not seen
    assignment.finish()
    Accreditation.objects.filter(pk=accreditation.pk).update(places=held_then)
    close_old_connections()
    accreditation.refresh_from_db()
    assert places.held_places(accreditation) == 2 > accreditation.places == 1


def test_with_the_lock_a_reduction_waits_for_the_assignment_and_is_refused(body):
    accreditation = AccreditationFactory(places=3)
    _held_by_one(accreditation)
    assignment = InFlight(accreditation, _draft(accreditation))
    assignment.start()
    assignment.locked.wait(10)
    reduction = _by_the_body(
        changes.change_places, accreditation, body, places=1, reason="Mniej kadry."
    )
    reduction.start()
    _until_waiting(1)
    assignment.finish()
    reduction.join()
    close_old_connections()
    assert isinstance(reduction.error, AccreditationError)
    assert "poniżej zajętych (2)" in str(reduction.error)
    accreditation.refresh_from_db()
    assert accreditation.places == 3 >= places.held_places(accreditation)


def test_an_assignment_waiting_behind_a_reduction_finds_no_free_place(body, uw_mazowieckie):
    accreditation = AccreditationFactory(places=2)
    _held_by_one(accreditation)
    referral = _draft(accreditation)
    blocker = InFlight(accreditation)
    blocker.start()
    blocker.locked.wait(10)
    reduction = _by_the_body(
        changes.change_places, accreditation, body, places=1, reason="Mniej kadry."
    )
    reduction.start()
    _until_waiting(1)
    assignment = _assignment(referral, accreditation, uw_mazowieckie)
    assignment.start()
    _until_waiting(2)
    blocker.finish()
    reduction.join()
    assignment.join()
    close_old_connections()
    assert reduction.error is None
    assert isinstance(assignment.error, referral_services.ReferralError)
    accreditation.refresh_from_db()
    assert accreditation.places == 1 == places.held_places(accreditation)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_an_assignment_waiting_behind_a_withdrawal_is_refused(body, uw_mazowieckie):
    """The assignment read the accreditation in force before the withdrawal committed; under
    the lock it reads it again and takes no place."""
    accreditation = AccreditationFactory(places=5)
    referral = _draft(accreditation)
    blocker = InFlight(accreditation)
    blocker.start()
    blocker.locked.wait(10)
    withdrawal = _by_the_body(
        changes.withdraw, accreditation, body, from_day=timezone.localdate(), reason="Utrata kadry."
    )
    withdrawal.start()
    _until_waiting(1)
    assignment = _assignment(referral, accreditation, uw_mazowieckie)
    assignment.start()
    _until_waiting(2)
    blocker.finish()
    withdrawal.join()
    assignment.join()
    close_old_connections()
    assert withdrawal.error is None
    assert isinstance(assignment.error, referral_services.ReferralError)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert places.held_places(accreditation) == 0
