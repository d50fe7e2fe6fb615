"""Training places: how many an accreditation has, who holds them, how many are free.

The one module that knows what holds a place (CONVENTIONS.md "Counters that must not
overbook"; docs/architecture.md). Today a place is held by a referral of the accreditation's
unit and field in a status that holds one (Przydzielone, Wystawione, Specjalizacja
rozpoczęta: :data:`referrals.models.HOLDING_PLACE`); what else comes to hold places (trainees
loaded from a unit's own system, changes of an accreditation) is added here and nowhere else.

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


class NoFreePlace(Exception):
    """The accreditation has no free training place left."""


def holders(accreditation: Accreditation):
    """Who holds the places of ``accreditation``: the referrals, newest first."""
    return Referral.objects.holding_place().filter(
        unit_id=accreditation.unit_id, field_id=accreditation.field_id
    )


def held_places(accreditation: Accreditation) -> int:
    return holders(accreditation).count()


def held_per_unit_and_field() -> dict[tuple[int, int], int]:
    """Places held, by (unit id, field id), in one query (``check_invariants``)."""
    return {
        (unit, field): n
        for unit, field, n in Referral.objects.holding_place()
        .values("unit_id", "field_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "field_id", "n")
    }


def _held_places_subquery():
    """Correlated subquery: places held in ``OuterRef`` accreditation's unit and field."""
    return Subquery(
        Referral.objects.holding_place()
        .filter(unit_id=OuterRef("unit_id"), field_id=OuterRef("field_id"))
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=models.IntegerField(),
    )


def with_free_places(accreditations):
    """Annotate ``held_places`` and ``free_places`` on a queryset of accreditations (for
    display: to decide, lock with :func:`ensure_free_place`)."""
    return accreditations.annotate(held_places=Coalesce(_held_places_subquery(), 0)).annotate(
        free_places=models.F("places") - models.F("held_places")
    )


def free_places(accreditation: Accreditation, *, lock: bool = False) -> int:
    """Free places of ``accreditation`` now.

    With ``lock=True`` (inside ``transaction.atomic``) the accreditation row is locked with
    ``SELECT … FOR UPDATE`` and its ``places`` re-read first, so the answer stays true until
    the transaction ends and can be acted upon.
    """
    if lock:
        if not transaction.get_connection().in_atomic_block:
            raise transaction.TransactionManagementError(
                "free_places(lock=True) must run inside transaction.atomic()"
            )
        places = (
            Accreditation.objects.select_for_update()
            .values_list("places", flat=True)
            .get(pk=accreditation.pk)
        )
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
