"""Trainees hold places: the free places, the unit chooser, the catalogue pages, the
dashboard and check_invariants count them; a load and a clerk's "Przydziel" never both take
the last place."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.urls import reverse

from accounts.models import Role
from reference.models import Accreditation
from referrals import services
from referrals.invariants import places_never_overbooked
from referrals.models import Referral, ReferralStatus
from referrals.places import free_places, held_per_unit_and_field, with_free_places
from tests.factories import (
    AccreditationFactory,
    ReferralFactory,
    TraineeFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
    valid_pesel,
)
from training import capacity
from training import services as training
from training.models import Trainee


@pytest.mark.django_db
def test_trainees_in_training_hold_places_and_finished_ones_do_not(accreditation):
    TraineeFactory(accreditation=accreditation)
    TraineeFactory(accreditation=accreditation, ended_on=datetime.date(2026, 1, 31))
    ReferralFactory(
        status=ReferralStatus.ISSUED, unit=accreditation.unit, field=accreditation.field
    )
    assert free_places(accreditation) == 1
    annotated = with_free_places(Accreditation.objects.filter(pk=accreditation.pk)).get()
    assert (annotated.held_by_referrals, annotated.held_by_trainees) == (1, 1)
    assert (annotated.held_places, annotated.free_places) == (2, 1)
    assert held_per_unit_and_field()[(accreditation.unit_id, accreditation.field_id)] == 2


@pytest.mark.django_db
def test_the_catalogue_pages_and_the_unit_chooser_show_the_places_trainees_hold(
    client_of, uw_mazowieckie, accreditation, other_accreditation
):
    for _ in range(2):
        TraineeFactory(accreditation=accreditation)
    client = client_of(uw_mazowieckie)
    listing = client.get(reverse("units:unit_list")).content.decode()
    assert f"{accreditation.field}: 1 / 3" in listing
    detail = client.get(reverse("units:unit_detail", args=[accreditation.unit_id]))
    (shown,) = detail.context["accreditations"]
    assert (shown.held_by_trainees, shown.free_places) == (2, 1)
    draft = ReferralFactory(field=accreditation.field, mode=mode())
    chooser = client.get(reverse("referrals:referral_choose_unit", args=[draft.pk]))
    assert "1 / 3" in chooser.content.decode()


@pytest.mark.django_db
def test_the_office_s_dashboard_counts_trainees_among_the_held_places(
    client_of, uw_mazowieckie, accreditation
):
    TraineeFactory(accreditation=accreditation)
    response = client_of(uw_mazowieckie).get(reverse("referrals:dashboard"))
    (row,) = [r for r in response.context["fields"] if r["field"] == accreditation.field.name]
    assert (row["places"], row["held"], row["free"]) == (3, 1, 2)


@pytest.mark.django_db
def test_przydziel_is_refused_when_trainees_hold_the_last_place(mazowieckie, accreditation):
    for _ in range(3):
        TraineeFactory(accreditation=accreditation)
    office = person_with_role(Role.UW, voivodeship=mazowieckie).profiles.get()
    draft = ReferralFactory(field=accreditation.field, mode=mode())
    with pytest.raises(services.ReferralError) as refused:
        services.assign(
            draft.pk,
            version=draft.version,
            changes=services.Changes(unit=accreditation.unit, fields={"unit"}),
            user=office.user,
            profile=office,
        )
    assert "nie ma wolnych miejsc" in refused.value.field_errors["unit"]


@pytest.mark.django_db
def test_check_invariants_counts_trainees_as_held_places(capsys, accreditation):
    for _ in range(4):
        TraineeFactory(accreditation=accreditation)
    with pytest.raises(CommandError):
        call_command("check_invariants")
    assert "zajętych miejsc 4, a miejsc jest 3" in capsys.readouterr().out


# ---- the race for the last place (PostgreSQL, real threads and row locks) ------------------


def _waiting_for_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_initial_load_and_przydziel_never_both_take_the_last_place(mazowieckie):
    """Both reach the accreditation's lock while a third transaction holds it; when it lets
    go, one takes the last place and the other, counting after it, is refused."""
    accreditation = AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=mazowieckie), places=1
    )
    staff = person_with_role(Role.UNIT_STAFF, unit=accreditation.unit).profiles.get()
    office = person_with_role(Role.UW, voivodeship=mazowieckie).profiles.get()
    draft = ReferralFactory(field=accreditation.field, mode=mode())
    row = training.TraineeRow(2, valid_pesel(), accreditation.field.code, accreditation.valid_from)
    results = {}

    def run(name, action):
        try:
            results[name] = action()
        except Exception as exc:
            results[name] = exc
        finally:
            connection.close()

    def load():
        return training.load_trainees(accreditation.unit_id, [row], user=None, profile=staff)

    def assign():
        return services.assign(
            draft.pk,
            version=draft.version,
            changes=services.Changes(unit=accreditation.unit, fields={"unit"}),
            user=office.user,
            profile=office,
        )

    gate = connections.create_connection("default")
    gate.set_autocommit(False)
    with gate.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM reference_accreditation WHERE id = %s FOR UPDATE", [accreditation.pk]
        )
    threads = [
        threading.Thread(target=run, args=("load", load)),
        threading.Thread(target=run, args=("assign", assign)),
    ]
    for thread in threads:
        thread.start()
    for _ in range(200):  # both must be queued on the gate's lock before it opens
        if _waiting_for_a_lock() >= 2:
            break
        threading.Event().wait(0.05)
    assert _waiting_for_a_lock() >= 2
    gate.rollback()
    gate.close()
    for thread in threads:
        thread.join(timeout=20)

    won = [name for name, result in results.items() if not isinstance(result, Exception)]
    assert len(won) == 1, results
    lost = results[{"load", "assign"}.difference(won).pop()]
    if won == ["load"]:
        assert "nie ma wolnych miejsc" in lost.field_errors["unit"]
    else:
        assert "Brak wolnego miejsca" in lost.row_errors[0].message
    assert free_places(accreditation) == 0
    holding = Referral.objects.holding_place().count() + Trainee.objects.holding_place().count()
    assert holding == 1
    assert places_never_overbooked() == []


def _load_while_a_clerk_holds_the_lock(mazowieckie, monkeypatch, *, lock):
    """A clerk's "Przydziel" of the last place is under way (the accreditation locked, the
    referral assigned, not committed yet) while the unit's initial load comes in."""
    if not lock:  # the twin: the load asks for the free places without the lock
        monkeypatch.setattr(capacity, "_free_places", lambda a, lock: free_places(a, lock=False))
    accreditation = AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=mazowieckie), places=1
    )
    staff = person_with_role(Role.UNIT_STAFF, unit=accreditation.unit).profiles.get()
    draft = ReferralFactory(field=accreditation.field, mode=mode())
    row = training.TraineeRow(2, valid_pesel(), accreditation.field.code, accreditation.valid_from)
    clerk = connections.create_connection("default")
    clerk.set_autocommit(False)
    with clerk.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM reference_accreditation WHERE id = %s FOR UPDATE", [accreditation.pk]
        )
        cursor.execute(
            "UPDATE referrals_referral SET unit_id = %s, status = %s WHERE id = %s",
            [accreditation.unit_id, ReferralStatus.ASSIGNED, draft.pk],
        )
    result = {}

    def load():
        try:
            result["load"] = training.load_trainees(
                accreditation.unit_id, [row], user=None, profile=staff
            )
        except Exception as exc:
            result["load"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=load)
    thread.start()
    for _ in range(200):
        if not thread.is_alive() or _waiting_for_a_lock():
            break
        threading.Event().wait(0.05)
    clerk.commit()
    clerk.close()
    thread.join(timeout=20)
    return accreditation, result["load"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_load_takes_the_place_a_clerk_is_taking(mazowieckie, monkeypatch):
    accreditation, loaded = _load_while_a_clerk_holds_the_lock(mazowieckie, monkeypatch, lock=False)
    assert isinstance(loaded, training.LoadResult)  # the race is real: both took it
    assert free_places(accreditation) == -1
    assert places_never_overbooked()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_lock_the_load_waits_for_the_clerk_and_is_refused(mazowieckie, monkeypatch):
    accreditation, loaded = _load_while_a_clerk_holds_the_lock(mazowieckie, monkeypatch, lock=True)
    assert isinstance(loaded, training.TrainingError)
    assert [(e.row, e.field) for e in loaded.row_errors] == [(2, "field")]
    assert free_places(accreditation) == 0
    assert not Trainee.objects.exists()
    assert places_never_overbooked() == []
