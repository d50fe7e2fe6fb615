"""What every training write shares: the refusal with its rows, the rows themselves, the
unit's lock, its accreditations in force and the history event."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reference.models import Accreditation, TrainingUnit
from smk.audit import log_event, register_actions

#: One initial load (one request, one file) holds at most this many rows.
MAX_TRAINEE_ROWS = 5000
#: A schedule holds at most this many starts.
MAX_SCHEDULED_STARTS = 1000

register_actions(
    {
        "training.contact_saved": gettext_lazy("Zapisano dane jednostki"),
        "training.schedule_saved": gettext_lazy("Zapisano harmonogram rozpoczęć"),
        "training.trainees_loaded": gettext_lazy("Zasilenie: osoby w trakcie szkolenia"),
        "training.offered_places_saved": gettext_lazy("Zapisano miejsca oferowane"),
        "training.integration_activated": gettext_lazy("Aktywowano integrację jednostki"),
    }
)


class TrainingError(Exception):
    """A write refused; ``field_errors`` name the fields, ``row_errors`` the rows."""

    def __init__(self, message="", *, field_errors=None, row_errors=None):
        self.message = str(message)
        self.field_errors = field_errors or {}
        self.row_errors = sorted(row_errors or (), key=lambda e: (e.row, e.field))
        super().__init__(self.message or self.field_errors or self.row_errors)


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class StartRow:
    row: int
    field: str  # the field's code
    starts_on: datetime.date
    places: int


@dataclass(frozen=True)
class TraineeRow:
    row: int
    pesel: str
    field: str  # the field's code
    started_on: datetime.date
    ended_on: datetime.date | None = None


@dataclass(frozen=True)
class OfferRow:
    row: int
    field: str  # the field's code
    places: int


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def format_day(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


def lock_unit(unit_id: int) -> TrainingUnit:
    # FOR NO KEY UPDATE: a referral saved with this unit (its foreign key takes FOR KEY SHARE
    # on the row) must not wait for it, or a "Przydziel" holding the accreditation's lock and
    # a load holding this one would deadlock.
    return TrainingUnit.objects.select_for_update(no_key=True).get(pk=unit_id)


def active_accreditations(unit_id: int) -> dict[str, Accreditation]:
    """The unit's accreditations in force today, by their field's code."""
    return {
        a.field.code: a
        for a in Accreditation.objects.active()
        .filter(unit_id=unit_id)
        .select_related("field")
        .order_by("pk")
    }


def not_accredited(row: int, code: str) -> RowError:
    return RowError(
        row,
        "field",
        _("Jednostka nie ma aktywnej akredytacji w dziedzinie „%(field)s”.") % {"field": code},
    )


def repeated_rows(rows, key, field: str, message) -> list[RowError]:
    """Rows whose ``key`` an earlier row had already: ``message`` names that row."""
    first_row, problems = {}, []
    for row in rows:
        earlier = first_row.setdefault(key(row), row.row)
        if earlier != row.row:
            problems.append(RowError(row.row, field, str(message) % {"row": earlier}))
    return problems


def log_training_event(unit, action, *, user, profile, data):
    return log_event(unit, action, user=user, profile=profile, data=data)
