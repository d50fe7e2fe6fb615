"""The rules of seed 002 for one applicant and one session (the package's docstring), the
locks every write takes and the checks they share."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import Application, ApplicationStatus, Session
from qualification.services.applicant.window import procedure_refusal, window_refusal
from reference.models import Accreditation, TrainingUnit
from smk.audit import log_event, register_actions

register_actions({"application.deactivated": gettext_lazy("Wniosek stał się nieaktywny")})

#: The applicant's data on the application, in the order of the form and the print.
APPLICANT_FIELDS = (
    "first_name",
    "last_name",
    "pesel",
    "licence_number",
    "email",
    "phone",
    "address",
    "university",
    "graduation_year",
    "study_result",
)

#: At most this many preferred training units, in the applicant's order.
MAX_PREFERRED_UNITS = 3

#: An application counts for the rules of seed 002 while it is a draft or approved.
ACTIVE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.APPROVED)


class ApplicantError(Exception):
    """An applicant's action refused; the message is for them, in Polish."""


class ConsequencesChanged(ApplicantError):
    """The applications a new one would deactivate are not those the applicant confirmed."""


# --- preferred units ---------------------------------------------------------------------------


def accredited_units(voivodeship, field, day: datetime.date | None = None):
    """Training units of the voivodeship with an active accreditation in the field."""
    accredited = Accreditation.objects.active(day).filter(
        field=field, unit__voivodeship=voivodeship
    )
    return TrainingUnit.objects.filter(pk__in=accredited.values("unit_id")).order_by("name", "pk")


def no_units_message(voivodeship, field) -> str:
    return _(
        "W województwie %(voivodeship)s żadna jednostka szkoleniowa nie ma aktywnej akredytacji "
        "w dziedzinie „%(field)s” — wybierz inną dziedzinę lub inne województwo."
    ) % {"voivodeship": voivodeship, "field": field}


def checked_units(
    unit_ids: Iterable[int], voivodeship, field, day: datetime.date | None = None
) -> list[TrainingUnit]:
    """The preferred units in the applicant's order, or ApplicantError saying what is wrong."""
    unit_ids = [int(pk) for pk in unit_ids]
    if not unit_ids:
        raise ApplicantError(_("Wskaż co najmniej jedną preferowaną jednostkę szkoleniową."))
    if len(unit_ids) > MAX_PREFERRED_UNITS:
        raise ApplicantError(
            _("Można wskazać najwyżej %(n)d preferowane jednostki szkoleniowe.")
            % {"n": MAX_PREFERRED_UNITS}
        )
    if len(set(unit_ids)) != len(unit_ids):
        raise ApplicantError(_("Każdą jednostkę szkoleniową można wskazać tylko raz."))
    allowed = {unit.pk: unit for unit in accredited_units(voivodeship, field, day)}
    for pk in unit_ids:
        if pk not in allowed:
            unit = TrainingUnit.objects.filter(pk=pk).first()
            raise ApplicantError(
                _(
                    "Jednostka „%(unit)s” nie ma aktywnej akredytacji w dziedzinie „%(field)s” "
                    "w województwie %(voivodeship)s — wybierz jednostkę z listy."
                )
                % {
                    "unit": unit or _("nieznana jednostka"),
                    "field": field,
                    "voivodeship": voivodeship,
                }
            )
    return [allowed[pk] for pk in unit_ids]


# --- the rules of seed 002 ---------------------------------------------------------------------


class DeactivationReason(models.TextChoices):
    SAME_MODE = (
        "tryb",
        gettext_lazy(
            "w danym trybie może być aktywny tylko jeden wniosek w sesji — nowy wniosek "
            "w tym trybie zastępuje poprzedni"
        ),
    )
    OTHER_VOIVODESHIP = (
        "wojewodztwo",
        gettext_lazy(
            "nowy wniosek dotyczy innego województwa — wniosek można złożyć tylko w jednym "
            "województwie, więc wszystkie wcześniejsze wnioski tej sesji stają się nieaktywne"
        ),
    )
    OTHER_FIELD = (
        "dziedzina",
        gettext_lazy(
            "nowy wniosek dotyczy innej dziedziny — wnioski można złożyć tylko w jednej "
            "dziedzinie, więc wszystkie wcześniejsze wnioski tej sesji stają się nieaktywne"
        ),
    )


@dataclass(frozen=True)
class Deactivation:
    """An earlier application a new one makes inactive, and why."""

    application: Application
    reason: DeactivationReason

    @property
    def message(self) -> str:
        return _(
            "Wniosek %(number)s (%(field)s, tryb %(mode)s, województwo %(voivodeship)s, "
            "%(status)s) zostanie dezaktywowany, ponieważ %(reason)s."
        ) % {
            "number": self.application.number,
            "field": self.application.field,
            "mode": self.application.mode,
            "voivodeship": self.application.voivodeship,
            "status": self.application.get_status_display(),
            "reason": self.reason.label,
        }


def deactivations_for(
    active: Iterable[Application], *, voivodeship_id: int, field_id: int, mode_id: int
) -> list[Deactivation]:
    """Which of the applicant's active applications of a session a new application with these
    voivodeship, field and mode makes inactive (seed 002), oldest first."""
    result = []
    for application in sorted(active, key=lambda a: (a.created_at, a.pk)):
        if application.voivodeship_id != voivodeship_id:
            reason = DeactivationReason.OTHER_VOIVODESHIP
        elif application.field_id != field_id:
            reason = DeactivationReason.OTHER_FIELD
        elif application.mode_id == mode_id:
            reason = DeactivationReason.SAME_MODE
        else:
            continue  # the other mode in the same field and voivodeship: both stay
        result.append(Deactivation(application, reason))
    return result


def active_applications(user, session):
    return Application.objects.filter(
        applicant=user, session=session, status__in=ACTIVE_STATUSES
    ).select_related("session", "voivodeship", "field", "mode")


def planned_deactivations(user, session, voivodeship, field, mode) -> list[Deactivation]:
    """What creating this application would deactivate now (the confirmation page shows it;
    the service decides again under its locks)."""
    return deactivations_for(
        active_applications(user, session),
        voivodeship_id=voivodeship.pk,
        field_id=field.pk,
        mode_id=mode.pk,
    )


def lock_applicant(user, session_id: int) -> list[Application]:
    """Lock the applicant's account row, then their active applications of the session."""
    User = get_user_model()
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    return list(
        Application.objects.select_for_update(of=("self",))
        .filter(applicant=user, session_id=session_id, status__in=ACTIVE_STATUSES)
        .select_related("session", "voivodeship", "field", "mode")
        .order_by("created_at", "pk")
    )


def deactivate(deactivation: Deactivation, *, replaced_by: str, user, profile) -> None:
    application = deactivation.application
    old_status = application.status
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.INACTIVE, version=models.F("version") + 1
    )
    log_event(
        application,
        "application.deactivated",
        user=user,
        profile=profile,
        old_status=old_status,
        new_status=ApplicationStatus.INACTIVE,
        data={
            "reason": deactivation.reason.value,
            "reason_text": str(deactivation.reason.label),
            "replaced_by": replaced_by,
        },
    )


# --- checks shared by the writes ---------------------------------------------------------------


#: Applicant fields stored as NULL when empty (the others as "").
_NULLABLE = frozenset({"graduation_year", "study_result", "preferred_mode"})


#: Statements stored as True or False (missing: False).
_BOOLEAN = frozenset({"limited_licence"})


def stored_value(data: Mapping, name: str):
    value = data.get(name)
    if name in _BOOLEAN:
        return bool(value)
    if value in (None, ""):
        return None if name in _NULLABLE else ""
    return value.strip() if isinstance(value, str) else value


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{Application._meta.get_field(name).verbose_name.capitalize()}: {message}"
            if name != "__all__"
            else message
            for name, messages in error.message_dict.items()
            for message in messages
        )
    return " ".join(error.messages)


def validate_application(application: Application) -> None:
    try:
        application.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ApplicantError(_validation_message(error)) from None


def missing_data(application: Application) -> list[str]:
    """Labels of the applicant's data still empty (all are needed for approval)."""
    return [
        str(Application._meta.get_field(name).verbose_name)
        for name in APPLICANT_FIELDS
        if getattr(application, name) in (None, "")
    ]


def refuse_outside_window(session: Session, voivodeship, day) -> None:
    refusal = window_refusal(session, day) or procedure_refusal(session, voivodeship)
    if refusal:
        raise ApplicantError(refusal)


def stale_message() -> str:
    return _(
        "Wniosek został w międzyczasie zmieniony (np. w innej karcie przeglądarki) — odśwież "
        "stronę i spróbuj ponownie."
    )


def locked_own_application(pk: int, user, active: list[Application]) -> Application:
    for application in active:
        if application.pk == pk:
            return application
    application = (
        Application.objects.filter(pk=pk, applicant=user)
        .select_related("session", "voivodeship")
        .first()
    )
    if application is None:
        raise ApplicantError(_("Nie znaleziono wniosku."))
    return application


def edit_refusal(application: Application, day: datetime.date | None = None) -> str:
    """Why the applicant cannot change or approve this application now ("" when they can)."""
    if application.status == ApplicationStatus.APPROVED:
        return _(
            "Wniosek %(number)s został zatwierdzony — zatwierdzonego wniosku nie można już "
            "modyfikować."
        ) % {"number": application.number}
    if application.status == ApplicationStatus.INACTIVE:
        return _(
            "Wniosek %(number)s jest nieaktywny — nie można go zmienić ani zatwierdzić. "
            "Utwórz nowy wniosek."
        ) % {"number": application.number}
    return window_refusal(application.session, day) or procedure_refusal(
        application.session, application.voivodeship
    )


def locked_editable_draft(pk: int, user, day) -> Application:
    """The applicant's application ``pk``, locked as every write locks, or ApplicantError when
    it is not theirs or cannot be changed now (:func:`edit_refusal`)."""
    session_id = (
        Application.objects.filter(pk=pk, applicant=user).values_list("session_id", flat=True)
    ).first()
    if session_id is None:
        raise ApplicantError(_("Nie znaleziono wniosku."))
    application = locked_own_application(pk, user, lock_applicant(user, session_id))
    refusal = edit_refusal(application, day)
    if refusal:
        raise ApplicantError(refusal)
    return application
