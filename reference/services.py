"""Free training places, computed from facts (CONVENTIONS.md "Counters that must not overbook").

Free places of an accreditation = its places − referrals of that unit and field in a status
that holds a place (Przydzielone, Wystawione, Specjalizacja rozpoczęta). Nothing stores the
difference, so nothing can drift. To *decide* on it (take a place), call
:func:`free_places` with ``lock=True`` inside the transaction that then takes the place: the
accreditation row is locked, so concurrent deciders queue up and each sees the others' places.
"""

from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery

from reference.models import Accreditation


class NoFreePlace(Exception):
    """The accreditation has no free training place left."""


def _holding_referrals():
    from referrals.models import Referral

    return Referral.objects.holding_place()


def held_places_subquery():
    """Correlated subquery: places held in ``OuterRef`` accreditation's unit and field."""
    return Subquery(
        _holding_referrals()
        .filter(unit_id=OuterRef("unit_id"), field_id=OuterRef("field_id"))
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=models.IntegerField(),
    )


def held_places(accreditation: Accreditation) -> int:
    return (
        _holding_referrals()
        .filter(unit_id=accreditation.unit_id, field_id=accreditation.field_id)
        .count()
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
