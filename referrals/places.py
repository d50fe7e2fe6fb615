"""Training places: how many an accreditation has, who holds them, how many are free.

The one module that knows what holds a place (CONVENTIONS.md "Counters that must not
overbook"; docs/architecture.md). A place of an accreditation is held by

- a referral of the accreditation's unit and field in a status that holds one (Przydzielone,
  Wystawione, Specjalizacja rozpoczęta: :data:`referrals.models.HOLDING_PLACE`), and
- a trainee of that unit and field still in training (:class:`training.models.Trainee`,
  loaded by the unit's initial load, ``zasilInicjalnie``).

What else comes to hold places is added here and nowhere else. The training app, a floor
below, asks :func:`free_places` through :mod:`training.capacity` (registered at start-up).

Free places = the accreditation's places − the places held. Nothing stores the difference, so
nothing can drift. To *decide* on it (take a place), call :func:`ensure_free_place` (or
:func:`free_places` with ``lock=True``) inside the transaction that then takes the place: the
accreditation row is locked, so concurrent deciders queue up and each sees the others' places.
"""

from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from reference.models import Accreditation
from referrals.models import Referral
from training.models import Trainee


class NoFreePlace(Exception):
    """The accreditation has no free training place left."""


def holders(accreditation: Accreditation):
    """The referrals holding places of ``accreditation``, newest first (the trainees holding
    the others: :func:`trainees_holding`)."""
    return Referral.objects.holding_place().filter(
        unit_id=accreditation.unit_id, field_id=accreditation.field_id
    )


def trainees_holding(accreditation: Accreditation):
    return Trainee.objects.holding_place().filter(
        unit_id=accreditation.unit_id, field_id=accreditation.field_id
    )


def held_places(accreditation: Accreditation) -> int:
    return holders(accreditation).count() + trainees_holding(accreditation).count()


def held_per_unit_and_field() -> dict[tuple[int, int], int]:
    """Places held, by (unit id, field id), in two queries (``check_invariants``)."""
    held: dict[tuple[int, int], int] = {}
    for holding in (Referral.objects.holding_place(), Trainee.objects.holding_place()):
        for unit, field, n in (
            holding.values("unit_id", "field_id")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "field_id", "n")
        ):
            held[(unit, field)] = held.get((unit, field), 0) + n
    return held


def _count_subquery(holding):
    """Correlated subquery: how many rows of ``holding`` are in ``OuterRef`` accreditation's
    unit and field."""
    return Coalesce(
        Subquery(
            holding.filter(unit_id=OuterRef("unit_id"), field_id=OuterRef("field_id"))
            .order_by()
            .values("unit_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=models.IntegerField(),
        ),
        0,
    )


def with_free_places(accreditations):
    """Annotate ``held_by_referrals``, ``held_by_trainees``, ``held_places`` (both) and
    ``free_places`` on a queryset of accreditations (for display: to decide, lock with
    :func:`ensure_free_place`)."""
    return (
        accreditations.annotate(
            held_by_referrals=_count_subquery(Referral.objects.holding_place()),
            held_by_trainees=_count_subquery(Trainee.objects.holding_place()),
        )
        .annotate(held_places=models.F("held_by_referrals") + models.F("held_by_trainees"))
        .annotate(free_places=models.F("places") - models.F("held_places"))
    )


def lock_accreditation(accreditation_id: int) -> Accreditation:
    """The accreditation, re-read and locked (``SELECT … FOR UPDATE``) until the transaction
    ends. Every decision on its places takes this one lock — taking a place
    (:func:`ensure_free_place`) and the accrediting body's change of the places, suspension
    and withdrawal (``accreditation.services``) — so they queue up and each sees what the
    others did."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "lock_accreditation() must run inside transaction.atomic()"
        )
    return Accreditation.objects.select_for_update().get(pk=accreditation_id)


def free_places(accreditation: Accreditation, *, lock: bool = False) -> int:
    """Free places of ``accreditation`` now.

    With ``lock=True`` (inside ``transaction.atomic``) the accreditation row is locked
    (:func:`lock_accreditation`) and re-read first, so the answer stays true until the
    transaction ends and can be acted upon; an accreditation no longer in force by then
    (suspended or withdrawn meanwhile) offers no new place.
    """
    if lock:
        locked = lock_accreditation(accreditation.pk)
        places = locked.places if locked.is_active() else 0
    else:
        places = accreditation.places
    return places - held_places(accreditation)


def ensure_free_place(accreditation: Accreditation) -> int:
    """Lock the accreditation and raise :class:`NoFreePlace` unless a place is free.

    Returns the number of free places before the caller takes one.
    """
    free = free_places(accreditation, lock=True)
    if free <= 0:
        raise NoFreePlace(accreditation)
    return free
