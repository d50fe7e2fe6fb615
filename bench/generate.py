"""National-scale benchmark data (issue 7): ``python manage.py bench_data --scale S``.

At S=1: 16 voivodeships × 20 sessions, about 500,000 applications, 200,000 referrals in every
status, 1,000,000 history events and 2,000 training units with accreditations; smaller S
scales every count down (the number of sessions with the square root of S, so that each
voivodeship's lists still hold a few pages at the S the test suite uses).

The data is what the application itself would have written:

- every procedure is closed the way ``close_procedure`` closes one: applications evaluated and
  pointed, ranked per field and mode, the top N of each list qualified (N = the published slot
  list's places) and a referral created for each, numbered in ranking order;
- every referral's story runs through the state machine (created, drafts saved, assigned, sent,
  withdrawn and sent again, accepted / rejected / not started, struck off), each step a history
  event in order, so ``python manage.py check_invariants`` passes: a rejected referral has its
  replacement, a started one its EKS and start entry, a final non-commencement its skreślenie,
  and accreditations have at least as many places as referrals hold;
- numbers come from the same prefixes as the services' (``WN/…``, ``SK/…``, ``REJ/…``,
  ``EKS/…``) and the number sequences are advanced past them, so later real numbering goes on
  without a collision.

Speed: the big tables are written with PostgreSQL ``COPY … FROM STDIN`` (rows are encoded to
temporary files in COPY's text format while they are generated, then streamed table by table
inside one transaction); ids are chosen here, so rows refer to each other without a round
trip. On other databases the same rows go through ``bulk_create``.

Accounts to log in as (password :data:`PASSWORD`): ``uw.<teryt>@bench.smk.local`` (a UW clerk
of each voivodeship; ``uw.14@…`` is mazowieckie, the busiest), ``jednostka.<unit id>@…`` (the
staff of each unit) and ``admin@bench.smk.local`` (superuser, central administrator).
"""

import datetime
import json
import math
import random
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, Count, Max
from django.utils import timezone

from accounts.models import InstitutionKind, Profile, ProfileRole, Role, User
from qualification.demo import (
    FEMALE_NAMES,
    MALE_NAMES,
    NEGATIVE_REASONS,
    SURNAMES,
    UNIVERSITIES,
)
from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    PreferredUnit,
    Procedure,
    Session,
    SlotList,
    SlotListItem,
    SlotListStatus,
    Stage,
    employment_points,
)
from reference.demo import FIELDS, seed_fields, seed_fixed_rows, seed_programmes
from reference.models import Accreditation, Field, Mode, Programme, TrainingUnit, Voivodeship
from referrals.models import (
    COPIED_FROM_APPLICATION,
    HOLDING_PLACE,
    DecidedBy,
    DecisionKind,
    Referral,
    ReferralStatus,
    copied_from_application,
)
from registry.models import EKS, EntryKind, RegisterEntry
from smk.models import Event, NumberSequence
from smk.numbering import WIDTH

S = ReferralStatus

#: Counts at scale 1 (issue 7).
AT_SCALE_1 = {"applications": 500_000, "referrals": 200_000, "events": 1_000_000, "units": 2_000}
SESSIONS_AT_SCALE_1 = 20

BENCH_DOMAIN = "bench.smk.local"
PASSWORD = "SmkBench-2026"  # noqa: S105 - benchmark accounts on a throw-away database
ADMIN_EMAIL = f"admin@{BENCH_DOMAIN}"
#: The administrator's authenticator app: the admin opens only after a code from it.
ADMIN_TOTP_SECRET = "SMKBENCHADMINISTRATORTOTPSECRETA"  # noqa: S105 - throw-away database
#: A number sequence that records the scale the data was generated at (in millionths).
SCALE_MARKER = "BENCH/SCALE"
#: Sessions the measurements create for themselves (closing, actions) start with this.
SCRATCH_SESSION_PREFIX = "Sesja benchmarkowa"


def clerk_email(teryt: str) -> str:
    return f"uw.{teryt}@{BENCH_DOMAIN}"


def unit_staff_email(unit_id: int) -> str:
    return f"jednostka.{unit_id}@{BENCH_DOMAIN}"


#: The clerk the measurements log in as: mazowieckie, the voivodeship with the most data.
BENCH_TERYT = "14"
#: Where the measurements that write (closing, actions) work: opolskie, never measured.
SCRATCH_TERYT = "16"

#: Relative size of each voivodeship (roughly its population); the rest weigh 0.8.
VOIVODESHIP_WEIGHTS = {"14": 1.7, "24": 1.4, "30": 1.2, "12": 1.1, "02": 1.0, "10": 0.9, "22": 0.9}
#: How popular each field is, in the order of reference.demo.FIELDS.
FIELD_WEIGHTS = [30, 12, 10, 8, 8, 7, 5, 6, 5, 4, 5]
#: Share of residency (rezydentura) among applications.
RESIDENCY_SHARE = 0.6
#: Share of approved applications evaluated positively.
POSITIVE_SHARE = 0.9
APPROVED_SHARE = 0.95
#: Share of the procedure's applications that are qualified and get a referral (the
#: replacements of rejected referrals bring the referrals to 40 % of applications).
QUALIFIED_SHARE = 0.38

#: Final statuses of the referrals by the age of their session (0 = the newest session).
STATUS_MIX = {
    0: {S.DRAFT: 20, S.ASSIGNED: 20, S.ISSUED: 25, S.STARTED: 25, S.NOT_STARTED: 5, S.REJECTED: 5},
    1: {S.DRAFT: 3, S.ASSIGNED: 4, S.ISSUED: 8, S.STARTED: 72, S.NOT_STARTED: 7, S.REJECTED: 6},
    2: {S.DRAFT: 2, S.ASSIGNED: 1, S.ISSUED: 1, S.STARTED: 82, S.NOT_STARTED: 8, S.REJECTED: 6},
}

UNIT_KINDS = [
    "Szpital Wojewódzki — Zakład Diagnostyki Laboratoryjnej",
    "Szpital Powiatowy — Laboratorium Analityczne",
    "Centrum Medyczne — Pracownia Mikrobiologii",
    "Szpital Kliniczny — Zakład Diagnostyki",
    "Regionalne Centrum Krwiodawstwa — Pracownia Immunologii",
    "Instytut Medycyny Laboratoryjnej",
    "Wojewódzka Stacja Sanitarno-Epidemiologiczna — Laboratorium",
]
JUSTIFICATIONS = [
    "Brak wolnej kadry kierowników specjalizacji w tej dziedzinie.",
    "Diagnosta zrezygnował z podjęcia szkolenia w tym terminie.",
    "Diagnosta nie zgłosił się w wyznaczonym terminie rozpoczęcia szkolenia.",
    "Zmiana miejsca zatrudnienia — prośba o szkolenie w innej jednostce.",
    "Jednostka czasowo zawiesiła prowadzenie szkoleń (remont pracowni).",
]

PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
REGON_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)


# ---- Sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How much data a scale means."""

    scale: float

    @property
    def sessions(self) -> int:
        return max(2, min(SESSIONS_AT_SCALE_1, round(SESSIONS_AT_SCALE_1 * math.sqrt(self.scale))))

    @property
    def units(self) -> int:
        return max(2 * 16, round(AT_SCALE_1["units"] * self.scale))

    @property
    def applications(self) -> int:
        return max(16 * self.sessions * 8, round(AT_SCALE_1["applications"] * self.scale))

    @property
    def referrals(self) -> int:
        return round(self.applications * AT_SCALE_1["referrals"] / AT_SCALE_1["applications"])

    @property
    def events_per_referral(self) -> float:
        return AT_SCALE_1["events"] / AT_SCALE_1["referrals"]


def scale_of_existing_data() -> float | None:
    """The scale the benchmark data in the database was generated at, or None."""
    marker = NumberSequence.objects.filter(prefix=SCALE_MARKER).values_list("last", flat=True)
    return marker[0] / 1_000_000 if marker else None


# ---- Small helpers ----------------------------------------------------------------------------


def pesel_for(rng: random.Random, birth: datetime.date) -> str:
    """A PESEL with a valid check digit (births 1900–1999: the month is written as is)."""
    body = f"{birth:%y%m%d}{rng.randrange(10_000):04d}"
    total = sum(int(d) * w for d, w in zip(body, PESEL_WEIGHTS, strict=True))
    return body + str((10 - total % 10) % 10)


def nip_regon_source(taken_nips: set[str], taken_regons: set[str]):
    """Unique valid NIP and REGON numbers, from a counter (so reruns are repeatable)."""
    counter = 0
    while True:
        counter += 1
        body = f"{770_000_000 + counter:09d}"
        check = sum(int(d) * w for d, w in zip(body, NIP_WEIGHTS, strict=True)) % 11
        if check == 10:
            continue
        nip = body + str(check)
        regon_body = f"{77_000_000 + counter:08d}"
        regon_check = sum(int(d) * w for d, w in zip(regon_body, REGON_WEIGHTS, strict=True)) % 11
        regon = regon_body + str(regon_check % 10)
        if nip in taken_nips or regon in taken_regons:
            continue
        yield nip, regon


def _local(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _text_date(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def _planned_end(start: datetime.date, months: int) -> datetime.date:
    return Programme(duration_months=months).planned_end_from(start)


def session_dates(year: int, spring: bool) -> dict:
    if spring:
        return {
            "applications_from": datetime.date(year, 4, 30),
            "applications_to": datetime.date(year, 5, 31),
            "procedure_from": datetime.date(year, 6, 1),
            "procedure_to": datetime.date(year, 6, 30),
        }
    return {
        "applications_from": datetime.date(year, 9, 30),
        "applications_to": datetime.date(year, 10, 31),
        "procedure_from": datetime.date(year, 11, 1),
        "procedure_to": datetime.date(year, 11, 30),
    }


def national_sessions(count: int, newest_year: int = 2026) -> list[tuple[str, dict]]:
    """``count`` sessions, newest first: spring of ``newest_year``, the autumn before, …"""
    sessions = []
    year, spring = newest_year, True
    for _ in range(count):
        name = f"Sesja {'wiosenna' if spring else 'jesienna'} {year}"
        sessions.append((name, session_dates(year, spring)))
        if spring:
            year, spring = year - 1, False
        else:
            spring = True
    return sessions


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
        "version",
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


# ---- The world the rows are generated in ------------------------------------------------------


@dataclass
class Story:
    """A referral as it ends up, plus its events, register entries and EKS."""

    row: dict
    events: list = field(default_factory=list)


class World:
    """Reference data, accounts and allocators; writes procedures with all their rows."""

    def __init__(self, rng: random.Random, *, events_per_referral: float = 5.0):
        self.rng = rng
        self.writer = make_writer()
        self.ids = Ids()
        self.numbers = Numbers()
        self.events_per_referral = events_per_referral
        self.referrals_made = 0
        self.events_made = 0
        self.referral_type = ContentType.objects.get_for_model(Referral).pk
        self.procedure_type = ContentType.objects.get_for_model(Procedure).pk
        self.voivodeships = {v.pk: v for v in Voivodeship.objects.order_by("teryt")}
        codes = [code for code, _ in FIELDS]
        by_code = {f.code: f for f in Field.objects.all()}
        self.fields = [by_code[c] for c in codes if c in by_code]
        self.field_weights = [FIELD_WEIGHTS[codes.index(f.code)] for f in self.fields]
        self.field_names = {f.pk: f.name for f in Field.objects.all()}
        self.modes = list(Mode.objects.order_by("code"))
        self.residency = next(m for m in self.modes if m.code == Mode.RESIDENCY)
        self.non_residency = next(m for m in self.modes if m.code != Mode.RESIDENCY)
        self.programmes = defaultdict(list)
        for p in Programme.objects.order_by("valid_from", "pk"):
            self.programmes[(p.field_id, p.mode_id)].append(p)
        self.load_units()
        self.load_accounts()

    # -- loading what exists

    def load_units(self) -> None:
        self.unit_names = dict(TrainingUnit.objects.values_list("pk", "name"))
        self.units_for = defaultdict(list)  # (voivodeship, field) -> accredited unit ids
        for unit_id, voivodeship_id, field_id in (
            Accreditation.objects.active()
            .order_by("unit_id", "field_id")
            .values_list("unit_id", "unit__voivodeship_id", "field_id")
            .distinct()
        ):
            self.units_for[(voivodeship_id, field_id)].append(unit_id)

    def load_accounts(self) -> None:
        self.clerk_of = {}
        self.staff_of = {}
        profiles = Profile.objects.filter(user__email__endswith=f"@{BENCH_DOMAIN}").values_list(
            "kind", "voivodeship_id", "unit_id", "user_id"
        )
        for kind, voivodeship_id, unit_id, user_id in profiles:
            if kind == InstitutionKind.VOIVODESHIP_OFFICE:
                self.clerk_of[voivodeship_id] = user_id
            elif kind == InstitutionKind.TRAINING_UNIT:
                self.staff_of[unit_id] = user_id

    def office_name(self, voivodeship_id: int) -> str:
        return f"Urząd Wojewódzki — {self.voivodeships[voivodeship_id].name}"

    # -- one procedure

    def write_procedure(
        self,
        session: Session,
        voivodeship: Voivodeship,
        applications: int,
        *,
        stage: str = Stage.CLOSED,
        status_mix: dict | None = None,
        fields: list | None = None,
        qualified_share: float = QUALIFIED_SHARE,
    ) -> Procedure:
        """A procedure of ``applications`` applications in ``session`` and ``voivodeship``.

        ``stage=CLOSED``: closed as ``close_procedure`` closes it, its referrals handled to
        final statuses drawn from ``status_mix``. ``stage=COMPETITION``: every application
        evaluated and pointed, an approved slot list, ready for ``close_procedure``.
        """
        rng = self.rng
        closed = stage == Stage.CLOSED
        clerk = self.clerk_of.get(voivodeship.pk)
        close_at = _local(session.procedure_to, 15)
        # A protected FSM field can be given when the row is built (not changed afterwards).
        procedure = Procedure.objects.create(
            session=session,
            voivodeship=voivodeship,
            stage=stage,
            closed_at=close_at if closed else None,
            closed_by_id=clerk if closed else None,
        )
        field_choices = fields or self.fields
        weights = (
            [self.field_weights[self.fields.index(f)] for f in field_choices]
            if fields is None
            else None
        )
        apps = [
            self._application(session, voivodeship, rng.choices(field_choices, weights)[0], clerk)
            for _ in range(applications)
        ]
        # Ranking per field and mode, as ApplicationQuerySet.ranked orders it.
        groups = defaultdict(list)
        for app in apps:
            if app["formal_evaluation"] == FormalEvaluation.POSITIVE:
                groups[(app["field_id"], app["mode_id"])].append(app)
        places = {}
        for key, group in groups.items():
            group.sort(
                key=lambda a: (-a["points"], -a["study_result"], a["approved_at"], a["number"])
            )
            places[key] = max(1, round(len(group) * qualified_share / (APPROVED_SHARE * 0.9)))
            if closed:
                for position, app in enumerate(group, start=1):
                    app["ranking_position"] = position
                    app["qualified"] = position <= places[key]
        if closed:
            for app in apps:
                if app["status"] == ApplicationStatus.APPROVED and app["qualified"] is None:
                    app["qualified"] = False
        self._slot_list(session, voivodeship, places, published=closed)
        for app in apps:
            self.writer.add(Application, tuple(app[c] for c in COLUMNS[Application]))
        if closed:
            qualified = [
                app
                for key in sorted(groups)
                for app in groups[key]
                if app["qualified"] and app["ranking_position"]
            ]
            mix = status_mix or STATUS_MIX[2]
            statuses, status_weights = list(mix), list(mix.values())
            for app in qualified:
                final = rng.choices(statuses, status_weights)[0]
                self._preferred_units(app)
                self._referral(app, final, close_at, clerk, mix=mix)
            self.writer.add(
                Event,
                (
                    self.ids.take(Event),
                    self.procedure_type,
                    procedure.pk,
                    "procedure.closed",
                    clerk,
                    self.office_name(voivodeship.pk),
                    Stage.COMPETITION,
                    Stage.CLOSED,
                    {"ranked": sum(map(len, groups.values())), "referrals": len(qualified)},
                    close_at,
                ),
            )
        return procedure

    def _slot_list(self, session, voivodeship, places: dict, *, published: bool) -> None:
        wojewoda = self.clerk_of.get(voivodeship.pk)
        approved_at = _local(session.applications_to, 10)
        slot_list = SlotList.objects.create(
            session=session,
            voivodeship=voivodeship,
            status=SlotListStatus.PUBLISHED if published else SlotListStatus.APPROVED,
            approved_at=approved_at,
            approved_by_id=wojewoda,
            published_at=approved_at if published else None,
            published_by_id=wojewoda if published else None,
        )
        SlotListItem.objects.bulk_create(
            SlotListItem(slot_list=slot_list, field_id=f, mode_id=m, places=n)
            for (f, m), n in sorted(places.items())
        )

    def _application(self, session, voivodeship, field_, clerk) -> dict:
        rng = self.rng
        female = rng.random() < 0.7  # most laboratory diagnosticians are women
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(SURNAMES)[1 if female else 0]
        birth = datetime.date(rng.randint(1970, 1998), rng.randint(1, 12), rng.randint(1, 28))
        mode = self.residency if rng.random() < RESIDENCY_SHARE else self.non_residency
        roll = rng.random()
        status = (
            ApplicationStatus.APPROVED
            if roll < APPROVED_SHARE
            else ApplicationStatus.DRAFT
            if roll < APPROVED_SHARE + 0.03
            else ApplicationStatus.INACTIVE
        )
        window = (session.applications_to - session.applications_from).days
        created = _local(
            session.applications_from + datetime.timedelta(days=rng.randrange(window + 1)),
            rng.randint(7, 21),
            rng.randrange(60),
        )
        approved_at = created + datetime.timedelta(hours=rng.randint(1, 72))
        pk = self.ids.take(Application)
        app = {
            "id": pk,
            "number": self.numbers.take(f"WN/{session.year}/{voivodeship.teryt}"),
            "session_year": session.year,  # not a column: the referral numbers' prefix
            "session_id": session.pk,
            "voivodeship_id": voivodeship.pk,
            "field_id": field_.pk,
            "mode_id": mode.pk,
            "applicant_id": None,
            "first_name": first,
            "last_name": last,
            "pesel": pesel_for(rng, birth),
            "licence_number": f"DL/{pk:07d}",
            "email": f"wnioskodawca{pk}@example.pl",
            "phone": f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            "address": f"ul. Długa {rng.randint(1, 200)}, 00-{rng.randint(1, 999):03d} Warszawa",
            "university": rng.choice(UNIVERSITIES),
            "graduation_year": min(session.year - 1, birth.year + rng.randint(24, 30)),
            "study_result": Decimal(rng.randint(300, 500)) / 100,
            "status": status,
            "approved_at": approved_at if status != ApplicationStatus.DRAFT else None,
            "created_at": created,
            "formal_evaluation": "",
            "formal_reason": "",
            "evaluated_at": None,
            "evaluated_by_id": None,
            "employment_years": None,
            "points_employment": None,
            "points_publications": None,
            "points_courses": None,
            "points_other": None,
            "points": None,
            "ranking_position": None,
            "qualified": None,
            "qualified_manually": False,
            "version": 1,
        }
        if status != ApplicationStatus.APPROVED:
            if status == ApplicationStatus.INACTIVE:
                app["version"] = 2
            return app
        evaluated_at = _local(session.procedure_from, 9) + datetime.timedelta(
            hours=rng.randint(0, 240)
        )
        app["evaluated_at"], app["evaluated_by_id"] = evaluated_at, clerk
        if rng.random() >= POSITIVE_SHARE:
            app["formal_evaluation"] = FormalEvaluation.NEGATIVE
            app["formal_reason"] = rng.choice(NEGATIVE_REASONS)
            app["version"] = 2
            return app
        years = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15])
        publications = Decimal(rng.randint(0, 20)) / 2
        courses = Decimal(rng.randint(0, 10)) / 2
        other = Decimal(rng.randint(0, 6)) / 2
        app.update(
            formal_evaluation=FormalEvaluation.POSITIVE,
            employment_years=years,
            points_employment=employment_points(years),
            points_publications=publications,
            points_courses=courses,
            points_other=other,
            points=employment_points(years) + publications + courses + other,
            version=3,
        )
        return app

    def _preferred_units(self, app: dict) -> None:
        units = self.units_for.get((app["voivodeship_id"], app["field_id"]), [])
        chosen = self.rng.sample(units, min(len(units), self.rng.randint(1, 2)))
        for position, unit_id in enumerate(chosen, start=1):
            self.writer.add(
                PreferredUnit, (self.ids.take(PreferredUnit), app["id"], unit_id, position)
            )

    # -- one referral and its story

    def _programme_on(self, field_id, mode_id, day):
        for p in reversed(self.programmes[(field_id, mode_id)]):
            if p.valid_from <= day and (p.valid_to is None or day <= p.valid_to):
                return p
        candidates = self.programmes[(field_id, mode_id)]
        return candidates[0] if candidates else None

    def _referral(self, app, final, created_at, clerk, *, mix, replaces=None, depth=0):
        """Write a referral for ``app`` that ends in ``final`` (with its whole story)."""
        rng = self.rng
        voivodeship_id = app["voivodeship_id"]
        office = self.office_name(voivodeship_id)
        pk = self.ids.take(Referral)
        teryt = self.voivodeships[voivodeship_id].teryt
        prefix = f"SK/{app['session_year']}/{teryt}"
        # A replacement's number was taken when the rejection was written (reject() creates
        # the new referral before it logs the rejection).
        number = replaces["next_number"] if replaces else self.numbers.take(prefix)
        r = {
            "id": pk,
            "number": number,
            "application_id": app["id"],
            "session_id": app["session_id"],
            "replaces_id": replaces["id"] if replaces else None,
            "voivodeship_id": voivodeship_id,
            "field_id": app["field_id"],
            "mode_id": app["mode_id"],
            **copied_from_application(*(app[f] for f in COPIED_FROM_APPLICATION)),
            "status": S.DRAFT,
            "unit_id": None,
            "programme_id": None,
            "planned_start": None,
            "planned_end": None,
            "planned_end_reason": "",  # the programme's end: none needed
            "decision": "",
            "decided_by_kind": "",
            "decision_justification": "",
            "decision_attachment": "",
            "decided_at": None,
            "decided_by_id": None,
            "sent_at": None,
            "version": 1,
            "created_at": created_at,
            "updated_at": created_at,
            "created_by_id": replaces["decided_by_id"] if replaces else clerk,
        }
        events = []
        t = created_at

        def event(action, new_status, user, acting_as, data=None):
            events.append((action, r["status"], new_status, user, acting_as, data or {}, t))
            r["status"] = new_status
            r["updated_at"] = t

        def later(low_days, high_days):
            nonlocal t
            t = t + datetime.timedelta(minutes=rng.randint(low_days * 1440, high_days * 1440))
            return t

        if replaces is None:
            event("referral.created", S.DRAFT, clerk, office, {"number": number})
        else:
            event(
                "referral.created_after_rejection",
                S.DRAFT,
                replaces["decided_by_id"],
                self.unit_names[replaces["unit_id"]],
                {"number": number, "replaces": replaces["number"]},
            )
        units = self.units_for.get((voivodeship_id, app["field_id"])) or [None]
        unit_id = rng.choice(units)
        decided_path = final in (S.STARTED, S.REJECTED, S.NOT_STARTED)
        not_started_by = None
        if final == S.NOT_STARTED:
            roll = rng.random()
            not_started_by = (
                "office_draft" if roll < 0.2 else "office_assigned" if roll < 0.5 else None
            )
            if not_started_by is None:
                not_started_by = "office_issued" if roll < 0.7 else "unit"
        needs_unit = final != S.DRAFT and not_started_by != "office_draft"
        if unit_id is None and needs_unit:
            final, needs_unit, decided_path = S.DRAFT, False, False

        def choose_unit(action, new_status):
            programme = self._programme_on(app["field_id"], app["mode_id"], t.date())
            start = (t.date().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            r["unit_id"], r["programme_id"] = unit_id, programme.pk if programme else None
            r["planned_start"] = start if programme else None
            r["planned_end"] = _planned_end(start, programme.duration_months) if programme else None
            changes = {"unit": ["—", self.unit_names[unit_id]]}
            if programme:
                changes |= {
                    "programme": ["—", programme.name],
                    "planned_start": ["—", _text_date(start)],
                    "planned_end": ["—", _text_date(r["planned_end"])],
                }
            event(action, new_status, clerk, office, changes)

        if final == S.DRAFT and unit_id is not None and rng.random() < 0.3:
            later(1, 10)
            choose_unit("referral.saved", S.DRAFT)
        if needs_unit:
            later(1, 20)
            choose_unit("referral.assigned", S.ASSIGNED)
        sends = final in (S.ISSUED, S.STARTED, S.REJECTED) or not_started_by in (
            "office_issued",
            "unit",
        )
        if sends:
            later(1, 10)
            event("referral.sent", S.ISSUED, clerk, office)
            r["sent_at"] = t
            if rng.random() < 0.1:  # withdrawn once, then assigned and sent again
                later(1, 5)
                event("referral.withdrawn", S.DRAFT, clerk, office)
                r["sent_at"] = None
                later(0, 3)
                event("referral.assigned", S.ASSIGNED, clerk, office)
                later(0, 3)
                event("referral.sent", S.ISSUED, clerk, office)
                r["sent_at"] = t
        staff = self.staff_of.get(r["unit_id"]) if r["unit_id"] else None
        unit_name = self.unit_names.get(r["unit_id"], "")
        entries, eks = [], None
        replacement = None
        if decided_path:
            later(1, 30)
            justification = rng.choice(JUSTIFICATIONS)
            if final == S.STARTED:
                self._decide(r, DecisionKind.ACCEPTED, DecidedBy.UNIT, staff, t)
                eks = self.numbers.take(f"EKS/{teryt}/{t.year}")
                entries.append((EntryKind.START, self.numbers.take(f"REJ/{teryt}/{t.year}"), ""))
                data = {"eks": eks, "register_entry": entries[0][1]}
                event("referral.accepted", S.STARTED, staff, unit_name, data)
            elif final == S.REJECTED:
                self._decide(r, DecisionKind.REJECTED, DecidedBy.UNIT, staff, t, justification)
                replacement = dict(r)  # what the replacement needs of the rejected one
                replacement["when"] = t
                # The replacement's number is taken first, as reject() creates it first.
                replacement["next_number"] = self.numbers.take(prefix)
                data = {"justification": justification, "new_referral": replacement["next_number"]}
                event("referral.rejected", S.REJECTED, staff, unit_name, data)
            elif not_started_by == "unit":
                self._decide(r, DecisionKind.NOT_STARTED, DecidedBy.UNIT, staff, t, justification)
                event(
                    "referral.unit_not_started",
                    S.NOT_STARTED,
                    staff,
                    unit_name,
                    {"justification": justification},
                )
                if rng.random() < 0.7:
                    later(1, 10)
                    entries.append(
                        (
                            EntryKind.STRIKE_OFF,
                            self.numbers.take(f"REJ/{teryt}/{t.year}"),
                            justification,
                        )
                    )
                    data = {"register_entry": entries[-1][1]}
                    event("referral.struck_off", S.NOT_STARTED, clerk, office, data)
            else:  # the office's non-commencement, from Wersja robocza, Przydzielone or Wystawione
                self._decide(r, DecisionKind.NOT_STARTED, DecidedBy.OFFICE, clerk, t, justification)
                entries.append(
                    (
                        EntryKind.STRIKE_OFF,
                        self.numbers.take(f"REJ/{teryt}/{t.year}"),
                        justification,
                    )
                )
                data = {"justification": justification, "register_entry": entries[-1][1]}
                event("referral.not_started", S.NOT_STARTED, clerk, office, data)
        # Drafts saved a few times: the history reaches the events-per-referral target.
        self.referrals_made += 1
        pads = round(self.events_per_referral * self.referrals_made) - self.events_made
        pads = max(0, min(8, pads - len(events)))
        if pads:
            first_step = (
                events[1][6] if len(events) > 1 else created_at + datetime.timedelta(days=2)
            )
            gap = (first_step - created_at) / (pads + 1)
            padding = [
                ("referral.saved", S.DRAFT, S.DRAFT, clerk, office, {}, created_at + gap * (i + 1))
                for i in range(pads)
            ]
            events[1:1] = padding
        r["version"] = len(events)
        self.events_made += len(events)
        self.writer.add(Referral, tuple(r[c] for c in COLUMNS[Referral]))
        for action, old, new, user, acting_as, data, when in events:
            self.writer.add(
                Event,
                (
                    self.ids.take(Event),
                    self.referral_type,
                    pk,
                    action,
                    user,
                    acting_as,
                    old,
                    new,
                    data,
                    when,
                ),
            )
        for kind, entry_number, reason in entries:
            self.writer.add(
                RegisterEntry,
                (
                    self.ids.take(RegisterEntry),
                    entry_number,
                    kind,
                    timezone.localtime(r["decided_at"] if kind == EntryKind.START else t).date(),
                    pk,
                    voivodeship_id,
                    app["first_name"],
                    app["last_name"],
                    app["pesel"],
                    app["field_id"],
                    r["unit_id"],
                    reason,
                    t,
                    clerk if kind == EntryKind.STRIKE_OFF else staff,
                ),
            )
        if eks:
            self.writer.add(
                EKS,
                (
                    self.ids.take(EKS),
                    eks,
                    pk,
                    app["first_name"],
                    app["last_name"],
                    app["pesel"],
                    app["field_id"],
                    app["mode_id"],
                    r["programme_id"],
                    r["unit_id"],
                    r["planned_start"],
                    r["planned_end"],
                    r["decided_at"],
                ),
            )
        if replacement is not None:
            statuses = [s for s in mix if s != S.REJECTED or depth == 0]
            final_next = rng.choices(statuses, [mix[s] for s in statuses])[0]
            self._referral(
                app,
                final_next,
                replacement["when"],
                clerk,
                mix=mix,
                replaces=replacement,
                depth=depth + 1,
            )

    @staticmethod
    def _decide(r, kind, by_kind, user, when, justification=""):
        r.update(
            decision=kind,
            decided_by_kind=by_kind,
            decision_justification=justification,
            decided_at=when,
            decided_by_id=user,
        )

    # -- at the end

    def finish(self) -> dict:
        """Write the rows, advance the number sequences, give accreditations enough places."""
        counts = {model.__name__: n for model, n in self.writer.counts.items()}
        self.writer.flush()
        self.numbers.save()
        settle_places(self.rng)
        return counts


def settle_places(rng: random.Random) -> int:
    """Every active accreditation gets at least the places its unit's referrals hold, plus a
    few free ones (an overbooked accreditation would break check_invariants)."""
    held = {
        (unit, field_): n
        for unit, field_, n in Referral.objects.filter(status__in=HOLDING_PLACE)
        .values("unit_id", "field_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "field_id", "n")
    }
    changed = []
    for accreditation in Accreditation.objects.active().only("pk", "unit_id", "field_id", "places"):
        needed = held.get((accreditation.unit_id, accreditation.field_id), 0)
        if accreditation.places < needed + 1:
            accreditation.places = needed + rng.randint(2, 8)
            changed.append(accreditation)
    Accreditation.objects.bulk_update(changed, ["places"], batch_size=1000)
    return len(changed)


# ---- Accounts, units, sessions ----------------------------------------------------------------


def _users(rows: Iterable[tuple[str, str, str, bool]], password_hash: str) -> dict[str, User]:
    """Create users (e-mail, first name, last name, superuser) that do not exist yet."""
    rows = list(rows)
    existing = {u.email: u for u in User.objects.filter(email__in=[r[0] for r in rows])}
    new = [
        User(
            email=email,
            first_name=first,
            last_name=last,
            is_staff=superuser,
            is_superuser=superuser,
            password=password_hash,
        )
        for email, first, last, superuser in rows
        if email not in existing
    ]
    User.objects.bulk_create(new, batch_size=1000)
    users = {u.email: u for u in User.objects.filter(email__in=[r[0] for r in rows])}
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for e, u in users.items()
            if e not in existing
        ],
        batch_size=1000,
    )
    return users


def _profiles(specs: list[tuple[User, str, int | None, int | None, str]]) -> None:
    """(user, kind, voivodeship id, unit id, role) for users without a profile yet."""
    have = set(
        Profile.objects.filter(user__in=[s[0] for s in specs]).values_list("user_id", flat=True)
    )
    specs = [s for s in specs if s[0].pk not in have]
    profiles = Profile.objects.bulk_create(
        [Profile(user=u, kind=k, voivodeship_id=v, unit_id=un) for u, k, v, un, _ in specs],
        batch_size=1000,
    )
    ProfileRole.objects.bulk_create(
        [ProfileRole(profile=p, role=s[4]) for p, s in zip(profiles, specs, strict=True)],
        batch_size=1000,
    )


def create_accounts(password_hash: str | None = None) -> None:
    """The administrator, a UW clerk per voivodeship and a staff member per unit."""
    password_hash = password_hash or make_password(PASSWORD)
    voivodeships = list(Voivodeship.objects.order_by("teryt"))
    units = list(TrainingUnit.objects.order_by("pk").values_list("pk", flat=True))
    users = _users(
        [(ADMIN_EMAIL, "Administrator", "Benchmarku", True)]
        + [(clerk_email(v.teryt), "Urzędnik", v.name.capitalize(), False) for v in voivodeships]
        + [(unit_staff_email(u), "Pracownik", f"Jednostki {u}", False) for u in units],
        password_hash,
    )
    _profiles(
        [(users[ADMIN_EMAIL], InstitutionKind.CENTRAL, None, None, Role.ADMINISTRATOR)]
        + [
            (users[clerk_email(v.teryt)], InstitutionKind.VOIVODESHIP_OFFICE, v.pk, None, Role.UW)
            for v in voivodeships
        ]
        + [
            (users[unit_staff_email(u)], InstitutionKind.TRAINING_UNIT, None, u, Role.UNIT_STAFF)
            for u in units
        ]
    )
    if not Authenticator.objects.filter(user=users[ADMIN_EMAIL]).exists():
        TOTP.activate(users[ADMIN_EMAIL], ADMIN_TOTP_SECRET)


def create_units(count: int, rng: random.Random) -> None:
    """``count`` units spread over the voivodeships by weight, each accredited in 2–5 fields,
    every field with at least one accredited unit in every voivodeship. Places are settled
    once the referrals exist (:func:`settle_places`)."""
    voivodeships = list(Voivodeship.objects.order_by("teryt"))
    weights = [VOIVODESHIP_WEIGHTS.get(v.teryt, 0.8) for v in voivodeships]
    share = [max(2, round(count * w / sum(weights))) for w in weights]
    numbers = nip_regon_source(
        set(TrainingUnit.objects.values_list("nip", flat=True)),
        set(TrainingUnit.objects.values_list("regon", flat=True)),
    )
    units = []
    for voivodeship, n in zip(voivodeships, share, strict=True):
        for i in range(n):
            nip, regon = next(numbers)
            city = f"Miasto {voivodeship.teryt}-{i % 25 + 1}"
            units.append(
                TrainingUnit(
                    name=f"{UNIT_KINDS[i % len(UNIT_KINDS)]} nr {i + 1}, {voivodeship.name}",
                    street=f"ul. Szpitalna {rng.randint(1, 200)}",
                    postal_code=f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}",
                    city=city,
                    voivodeship=voivodeship,
                    nip=nip,
                    regon=regon,
                    email=f"sekretariat.{voivodeship.teryt}.{i}@jednostki.{BENCH_DOMAIN}",
                )
            )
    units = TrainingUnit.objects.bulk_create(units, batch_size=1000)
    fields = [f for f in seed_fields().values()]
    codes = [code for code, _ in FIELDS]
    field_weights = [FIELD_WEIGHTS[codes.index(f.code)] for f in fields]
    accredited = defaultdict(set)
    for unit in units:
        chosen, wanted = set(), rng.randint(2, 5)
        while len(chosen) < wanted:
            chosen.add(rng.choices(fields, field_weights)[0].pk)
        accredited[unit.pk] |= chosen
    by_voivodeship = defaultdict(list)
    for unit in units:
        by_voivodeship[unit.voivodeship_id].append(unit)
    for voivodeship_units in by_voivodeship.values():
        for f in fields:
            if not any(f.pk in accredited[u.pk] for u in voivodeship_units):
                accredited[rng.choice(voivodeship_units).pk].add(f.pk)
    Accreditation.objects.bulk_create(
        [
            Accreditation(
                unit_id=unit_id,
                field_id=field_id,
                number=f"AKR/B/{unit_id:05d}/{field_id:02d}",
                valid_from=datetime.date(2014, 1, 1),
                valid_to=datetime.date(2035, 12, 31),
                places=0,
            )
            for unit_id, field_ids in sorted(accredited.items())
            for field_id in sorted(field_ids)
        ],
        batch_size=1000,
    )


def create_old_programmes() -> None:
    """Programmes in force before October 2018, for the oldest sessions' referrals."""
    for programme in Programme.objects.filter(name__endswith=" 2018"):
        Programme.objects.get_or_create(
            field_id=programme.field_id,
            mode_id=programme.mode_id,
            name=programme.name.removesuffix(" 2018") + " 2013",
            defaults={
                "duration_months": programme.duration_months,
                "valid_from": datetime.date(2013, 10, 1),
                "valid_to": datetime.date(2018, 9, 30),
            },
        )


def prepare_reference_data(units: int, rng: random.Random, *, password_hash=None) -> None:
    """Fields, programmes, ``units`` training units with accreditations, and the accounts."""
    seed_fixed_rows()
    fields = seed_fields()
    seed_programmes(fields)
    create_old_programmes()
    create_units(units, rng)
    create_accounts(password_hash)


def make_session(name: str, dates: dict) -> Session:
    return Session.objects.get_or_create(name=name, defaults=dates)[0]


# ---- The whole data set -----------------------------------------------------------------------


@dataclass
class Summary:
    scale: float
    seconds: float
    counts: dict


def reset_database() -> None:
    """Empty every table (TRUNCATE on PostgreSQL) and load the rows migrations load."""
    call_command("flush", interactive=False, verbosity=0)
    seed_fixed_rows()


def database_has_other_data() -> bool:
    return scale_of_existing_data() is None and (
        Application.objects.exists() or Referral.objects.exists()
    )


def generate(scale: float, *, seed: int = 2026, log=None) -> Summary:
    """Write the national data set at ``scale`` into an empty database (see the module doc)."""
    log = log or (lambda message: None)
    started = time.perf_counter()
    plan = Plan(scale)
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    with transaction.atomic():
        prepare_reference_data(plan.units, rng)
        world = World(rng, events_per_referral=plan.events_per_referral)
        voivodeships = list(world.voivodeships.values())
        weights = [VOIVODESHIP_WEIGHTS.get(v.teryt, 0.8) for v in voivodeships]
        per_session = plan.applications / plan.sessions
        sessions = national_sessions(plan.sessions)
        log(
            f"Generating {plan.applications} applications in {plan.sessions} sessions × "
            f"{len(voivodeships)} voivodeships, {plan.units} units …"
        )
        for age, (name, dates) in reversed(list(enumerate(sessions))):
            session = make_session(name, dates)
            mix = STATUS_MIX[min(age, 2)]
            for voivodeship, weight in zip(voivodeships, weights, strict=True):
                n = max(4, round(per_session * weight / sum(weights)))
                world.write_procedure(session, voivodeship, n, status_mix=mix)
            log(f"  {name}: rows so far {sum(world.writer.counts.values())}")
        log("Writing the rows (COPY) …" if connection.vendor == "postgresql" else "Writing …")
        counts = world.finish()
        world.numbers.set(SCALE_MARKER, round(scale * 1_000_000))
        world.numbers.save()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # As autovacuum would leave a long-lived database: planner statistics, and the
        # visibility map that lets counts use index-only scans.
        log("VACUUM (ANALYZE) …")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    return Summary(scale=scale, seconds=time.perf_counter() - started, counts=counts)


def add_procedure(
    session: Session,
    voivodeship: Voivodeship,
    applications: int,
    *,
    stage: str = Stage.CLOSED,
    status_mix: dict | None = None,
    fields: list | None = None,
    seed: int = 1,
    qualified_share: float = QUALIFIED_SHARE,
) -> Procedure:
    """One more procedure into existing benchmark data (the measurements and the tests use it:
    a procedure to close, draft referrals to act on, more rows for a query-count check)."""
    with transaction.atomic():
        world = World(random.Random(seed))  # noqa: S311
        procedure = world.write_procedure(
            session,
            voivodeship,
            applications,
            stage=stage,
            status_mix=status_mix,
            fields=fields,
            qualified_share=qualified_share,
        )
        world.finish()
    return procedure
