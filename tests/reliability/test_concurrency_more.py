"""Races not covered elsewhere, on real PostgreSQL with real threads (issue 6, item 2).

Each thread has its own database connection (Django's connections are per thread) and closes
it when done. Where the lock is what keeps the data right, a twin test takes the lock away
(``without_row_locks``) and shows the race happen. Every test that keeps the lock ends with
``check_invariants`` clean.

Already covered elsewhere: eight clerks on the last place and a double click on "Przydziel"
in the services (tests/referrals/test_concurrency.py, tests/test_free_places_concurrency.py),
a unit deciding while the office withdraws (tests/referrals/test_concurrency.py), two
procedures closed at once (tests/qualification/test_closing_concurrency.py).
"""

import datetime
import html
import io
import threading
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from qualification.models import Application
from qualification.services import closing, manual
from qualification.services.closing import ClosingResult, ProcedureError, close_procedure
from qualification.services.manual import qualify_next
from referrals import services
from referrals.models import Referral, ReferralStatus
from referrals.places import free_places
from smk.models import Event
from tests.factories import (
    AccreditationFactory,
    ApplicationFactory,
    FieldFactory,
    SessionFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)
from tests.qualification.test_closing_concurrency import (
    at_the_same_moment,
    procedure_ready_to_close,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

#: Generous: a busy two-core machine must not turn a slow thread into a failure.
TIMEOUT = 60


def invariants_hold():
    report = io.StringIO()
    try:
        call_command("check_invariants", stdout=report)
    except CommandError as error:
        pytest.fail(f"{report.getvalue()}{error}")


class WithoutRowLocks:
    """Stands in for a model class inside a services module: the same manager, except that
    ``select_for_update()`` locks nothing — the service as it would be without its lock."""

    def __init__(self, model):
        self._model = model
        self.objects = self
        self.DoesNotExist = model.DoesNotExist

    def select_for_update(self, **kwargs):
        return self._model.objects.all()

    def __getattr__(self, name):
        return getattr(self._model.objects, name)


# ---- Data, made through the services (so the history is complete) ---------------------------


def office_of(voivodeship):
    return person_with_role(Role.UW, voivodeship=voivodeship).profiles.get()


def draft_referral(office, field):
    """A referral in Wersja robocza with its creation in the history, as closing makes it."""
    application = ApplicationFactory(voivodeship=office.voivodeship, field=field, mode=mode())
    with transaction.atomic():
        return services.create_referral(
            application, action="referral.created", user=office.user, profile=office
        )


# ---- Two clerks editing one referral ----------------------------------------------------------


@pytest.fixture
def two_units(mazowieckie):
    field = FieldFactory()
    units = [TrainingUnitFactory(voivodeship=mazowieckie) for _ in range(2)]
    for unit in units:
        AccreditationFactory(unit=unit, field=field, places=3)
    return field, units


def _save_with(referral, unit, office):
    return lambda: services.save_draft(
        referral.pk,
        version=referral.version,
        changes=services.Changes(unit=unit, fields={"unit"}),
        user=office.user,
        profile=office,
    )


def test_two_clerks_saving_one_referral_with_different_units_one_wins_the_other_is_told(
    mazowieckie, two_units
):
    field, (unit_a, unit_b) = two_units
    clerk_a, clerk_b = office_of(mazowieckie), office_of(mazowieckie)
    referral = draft_referral(clerk_a, field)

    results = at_the_same_moment(
        _save_with(referral, unit_a, clerk_a), _save_with(referral, unit_b, clerk_b)
    )

    saved = [r for r in results if isinstance(r, Referral)]
    stale = [r for r in results if isinstance(r, services.StaleReferral)]
    assert len(saved) == 1, results
    assert len(stale) == 1, results
    assert str(stale[0]) == str(services.STALE_MESSAGE)
    referral.refresh_from_db()
    # Nothing lost: the referral holds exactly the winner's change, recorded once, and the
    # other clerk was told to reload instead of silently overwriting it.
    assert referral.unit == saved[0].unit
    assert referral.version == 2
    events = Event.objects.for_object(referral).filter(action="referral.saved")
    assert [e.data["unit"][1] for e in events] == [str(referral.unit)]
    invariants_hold()


def test_without_the_row_lock_both_clerks_save_and_the_first_change_is_silently_lost(
    mazowieckie, two_units, monkeypatch
):
    field, (unit_a, unit_b) = two_units
    clerk_a, clerk_b = office_of(mazowieckie), office_of(mazowieckie)
    referral = draft_referral(clerk_a, field)
    both_read = threading.Barrier(2, timeout=TIMEOUT)

    def read_without_lock(referral_id, version):
        current = Referral.objects.select_related(
            "voivodeship", "application", "unit", "programme", "field", "mode"
        ).get(pk=referral_id)
        if version is not None and current.version != version:
            raise services.StaleReferral
        both_read.wait()  # both clerks checked the same version before either writes
        return current

    monkeypatch.setattr(services, "_lock", read_without_lock)
    results = at_the_same_moment(
        _save_with(referral, unit_a, clerk_a), _save_with(referral, unit_b, clerk_b)
    )

    assert all(isinstance(r, Referral) for r in results), results  # the race is real
    referral.refresh_from_db()
    assert referral.version == 2  # two saves, both from version 1: one overwrote the other
    assert Event.objects.for_object(referral).filter(action="referral.saved").count() == 2


# ---- The same action submitted twice through HTTP ---------------------------------------------


def test_a_double_post_of_przydziel_takes_one_place_and_the_second_gets_the_stale_message(
    mazowieckie,
):
    office = office_of(mazowieckie)
    unit = TrainingUnitFactory(voivodeship=mazowieckie)
    accreditation = AccreditationFactory(unit=unit, places=3)
    referral = draft_referral(office, accreditation.field)
    first = Client()
    first.force_login(office.user)
    second = Client()  # the same session (one browser, a double click), its own messages
    session_cookie = settings.SESSION_COOKIE_NAME
    second.cookies[session_cookie] = first.cookies[session_cookie].value
    url = reverse("referrals:referral_form", args=[referral.pk])
    data = {"action": "assign", "version": referral.version, "unit": unit.pk}

    pages = at_the_same_moment(
        *(
            lambda c=c: html.unescape(c.post(url, data, follow=True).content.decode())
            for c in (first, second)
        )
    )

    assert not [p for p in pages if isinstance(p, Exception)], pages
    assert sum("Skierowanie zostało przydzielone." in p for p in pages) == 1
    assert sum(str(services.STALE_MESSAGE) in p for p in pages) == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED
    assert referral.version == 2
    assert free_places(accreditation) == 2
    assert Event.objects.for_object(referral).filter(action="referral.assigned").count() == 1
    invariants_hold()


# ---- Closing a procedure while a manual qualification runs -----------------------------------


def closed_with_a_freed_place(session, office, field):
    """A closed procedure whose only referral ended in a registered non-commencement: one
    manual qualification is open on the field's ranking list."""
    procedure = procedure_ready_to_close(session, office.voivodeship, field, places=1, candidates=3)
    close_procedure(procedure.pk, user=office.user, profile=office)
    referral = Referral.objects.get(session=session, voivodeship=office.voivodeship)
    services.register_not_started(
        referral.pk,
        version=referral.version,
        justification="Rezygnacja z podjęcia szkolenia.",
        user=office.user,
        profile=office,
    )
    procedure.refresh_from_db()
    return procedure


def _qualify(procedure, field, office):
    return lambda: qualify_next(procedure.pk, field.pk, mode().pk, user=office.user, profile=office)


def waiting_for_a_lock(timeout=TIMEOUT) -> bool:
    """True once another backend of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _close_in_the_middle(monkeypatch, procedure, office):
    """Start closing ``procedure`` in a thread and stop it inside its transaction, with the
    procedure row locked and the referrals made; return (thread, results, release)."""
    inside, release = threading.Event(), threading.Event()
    make_referrals = closing.create_referrals

    def create_referrals_and_wait(*args, **kwargs):
        created = make_referrals(*args, **kwargs)
        inside.set()
        release.wait(timeout=TIMEOUT)
        return created

    monkeypatch.setattr(closing, "create_referrals", create_referrals_and_wait)
    results = {}

    def close():
        try:
            results["closing"] = close_procedure(procedure.pk, user=office.user, profile=office)
        except Exception as exc:
            results["closing"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=close)
    thread.start()
    assert inside.wait(timeout=TIMEOUT), "closing never reached the referrals"
    return thread, results, release


def _in_thread(results, key, call):
    def run():
        try:
            results[key] = call()
        except Exception as exc:
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_manual_qualification_arriving_while_the_procedure_closes_waits_and_sees_it_closed(
    mazowieckie, monkeypatch
):
    office = office_of(mazowieckie)
    field = FieldFactory()
    procedure = procedure_ready_to_close(SessionFactory(), mazowieckie, field, places=1)

    closer, results, release = _close_in_the_middle(monkeypatch, procedure, office)
    qualifier = _in_thread(results, "manual", _qualify(procedure, field, office))
    try:
        # The manual qualification queues on the procedure row the closing holds.
        assert waiting_for_a_lock(), "the manual qualification did not wait for the closing"
        assert "manual" not in results
    finally:
        release.set()
        closer.join(timeout=TIMEOUT)
        qualifier.join(timeout=TIMEOUT)
    close_old_connections()

    assert isinstance(results["closing"], ClosingResult), results
    # It decided on the procedure as the closing left it (closed, no non-commencement yet),
    # never on the half-closed one.
    assert isinstance(results["manual"], ProcedureError), results
    assert "niepodjęcia szkolenia" in str(results["manual"])
    assert "nie zostało jeszcze zakończone" not in str(results["manual"])
    assert Referral.objects.filter(session=procedure.session).count() == 1
    assert not Application.objects.filter(qualified_manually=True).exists()
    invariants_hold()


def test_without_the_lock_the_manual_qualification_does_not_wait_and_decides_on_the_old_state(
    mazowieckie, monkeypatch
):
    office = office_of(mazowieckie)
    field = FieldFactory()
    procedure = procedure_ready_to_close(SessionFactory(), mazowieckie, field, places=1)
    monkeypatch.setattr(manual, "Procedure", WithoutRowLocks(manual.Procedure))

    closer, results, release = _close_in_the_middle(monkeypatch, procedure, office)
    try:
        qualifier = _in_thread(results, "manual", _qualify(procedure, field, office))
        qualifier.join(timeout=TIMEOUT)
        finished_before_the_closing = "manual" in results
    finally:
        release.set()
        closer.join(timeout=TIMEOUT)
    close_old_connections()

    assert finished_before_the_closing  # no queue: it ran in the middle of the closing
    assert "nie zostało jeszcze zakończone" in str(results["manual"])
    assert isinstance(results["closing"], ClosingResult)


def test_two_clerks_using_one_freed_place_for_a_manual_qualification_qualify_one_application(
    mazowieckie,
):
    office_a, office_b = office_of(mazowieckie), office_of(mazowieckie)
    field = FieldFactory()
    procedure = closed_with_a_freed_place(SessionFactory(), office_a, field)

    results = at_the_same_moment(
        _qualify(procedure, field, office_a), _qualify(procedure, field, office_b)
    )

    created = [r for r in results if isinstance(r, Referral)]
    refused = [r for r in results if isinstance(r, ProcedureError)]
    assert len(created) == 1, results
    assert len(refused) == 1, results
    assert Application.objects.filter(qualified_manually=True).count() == 1
    assert Referral.objects.filter(application=created[0].application).count() == 1
    invariants_hold()


def test_without_the_locks_two_clerks_both_use_the_one_freed_place(mazowieckie, monkeypatch):
    office_a, office_b = office_of(mazowieckie), office_of(mazowieckie)
    field = FieldFactory()
    procedure = closed_with_a_freed_place(SessionFactory(), office_a, field)
    monkeypatch.setattr(manual, "Procedure", WithoutRowLocks(manual.Procedure))
    monkeypatch.setattr(manual, "Application", WithoutRowLocks(manual.Application))
    both_checked = threading.Barrier(2, timeout=TIMEOUT)
    check = manual.manual_qualification

    def check_then_wait(*args, **kwargs):
        state = check(*args, **kwargs)
        both_checked.wait()  # both see the place free before either takes it
        return state

    monkeypatch.setattr(manual, "manual_qualification", check_then_wait)
    results = at_the_same_moment(
        _qualify(procedure, field, office_a), _qualify(procedure, field, office_b)
    )

    assert all(isinstance(r, Referral) for r in results), results  # the race is real
    # One registered non-commencement, two new referrals — for the same application.
    assert results[0].application_id == results[1].application_id
    assert Referral.objects.filter(application=results[0].application).count() == 2


def test_closing_one_procedure_while_another_runs_a_manual_qualification_both_succeed(
    mazowieckie,
):
    """The same voivodeship and year: both take numbers from one sequence, "SK/2026/14"."""
    office = office_of(mazowieckie)
    field = FieldFactory()
    autumn = SessionFactory(
        applications_from=datetime.date(2026, 11, 15),
        applications_to=datetime.date(2026, 12, 15),
        procedure_from=datetime.date(2026, 12, 16),
        procedure_to=datetime.date(2027, 1, 15),
    )
    spring = SessionFactory()
    with_freed_place = closed_with_a_freed_place(autumn, office, field)
    to_close = procedure_ready_to_close(spring, mazowieckie, field, places=5, candidates=8)

    results = at_the_same_moment(
        _qualify(with_freed_place, field, office),
        lambda: close_procedure(to_close.pk, user=office.user, profile=office),
    )

    assert isinstance(results[0], Referral), results
    assert isinstance(results[1], ClosingResult), results
    numbers = sorted(Referral.objects.values_list("number", flat=True))
    # One referral from the autumn closing, one manual, five from the spring closing:
    # consecutive numbers of one sequence, none twice.
    assert numbers == [f"SK/2026/14/{n:05d}" for n in range(1, 8)]
    invariants_hold()
