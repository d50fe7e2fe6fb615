"""Ranking lists per field and mode (SPEC §3, seed 000 §1): read-only, for screens, PDF, CSV.

Before the procedure is closed a list is *preliminary*: the order of
:meth:`ApplicationQuerySet.ranked` over the formally positive applications, with the top N
(N = places on the voivodeship's slot list, approved or not) shown as qualified. Closing freezes
``ranking_position`` and ``qualified`` on each application; from then on the list is *final*
and shows exactly what was stored (including later manual qualifications).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from qualification.models import (
    Application,
    FormalEvaluation,
    Procedure,
    SlotList,
    SlotListStatus,
)
from qualification.services.closing import applications_of
from reference.models import Field, Mode

#: The stable tie-break rule, shown on every ranking list (it is ``ApplicationQuerySet.ranked``).
TIE_BREAK_RULE = _(
    "Przy równej liczbie punktów decyduje wynik studiów, następnie wcześniejsze zatwierdzenie "
    "wniosku, a na końcu numer wniosku."
)


def slot_list_of(procedure: Procedure) -> SlotList | None:
    """The voivodeship's slot list for the procedure's session, whatever its status."""
    return (
        SlotList.objects.filter(
            session_id=procedure.session_id, voivodeship_id=procedure.voivodeship_id
        )
        .prefetch_related("items")
        .first()
    )


def _places_by_field_and_mode(slot_list: SlotList | None) -> dict[tuple[int, int], int]:
    if slot_list is None:
        return {}
    return {(item.field_id, item.mode_id): item.places for item in slot_list.items.all()}


def slot_list_is_approved(slot_list: SlotList | None) -> bool:
    return slot_list is not None and slot_list.status in (
        SlotListStatus.APPROVED,
        SlotListStatus.PUBLISHED,
    )


def _positive(procedure: Procedure):
    return applications_of(procedure).filter(formal_evaluation=FormalEvaluation.POSITIVE)


@dataclass(frozen=True)
class RankingSummaryRow:
    """One field × mode of a procedure on the ranking-list index."""

    field_id: int
    field_name: str
    mode_id: int
    mode_name: str
    #: Places on the slot list; ``None`` when the voivodeship has no slot list yet.
    places: int | None
    candidates: int
    #: Qualified applications (stored at closing); ``None`` before closing.
    qualified: int | None

    @property
    def competition_needed(self) -> bool | None:
        """A competition is needed only where there are more candidates than places."""
        if self.places is None:
            return None
        return self.candidates > self.places


@dataclass(frozen=True)
class RankingSummary:
    procedure: Procedure
    slot_list: SlotList | None
    rows: list[RankingSummaryRow]

    @property
    def is_final(self) -> bool:
        return self.procedure.is_closed

    @property
    def slot_list_approved(self) -> bool:
        return slot_list_is_approved(self.slot_list)


def ranking_summary(procedure: Procedure) -> RankingSummary:
    """Every field × mode with formally positive applications, in two queries."""
    slot_list = slot_list_of(procedure)
    places = _places_by_field_and_mode(slot_list)
    groups = (
        _positive(procedure)
        .values("field_id", "field__name", "mode_id", "mode__name")
        .annotate(candidates=Count("pk"), qualified_count=Count("pk", filter=Q(qualified=True)))
        .order_by("field__name", "mode__name")
    )
    rows = [
        RankingSummaryRow(
            field_id=group["field_id"],
            field_name=group["field__name"],
            mode_id=group["mode_id"],
            mode_name=group["mode__name"],
            places=places.get((group["field_id"], group["mode_id"]), 0)
            if slot_list is not None
            else None,
            candidates=group["candidates"],
            qualified=group["qualified_count"] if procedure.is_closed else None,
        )
        for group in groups
    ]
    return RankingSummary(procedure=procedure, slot_list=slot_list, rows=rows)


@dataclass(frozen=True)
class RankingEntry:
    position: int
    application: Application
    #: ``None`` when it cannot be said yet (no slot list before closing).
    qualified: bool | None

    @property
    def qualified_manually(self) -> bool:
        return bool(self.qualified and self.application.qualified_manually)


@dataclass(frozen=True)
class RankingList:
    procedure: Procedure
    field: Field
    mode: Mode
    slot_list: SlotList | None
    places: int | None
    is_final: bool
    entries: list[RankingEntry]

    @property
    def slot_list_approved(self) -> bool:
        return slot_list_is_approved(self.slot_list)

    @property
    def candidates(self) -> int:
        return len(self.entries)

    @property
    def qualified_count(self) -> int:
        return sum(1 for entry in self.entries if entry.qualified)

    @property
    def not_qualified_count(self) -> int:
        return sum(1 for entry in self.entries if entry.qualified is False)

    @property
    def competition_needed(self) -> bool | None:
        if self.places is None:
            return None
        return self.candidates > self.places


def ranking_list(procedure: Procedure, field: Field, mode: Mode) -> RankingList:
    """The ranking list of one field and mode, in a constant number of queries."""
    slot_list = slot_list_of(procedure)
    places = (
        _places_by_field_and_mode(slot_list).get((field.pk, mode.pk), 0)
        if slot_list is not None
        else None
    )
    applications = _positive(procedure).filter(field_id=field.pk, mode_id=mode.pk)
    if procedure.is_closed:
        entries = [
            RankingEntry(
                position=application.ranking_position,
                application=application,
                qualified=bool(application.qualified),
            )
            for application in applications.order_by("ranking_position", "number")
        ]
    else:
        entries = [
            RankingEntry(
                position=position,
                application=application,
                qualified=None if places is None else position <= places,
            )
            for position, application in enumerate(applications.ranked(), start=1)
        ]
    return RankingList(
        procedure=procedure,
        field=field,
        mode=mode,
        slot_list=slot_list,
        places=places,
        is_final=procedure.is_closed,
        entries=entries,
    )


def format_decimal(value: Decimal | None) -> str:
    """Polish decimal comma, as Polish Excel reads it; empty for a missing value."""
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",")
