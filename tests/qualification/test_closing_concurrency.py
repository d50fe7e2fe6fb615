"""Closing procedures at the same moment, on real PostgreSQL (SPEC §3, seed 000 §4).

Each thread has its own database connection and closes it when done
(tests/test_free_places_concurrency.py does the same).
"""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from qualification.models import FormalEvaluation, SlotListStatus, Stage
from qualification.services.closing import ClosingResult, ProcedureError, close_procedure
from referrals.models import Referral
from tests.factories import (
    ApplicationFactory,
    FieldFactory,
    ProcedureFactory,
    SessionFactory,
    SlotListFactory,
    SlotListItemFactory,
    mode,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PLACES = 25


def procedure_ready_to_close(session, voivodeship, field, *, places=PLACES, candidates=PLACES + 5):
    """A procedure in "postępowanie konkursowe" with an approved slot list and a tail."""
    procedure = ProcedureFactory(session=session, voivodeship=voivodeship, stage=Stage.COMPETITION)
    slot_list = SlotListFactory(
        session=session, voivodeship=voivodeship, status=SlotListStatus.APPROVED
    )
    SlotListItemFactory(slot_list=slot_list, field=field, mode=mode(), places=places)
    for n in range(candidates):
        ApplicationFactory(
            session=session,
            voivodeship=voivodeship,
            field=field,
            mode=mode(),
            formal_evaluation=FormalEvaluation.POSITIVE,
            points=Decimal(n),
        )
    return procedure


def at_the_same_moment(*calls):
    """Run the calls in threads released together by a barrier; return each result or the
    exception it raised, in the order of the calls."""
    barrier = threading.Barrier(len(calls), timeout=10)
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert not any(thread.is_alive() for thread in threads), "a closing never finished"
    return results


def test_two_voivodeships_closing_at_once_both_succeed_with_their_own_consecutive_numbers(
    mazowieckie, malopolskie, uw_mazowieckie, uw_malopolskie
):
    session = SessionFactory()
    field = FieldFactory()
    procedures = {
        "14": (procedure_ready_to_close(session, mazowieckie, field), uw_mazowieckie),
        "12": (procedure_ready_to_close(session, malopolskie, field), uw_malopolskie),
    }

    results = at_the_same_moment(
        *(
            lambda procedure=procedure, user=user: close_procedure(
                procedure.pk, user=user, profile=None
            )
            for procedure, user in procedures.values()
        )
    )

    assert all(isinstance(result, ClosingResult) for result in results), results
    assert [result.referrals for result in results] == [PLACES, PLACES]
    numbers = list(Referral.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 2 * PLACES
    for teryt, (procedure, _user) in procedures.items():
        mine = sorted(
            Referral.objects.filter(voivodeship=procedure.voivodeship).values_list(
                "number", flat=True
            )
        )
        assert mine == [f"SK/{session.year}/{teryt}/{n:05d}" for n in range(1, PLACES + 1)]
        procedure.refresh_from_db()
        assert procedure.stage == Stage.CLOSED


def test_one_procedure_closed_by_two_clerks_at_once_is_closed_once(
    mazowieckie, uw_mazowieckie, wojewoda_mazowieckie
):
    procedure = procedure_ready_to_close(SessionFactory(), mazowieckie, FieldFactory())

    results = at_the_same_moment(
        lambda: close_procedure(procedure.pk, user=uw_mazowieckie, profile=None),
        lambda: close_procedure(procedure.pk, user=wojewoda_mazowieckie, profile=None),
    )

    succeeded = [r for r in results if isinstance(r, ClosingResult)]
    refused = [r for r in results if isinstance(r, ProcedureError)]
    assert len(succeeded) == 1, results
    assert len(refused) == 1, results
    assert "już zakończone" in str(refused[0])
    assert Referral.objects.count() == succeeded[0].referrals == PLACES
    numbers = sorted(Referral.objects.values_list("number", flat=True))
    assert numbers == [f"SK/{procedure.session.year}/14/{n:05d}" for n in range(1, PLACES + 1)]
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
