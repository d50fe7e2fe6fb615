"""Procedures per voivodeship and session: opening a session, and what the screens count.

The stage transitions, closing and why either cannot happen now are in
:mod:`qualification.services.closing`; this module counts a procedure's applications in one
query and previews what closing will do.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    Procedure,
    Session,
    SlotList,
)
from qualification.services.closing import applications_of, approved_slot_list
from reference.models import Field, Mode, Voivodeship
from referrals.models import Referral


@transaction.atomic
def open_session(session: Session) -> int:
    """Give every voivodeship a procedure and a draft slot list in ``session``.

    Idempotent: only what is missing is created (two inserts, whatever the number of
    voivodeships). Not ``durable``: the admin calls it inside its own save transaction, so the
    session and its procedures are saved together or not at all.
    """
    voivodeship_ids = list(Voivodeship.objects.values_list("pk", flat=True))
    with_procedure = set(
        Procedure.objects.filter(session=session).values_list("voivodeship_id", flat=True)
    )
    with_slot_list = set(
        SlotList.objects.filter(session=session).values_list("voivodeship_id", flat=True)
    )
    procedures = Procedure.objects.bulk_create(
        [
            Procedure(session=session, voivodeship_id=pk)
            for pk in voivodeship_ids
            if pk not in with_procedure
        ],
        ignore_conflicts=True,
    )
    SlotList.objects.bulk_create(
        [
            SlotList(session=session, voivodeship_id=pk)
            for pk in voivodeship_ids
            if pk not in with_slot_list
        ],
        ignore_conflicts=True,
    )
    return len(procedures)


def _approved_applications():
    return Application.objects.filter(status=ApplicationStatus.APPROVED)


_UNEVALUATED = Q(formal_evaluation="")
_POSITIVE = Q(formal_evaluation=FormalEvaluation.POSITIVE)
_NEGATIVE = Q(formal_evaluation=FormalEvaluation.NEGATIVE)


def _count_of_procedure(queryset, condition: Q | None = None):
    """A subquery counting ``queryset``'s rows of the outer procedure's session and voivodeship."""
    rows = queryset.filter(
        session_id=OuterRef("session_id"), voivodeship_id=OuterRef("voivodeship_id")
    )
    if condition is not None:
        rows = rows.filter(condition)
    counted = rows.order_by().values("session_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(procedures):
    """Annotate a procedure queryset for the list: one query however many procedures."""
    slot_lists = SlotList.objects.filter(
        session_id=OuterRef("session_id"), voivodeship_id=OuterRef("voivodeship_id")
    )
    return procedures.select_related("session", "voivodeship").annotate(
        applications_count=_count_of_procedure(_approved_applications()),
        positive_count=_count_of_procedure(_approved_applications(), _POSITIVE),
        unevaluated_count=_count_of_procedure(_approved_applications(), _UNEVALUATED),
        referrals_count=_count_of_procedure(Referral.objects.all()),
        slot_list_pk=Subquery(slot_lists.values("pk")[:1]),
        slot_list_status=Subquery(slot_lists.values("status")[:1]),
    )


@dataclass(frozen=True)
class ProcedureCounts:
    applications: int
    positive: int
    negative: int
    unevaluated: int
    with_points: int
    qualified: int
    referrals: int


def procedure_counts(procedure: Procedure) -> ProcedureCounts:
    """The numbers on a procedure's page (two queries)."""
    counts = applications_of(procedure).aggregate(
        applications=Count("pk"),
        positive=Count("pk", filter=_POSITIVE),
        negative=Count("pk", filter=_NEGATIVE),
        unevaluated=Count("pk", filter=_UNEVALUATED),
        with_points=Count("pk", filter=_POSITIVE & Q(points__isnull=False)),
        qualified=Count("pk", filter=Q(qualified=True)),
    )
    referrals = Referral.objects.filter(
        session_id=procedure.session_id, voivodeship_id=procedure.voivodeship_id
    ).count()
    return ProcedureCounts(referrals=referrals, **counts)


@dataclass(frozen=True)
class ClosingRow:
    """One ranking list (field × mode) as closing will treat it."""

    field: Field
    mode: Mode
    places: int
    positive: int

    @property
    def to_qualify(self) -> int:
        return min(self.places, self.positive)


def closing_preview(procedure: Procedure) -> list[ClosingRow]:
    """Per field and mode: places on the approved slot list, formally positive applications,
    and how many closing will qualify. Fields with neither places nor applications are left
    out; without an approved list every field has no places."""
    slot_list = approved_slot_list(procedure)
    places = (
        {(i.field_id, i.mode_id): i.places for i in slot_list.items.all() if i.places}
        if slot_list
        else {}
    )
    positive = {
        (row["field_id"], row["mode_id"]): row["n"]
        for row in applications_of(procedure)
        .filter(_POSITIVE)
        .order_by()
        .values("field_id", "mode_id")
        .annotate(n=Count("pk"))
    }
    keys = places.keys() | positive.keys()
    fields = Field.objects.in_bulk({f for f, _m in keys})
    modes = Mode.objects.in_bulk({m for _f, m in keys})
    rows = [
        ClosingRow(
            field=fields[f],
            mode=modes[m],
            places=places.get((f, m), 0),
            positive=positive.get((f, m), 0),
        )
        for f, m in keys
    ]
    return sorted(rows, key=lambda row: (row.field.name, row.mode.name))
