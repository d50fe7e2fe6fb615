"""Writing the rows: PostgreSQL ``COPY`` (bulk_create elsewhere), and the allocators of keys
and numbers that let rows refer to each other without a round trip."""

import json
import re
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection
from django.db.models import NOT_PROVIDED, Max

from qualification.models import (
    Application,
    PreferredUnit,
)
from referrals.models import (
    Referral,
)
from registry.models import EKS, RegisterEntry
from smk.models import Event, NumberSequence
from smk.numbering import WIDTH

# ---- Writing rows -----------------------------------------------------------------------------

#: The columns written for each big table, in the order the generator gives the values.
COLUMNS = {
    Application: [
        "id", "number", "session_id", "voivodeship_id", "field_id", "mode_id", "applicant_id",
        "first_name", "last_name", "pesel", "licence_number", "email", "phone", "address",
        "university", "graduation_year", "study_result", "status", "approved_at", "created_at",
        "formal_evaluation", "formal_reason", "evaluated_at", "evaluated_by_id",
        "employment_years", "points_employment", "points_publications", "points_courses",
        "points_other", "points", "ranking_position", "qualified", "qualified_manually",
        "version", "limited_licence", "preferred_mode_id", "repeat_residency",
    ],
    PreferredUnit: ["id", "application_id", "unit_id", "position"],
    Referral: [
        "id", "number", "application_id", "session_id", "replaces_id", "voivodeship_id",
        "field_id", "mode_id", "rank_points", "rank_study_result", "applicant_name", "status",
        "unit_id", "programme_id", "planned_start", "planned_end", "planned_end_reason",
        "decision", "decided_by_kind", "decision_justification", "decision_attachment",
        "decided_at", "decided_by_id", "sent_at", "version", "created_at", "updated_at",
        "created_by_id",
    ],
    RegisterEntry: [
        "id", "number", "kind", "entry_date", "referral_id", "voivodeship_id", "first_name",
        "last_name", "pesel", "field_id", "unit_id", "reason", "created_at", "created_by_id",
    ],
    EKS: [
        "id", "number", "referral_id", "first_name", "last_name", "pesel", "field_id",
        "mode_id", "programme_id", "unit_id", "start_date", "planned_end", "created_at",
        "version", "status", "return_reason", "voivodeship_id",
    ],
    Event: [
        "id", "target_type_id", "target_id", "action", "user_id", "acting_as", "old_status",
        "new_status", "data", "created_at",
    ],
}  # fmt: skip
#: Referenced tables first (the foreign keys are checked at commit anyway).
TABLE_ORDER = [Application, PreferredUnit, Referral, RegisterEntry, EKS, Event]


def _check_columns():
    """Fail loudly when a model gained a NOT NULL column the generator does not write."""
    for model, names in COLUMNS.items():
        for f in model._meta.concrete_fields:
            if f.attname not in names and not f.null and f.db_default is NOT_PROVIDED:
                raise RuntimeError(
                    f"bench.generate does not write {model.__name__}.{f.attname}: "
                    "add it to bench.generate.COLUMNS"
                )


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _escaped(text: str) -> str:
    # Searching first is much faster than translating every value (few need it).
    return text.translate(_ESCAPES) if _NEEDS_ESCAPE.search(text) else text


def _copy_value(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return _escaped(value)
    if kind is int or kind is Decimal:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    if kind is dict or kind is list:
        return _escaped(json.dumps(value, ensure_ascii=False))
    if isinstance(value, str):  # TextChoices members
        return _escaped(str(value))
    return value.isoformat()  # date, datetime


class CopyWriter:
    """Rows of each table in a temporary file, then ``COPY … FROM STDIN`` (PostgreSQL)."""

    def __init__(self):
        # Open until flush() streams them into COPY (and closes them).
        self.files = {
            model: tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
            for model in COLUMNS
        }
        self.counts = defaultdict(int)

    def add(self, model, row: tuple) -> None:
        self.files[model].write("\t".join(map(_copy_value, row)) + "\n")
        self.counts[model] += 1

    def flush(self) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for model in TABLE_ORDER:
                source = self.files[model]
                if not self.counts[model]:
                    continue
                source.seek(0)
                table = connection.ops.quote_name(model._meta.db_table)
                column_of = {f.attname: f.column for f in model._meta.concrete_fields}
                columns = ", ".join(
                    connection.ops.quote_name(column_of[name]) for name in COLUMNS[model]
                )
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
                source.close()
            for sql in connection.ops.sequence_reset_sql(no_style(), TABLE_ORDER):
                cursor.execute(sql)
        self.files.clear()


class BulkWriter:
    """The same rows through ``bulk_create`` (SQLite: the test suite's small scales)."""

    def __init__(self):
        self.rows = defaultdict(list)
        self.counts = defaultdict(int)

    def add(self, model, row: tuple) -> None:
        self.rows[model].append(row)
        self.counts[model] += 1

    def flush(self) -> None:
        with given_timestamps():
            for model in TABLE_ORDER:
                names = COLUMNS[model]
                objects = [model(**dict(zip(names, row, strict=True))) for row in self.rows[model]]
                model.objects.bulk_create(objects, batch_size=500)
        self.rows.clear()


@contextmanager
def given_timestamps():
    """Let ``bulk_create`` keep the generated created_at/updated_at (auto_now would not)."""
    switched = []
    for model in TABLE_ORDER:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def make_writer():
    _check_columns()
    return CopyWriter() if connection.vendor == "postgresql" else BulkWriter()


class Ids:
    """The next free primary key of each table written here."""

    def __init__(self):
        self._next: dict = {}

    def take(self, model) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


class Numbers:
    """Numbers of each prefix, continuing the number sequences; saved back at the end."""

    def __init__(self):
        self.last = dict(NumberSequence.objects.values_list("prefix", "last"))
        self.changed: set[str] = set()

    def take(self, prefix: str) -> str:
        n = self.last.get(prefix, 0) + 1
        self.last[prefix] = n
        self.changed.add(prefix)
        return f"{prefix}/{n:0{WIDTH}d}"

    def set(self, prefix: str, value: int) -> None:
        self.last[prefix] = value
        self.changed.add(prefix)

    def save(self) -> None:
        NumberSequence.objects.bulk_create(
            [NumberSequence(prefix=p, last=self.last[p]) for p in sorted(self.changed)],
            update_conflicts=True,
            unique_fields=["prefix"],
            update_fields=["last"],
        )
        self.changed.clear()
