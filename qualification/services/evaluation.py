"""Formal evaluation and points of applications (SPEC §3): one transaction per action.

Every write locks the procedure row first and then the application row(s), the same order
``close_procedure`` uses, so nothing is evaluated or scored while the procedure moves on to
another stage or is being closed.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import (
    Application,
    ApplicationStatus,
    FormalEvaluation,
    Procedure,
    Stage,
    employment_points,
)
from qualification.services.closing import applications_of
from smk.audit import log_event, log_events_bulk, register_actions

register_actions(
    {
        "application.evaluated": gettext_lazy("Wprowadzono ocenę formalną"),
        "application.points_entered": gettext_lazy("Wprowadzono punktację"),
        "application.points_imported": gettext_lazy("Zaimportowano punktację z pliku CSV"),
    }
)

#: Stages in which the office may enter points (evaluation only in FORMAL_EVALUATION).
POINTS_STAGES = (Stage.FORMAL_EVALUATION, Stage.COMPETITION)

#: The points components the clerk enters (the rest is computed from them).
POINTS_INPUT_FIELDS = (
    "employment_years",
    "points_publications",
    "points_courses",
    "points_other",
)

#: The stored points fields, in the order they are shown and logged.
POINTS_FIELDS = (
    "employment_years",
    "points_employment",
    "points_publications",
    "points_courses",
    "points_other",
    "points",
)

CENT = Decimal("0.01")


class EvaluationError(Exception):
    """An evaluation or points entry refused; the message is for the clerk, in Polish."""


class PointsImportError(EvaluationError):
    """A points file refused as a whole; ``errors`` lists every problem ("Wiersz N: …")."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        super().__init__(" ".join(self.errors))


def stale_message() -> str:
    return _("Wniosek został zmieniony przez innego użytkownika — odśwież i spróbuj ponownie.")


def procedure_for(application: Application) -> Procedure | None:
    """The procedure of the application's session and voivodeship (None if not opened)."""
    return (
        Procedure.objects.filter(
            session_id=application.session_id, voivodeship_id=application.voivodeship_id
        )
        .order_by("pk")
        .first()
    )


def _no_procedure() -> str:
    return _("Dla sesji i województwa tego wniosku nie otwarto postępowania kwalifikacyjnego.")


def evaluation_refusal(procedure: Procedure | None) -> str:
    """Why the procedure's applications cannot be formally evaluated now ("" when they can)."""
    if procedure is None:
        return _no_procedure()
    if procedure.stage != Stage.FORMAL_EVALUATION:
        return _(
            "Ocenę formalną można wprowadzić tylko na etapie „ocena formalna”; to postępowanie "
            "jest na etapie „%(stage)s”."
        ) % {"stage": procedure.get_stage_display()}
    return ""


def points_stage_refusal(procedure: Procedure | None) -> str:
    """Why no points can be entered in the procedure now ("" when they can)."""
    if procedure is None:
        return _no_procedure()
    if procedure.stage not in POINTS_STAGES:
        return _(
            "Punktację można wprowadzić tylko na etapie „ocena formalna” lub „postępowanie "
            "konkursowe”; to postępowanie jest na etapie „%(stage)s”."
        ) % {"stage": procedure.get_stage_display()}
    return ""


def points_refusal(application: Application, procedure: Procedure | None) -> str:
    """Why no points can be entered for this application now ("" when they can)."""
    refusal = points_stage_refusal(procedure)
    if refusal:
        return refusal
    if not application.is_formally_positive:
        return _("Punktację wprowadza się tylko we wnioskach ocenionych formalnie pozytywnie.")
    return ""


def points_values(
    *,
    employment_years: int,
    points_publications: Decimal,
    points_courses: Decimal,
    points_other: Decimal,
) -> dict:
    """Every stored points field from the components the clerk enters; total = their sum."""
    if employment_years is None or employment_years < 0:
        raise EvaluationError(_("Staż pracy nie może być ujemny."))
    components = [points_publications, points_courses, points_other]
    if any(value is None or value < 0 for value in components):
        raise EvaluationError(_("Liczba punktów nie może być ujemna."))
    publications, courses, other = (Decimal(value).quantize(CENT) for value in components)
    employment = employment_points(employment_years)
    return {
        "employment_years": employment_years,
        "points_employment": employment,
        "points_publications": publications,
        "points_courses": courses,
        "points_other": other,
        "points": (Decimal(employment) + publications + courses + other).quantize(CENT),
    }


def _text(value) -> str:
    return "" if value is None else str(value)


def _changes(application: Application, values: Mapping) -> dict:
    """``{field: [old, new]}`` for the fields whose value changes (history event data)."""
    return {
        name: [_text(getattr(application, name)), _text(value)]
        for name, value in values.items()
        if _text(getattr(application, name)) != _text(value)
    }


def _lock(application_id: int) -> tuple[Application, Procedure | None]:
    keys = Application.objects.filter(pk=application_id).values("session_id", "voivodeship_id")
    try:
        keys = keys.get()
    except Application.DoesNotExist:
        raise EvaluationError(_("Nie znaleziono wniosku.")) from None
    procedure = (
        Procedure.objects.select_for_update()
        .filter(session_id=keys["session_id"], voivodeship_id=keys["voivodeship_id"])
        .order_by("pk")
        .first()
    )
    application = Application.objects.select_for_update().get(pk=application_id)
    if application.status != ApplicationStatus.APPROVED:
        raise EvaluationError(_("Urząd ocenia tylko wnioski zatwierdzone przez wnioskodawcę."))
    return application, procedure


def _check_version(application: Application, version) -> None:
    if version is None or int(version) != application.version:
        raise EvaluationError(stale_message())


@transaction.atomic(durable=True)
def evaluate_application(
    application_id: int, *, evaluation: str, reason: str, version: int, user, profile
) -> Application:
    """ "Ocena formalna": pozytywna, or negatywna with a reason."""
    application, procedure = _lock(application_id)
    refusal = evaluation_refusal(procedure)
    if refusal:
        raise EvaluationError(refusal)
    _check_version(application, version)
    if evaluation not in FormalEvaluation.values:
        raise EvaluationError(_("Wybierz ocenę formalną: pozytywna albo negatywna."))
    reason = (reason or "").strip()
    if evaluation == FormalEvaluation.NEGATIVE and not reason:
        raise EvaluationError(_("Negatywna ocena formalna wymaga uzasadnienia."))
    values = {"formal_evaluation": evaluation, "formal_reason": reason}
    changes = _changes(application, values)
    for name, value in values.items():
        setattr(application, name, value)
    application.evaluated_at = timezone.now()
    application.evaluated_by = user if user is not None and user.is_authenticated else None
    application.version += 1
    application.save(update_fields=[*values, "evaluated_at", "evaluated_by", "version"])
    log_event(application, "application.evaluated", user=user, profile=profile, data=changes)
    return application


@transaction.atomic(durable=True)
def enter_points(
    application_id: int,
    *,
    employment_years: int,
    points_publications: Decimal,
    points_courses: Decimal,
    points_other: Decimal,
    version: int,
    user,
    profile,
) -> Application:
    """ "Punktacja" of one application: the components and their sum."""
    application, procedure = _lock(application_id)
    refusal = points_refusal(application, procedure)
    if refusal:
        raise EvaluationError(refusal)
    _check_version(application, version)
    values = points_values(
        employment_years=employment_years,
        points_publications=points_publications,
        points_courses=points_courses,
        points_other=points_other,
    )
    changes = _changes(application, values)
    for name, value in values.items():
        setattr(application, name, value)
    application.version += 1
    application.save(update_fields=[*values, "version"])
    log_event(application, "application.points_entered", user=user, profile=profile, data=changes)
    return application


@dataclass(frozen=True)
class PointsRow:
    """One parsed row of a points file; ``line`` is its row number in the spreadsheet."""

    line: int
    number: str
    employment_years: int
    points_publications: Decimal
    points_courses: Decimal
    points_other: Decimal

    def values(self) -> dict:
        return points_values(
            employment_years=self.employment_years,
            points_publications=self.points_publications,
            points_courses=self.points_courses,
            points_other=self.points_other,
        )


def by_line(problem: tuple[int, str]) -> int:
    """Sort key: problems by row number, those of one row in the order they were found."""
    return problem[0]


def row_error(line: int, message: str) -> tuple[int, str]:
    return line, _("Wiersz %(line)d: %(message)s") % {"line": line, "message": message}


def points_import_problems(
    procedure: Procedure,
    rows: Iterable[PointsRow],
    applications: Mapping[str, Application] | None = None,
) -> list[tuple[int, str]]:
    """What is wrong with these rows for this procedure, as (row number, message) pairs.

    A number that is not among the procedure's applications gets the same message whether it
    does not exist or belongs to another voivodeship, so nothing leaks that it exists.
    """
    rows = list(rows)
    problems = []
    refusal = points_stage_refusal(procedure)
    if refusal:
        problems.append((0, refusal))
    if applications is None:
        applications = _applications_by_number(procedure, rows)
    first_seen: dict[str, int] = {}
    for row in rows:
        if row.number in first_seen:
            problems.append(
                row_error(
                    row.line,
                    _("numer wniosku %(number)s powtarza się (pierwszy raz w wierszu %(first)d).")
                    % {"number": row.number, "first": first_seen[row.number]},
                )
            )
            continue
        first_seen[row.number] = row.line
        application = applications.get(row.number)
        if application is None:
            problems.append(
                row_error(
                    row.line,
                    _("w tym postępowaniu nie ma wniosku o numerze %(number)s.")
                    % {"number": row.number},
                )
            )
        elif not application.is_formally_positive:
            problems.append(
                row_error(
                    row.line,
                    _(
                        "wniosek %(number)s nie ma pozytywnej oceny formalnej — punktację "
                        "wprowadza się tylko we wnioskach ocenionych pozytywnie."
                    )
                    % {"number": row.number},
                )
            )
    return problems


def _applications_by_number(procedure: Procedure, rows: Sequence[PointsRow], *, lock=False):
    queryset = applications_of(procedure).filter(number__in={row.number for row in rows})
    if lock:
        queryset = queryset.select_for_update()
    return {application.number: application for application in queryset}


@transaction.atomic(durable=True)
def import_points(procedure_id: int, rows: Sequence[PointsRow], *, user, profile) -> int:
    """Points of many applications from a file: all rows or none.

    Every row is checked under the locks; any problem refuses the whole file. Returns the
    number of applications updated (one history event each).
    """
    procedure = Procedure.objects.select_for_update().get(pk=procedure_id)
    if not rows:
        raise PointsImportError([_("Plik nie zawiera żadnego wiersza z punktacją.")])
    applications = _applications_by_number(procedure, rows, lock=True)
    problems = points_import_problems(procedure, rows, applications)
    if problems:
        raise PointsImportError([message for _line, message in sorted(problems, key=by_line)])
    changed = []
    events = []
    for row in rows:
        application = applications[row.number]
        values = row.values()
        changes = _changes(application, values)
        for name, value in values.items():
            setattr(application, name, value)
        application.version += 1
        changed.append(application)
        events.append((application.pk, "", "", changes))
    Application.objects.bulk_update(changed, [*POINTS_FIELDS, "version"], batch_size=500)
    log_events_bulk(
        Application, events, action="application.points_imported", user=user, profile=profile
    )
    return len(changed)
