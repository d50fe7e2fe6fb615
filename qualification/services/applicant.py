"""The applicant's side of the qualification procedure (WORS, seed 002; SPEC §3).

"Utwórz wniosek", editing a draft and "Zatwierdź", each one transaction. The rules of seed 002,
for one applicant (their account) and one session:

- one field and one voivodeship per session; two applications at most, one per mode
  (rezydentura and poza rezydenturą);
- a new application in a mode deactivates the previous application in that mode;
- a new application for another voivodeship makes every earlier application of that session
  inactive;
- a new application in another field does the same (our decision: the seed allows applications
  "tylko w jednej dziedzinie", and, as with the voivodeship, the newest application decides —
  the applicant is never blocked, and the confirmation page says beforehand what will become
  inactive and why).

So after every action an applicant's active applications (draft or approved) of one session
share one voivodeship and one field and differ in mode. Every write locks the applicant's
account row first (it exists even before their first application, so two tabs creating
applications at once queue up) and then their applications of the session.

Applications are created, changed and approved only in the session's application window and
while the voivodeship's procedure still accepts applications. A draft carries a working number
(``WR/<year>/…``); the application number proper (``WN/<year>/<TERYT>/…``) is given on approval,
as in WORS, so the office's numbering has no gaps left by abandoned drafts.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import InstitutionKind, Profile, ProfileRole, Role
from qualification.models import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    PreferredUnit,
    Procedure,
    Session,
    Stage,
)
from qualification.services.closing import application_number_prefix
from reference.models import Accreditation, Field, Mode, TrainingUnit, Voivodeship
from smk.audit import log_event, register_actions
from smk.models import Event
from smk.numbering import next_number

register_actions(
    {
        "application.created": gettext_lazy("Utworzono wniosek"),
        "application.updated": gettext_lazy("Zmieniono dane wniosku"),
        "application.approved": gettext_lazy("Zatwierdzono wniosek"),
        "application.deactivated": gettext_lazy("Wniosek stał się nieaktywny"),
        "application.attachment_added": gettext_lazy("Dodano załącznik do wniosku"),
        "application.attachment_removed": gettext_lazy("Usunięto załącznik wniosku"),
        "account.registered": gettext_lazy("Zarejestrowano konto wnioskodawcy"),
    }
)

REGISTERED = "account.registered"

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

#: The paper application reaches the office at most this many days after the window closes.
PAPER_DAYS = 3

#: At most this many files of one kind on one application.
MAX_ATTACHMENTS_PER_KIND = 3


class ApplicantError(Exception):
    """An applicant's action refused; the message is for them, in Polish."""


class ConsequencesChanged(ApplicantError):
    """The applications a new one would deactivate are not those the applicant confirmed."""


# --- numbers ---------------------------------------------------------------------------------


def draft_number_prefix(session: Session) -> str:
    """Working numbers of drafts ("WR/2026/00012"); the number proper comes on approval."""
    return f"WR/{session.year}"


def has_final_number(application: Application) -> bool:
    prefix = application_number_prefix(application.session, application.voivodeship)
    return application.number.startswith(f"{prefix}/")


# --- the application window --------------------------------------------------------------------


def sessions_accepting(day: datetime.date | None = None):
    """Sessions whose application window is open on ``day`` (today by default)."""
    day = day or timezone.localdate()
    return Session.objects.filter(applications_from__lte=day, applications_to__gte=day).order_by(
        "applications_to", "pk"
    )


def next_session(day: datetime.date | None = None) -> Session | None:
    """The session whose application window opens next after ``day``."""
    day = day or timezone.localdate()
    return Session.objects.filter(applications_from__gt=day).order_by("applications_from").first()


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "d.m.Y")


def window_refusal(session: Session, day: datetime.date | None = None) -> str:
    """Why applications of ``session`` cannot be created, changed or approved on ``day``."""
    day = day or timezone.localdate()
    if day < session.applications_from:
        return _(
            "Przyjmowanie wniosków w sesji „%(session)s” rozpocznie się %(day)s — wniosek "
            "można utworzyć od tego dnia."
        ) % {"session": session, "day": _date(session.applications_from)}
    if day > session.applications_to:
        return _(
            "Przyjmowanie wniosków w sesji „%(session)s” zakończyło się %(day)s — wniosku nie "
            "można już utworzyć, zmienić ani zatwierdzić."
        ) % {"session": session, "day": _date(session.applications_to)}
    return ""


def procedure_refusal(session: Session, voivodeship: Voivodeship) -> str:
    """Why the voivodeship's procedure of ``session`` no longer takes applications."""
    procedure = (
        Procedure.objects.filter(session=session, voivodeship=voivodeship).order_by("pk").first()
    )
    if procedure is not None and procedure.stage != Stage.APPLICATIONS:
        return _(
            "Postępowanie kwalifikacyjne w województwie %(voivodeship)s jest już na etapie "
            "„%(stage)s” — wniosków nie można składać ani zmieniać."
        ) % {"voivodeship": voivodeship, "stage": procedure.get_stage_display()}
    return ""


def paper_deadline(session: Session) -> datetime.date:
    """The printed, signed application reaches the office by this day (seed 002, etap II)."""
    return session.applications_to + datetime.timedelta(days=PAPER_DAYS)


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


def _lock_applicant(user, session_id: int) -> list[Application]:
    """Lock the applicant's account row, then their active applications of the session."""
    User = get_user_model()
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    return list(
        Application.objects.select_for_update(of=("self",))
        .filter(applicant=user, session_id=session_id, status__in=ACTIVE_STATUSES)
        .select_related("session", "voivodeship", "field", "mode")
        .order_by("created_at", "pk")
    )


def _deactivate(deactivation: Deactivation, *, replaced_by: str, user, profile) -> None:
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


def _text(value) -> str:
    return "" if value is None else str(value)


#: Applicant fields stored as NULL when empty (the others as "").
_NULLABLE = frozenset({"graduation_year", "study_result"})


def _value(data: Mapping, name: str):
    value = data.get(name)
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


def _validated(application: Application) -> None:
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


def _refuse_outside_window(session: Session, voivodeship, day) -> None:
    refusal = window_refusal(session, day) or procedure_refusal(session, voivodeship)
    if refusal:
        raise ApplicantError(refusal)


def stale_message() -> str:
    return _(
        "Wniosek został w międzyczasie zmieniony (np. w innej karcie przeglądarki) — odśwież "
        "stronę i spróbuj ponownie."
    )


def _locked_own_application(pk: int, user, active: list[Application]) -> Application:
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


# --- Utwórz wniosek ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    application: Application
    deactivated: list[Deactivation]


@transaction.atomic(durable=True)
def create_application(
    *,
    user,
    profile,
    session: Session,
    voivodeship: Voivodeship,
    field: Field,
    mode: Mode,
    data: Mapping,
    unit_ids: Iterable[int],
    expected_deactivations: Collection[int] | None = None,
    day: datetime.date | None = None,
) -> Created:
    """ "Utwórz wniosek": a draft application; earlier ones become inactive per seed 002.

    ``expected_deactivations`` are the ids the confirmation page listed: when the applications
    to deactivate are no longer exactly those, nothing happens and the applicant is asked to
    look again.
    """
    active = _lock_applicant(user, session.pk)
    _refuse_outside_window(session, voivodeship, day)
    units = checked_units(unit_ids, voivodeship, field, day)
    deactivations = deactivations_for(
        active, voivodeship_id=voivodeship.pk, field_id=field.pk, mode_id=mode.pk
    )
    if expected_deactivations is not None and {d.application.pk for d in deactivations} != set(
        expected_deactivations
    ):
        raise ConsequencesChanged(
            _(
                "Twoje wnioski w tej sesji zmieniły się w międzyczasie — sprawdź ponownie, "
                "które wnioski zostaną dezaktywowane, i potwierdź jeszcze raz."
            )
        )
    application = Application(
        number=next_number(draft_number_prefix(session)),
        session=session,
        voivodeship=voivodeship,
        field=field,
        mode=mode,
        applicant=user,
        status=ApplicationStatus.DRAFT,
        **{name: _value(data, name) for name in APPLICANT_FIELDS},
    )
    _validated(application)
    for deactivation in deactivations:
        _deactivate(deactivation, replaced_by=application.number, user=user, profile=profile)
    application.save()
    PreferredUnit.objects.bulk_create(
        PreferredUnit(application=application, unit=unit, position=position)
        for position, unit in enumerate(units, start=1)
    )
    log_event(
        application,
        "application.created",
        user=user,
        profile=profile,
        new_status=ApplicationStatus.DRAFT,
        data={
            "preferred_units": [unit.name for unit in units],
            "deactivated": [d.application.number for d in deactivations],
        },
    )
    return Created(application, deactivations)


# --- editing a draft ---------------------------------------------------------------------------


@transaction.atomic(durable=True)
def update_draft(
    pk: int,
    *,
    user,
    profile,
    data: Mapping,
    unit_ids: Iterable[int],
    version: int,
    day: datetime.date | None = None,
) -> Application:
    """Save the applicant's changes to their draft (its session, voivodeship, field and mode
    stay: another choice is a new application, with the rules of seed 002)."""
    session_id = (
        Application.objects.filter(pk=pk, applicant=user).values_list("session_id", flat=True)
    ).first()
    if session_id is None:
        raise ApplicantError(_("Nie znaleziono wniosku."))
    application = _locked_own_application(pk, user, _lock_applicant(user, session_id))
    refusal = edit_refusal(application, day)
    if refusal:
        raise ApplicantError(refusal)
    if version is None or int(version) != application.version:
        raise ApplicantError(stale_message())
    units = checked_units(unit_ids, application.voivodeship, application.field, day)
    changes = {}
    for name in APPLICANT_FIELDS:
        new = _value(data, name)
        if _text(getattr(application, name)) != _text(new):
            changes[name] = [_text(getattr(application, name)), _text(new)]
        setattr(application, name, new)
    _validated(application)
    old_units = list(
        application.preferred_units.order_by("position").values_list("unit_id", flat=True)
    )
    if old_units != [unit.pk for unit in units]:
        names = dict(TrainingUnit.objects.filter(pk__in=old_units).values_list("pk", "name"))
        changes["preferred_units"] = [
            ", ".join(names[pk] for pk in old_units),
            ", ".join(unit.name for unit in units),
        ]
        application.preferred_units.all().delete()
        PreferredUnit.objects.bulk_create(
            PreferredUnit(application=application, unit=unit, position=position)
            for position, unit in enumerate(units, start=1)
        )
    application.version += 1
    application.save(update_fields=[*APPLICANT_FIELDS, "version"])
    log_event(application, "application.updated", user=user, profile=profile, data=changes)
    return application


# --- Zatwierdź ---------------------------------------------------------------------------------


def approval_obstacles(application: Application, day: datetime.date | None = None) -> list[str]:
    """Why the draft cannot be approved now (empty when it can)."""
    refusal = edit_refusal(application, day)
    if refusal:
        return [refusal]
    problems = []
    missing = missing_data(application)
    if missing:
        problems.append(_("Uzupełnij dane wniosku: %(fields)s.") % {"fields": ", ".join(missing)})
    unit_ids = list(
        application.preferred_units.order_by("position").values_list("unit_id", flat=True)
    )
    try:
        checked_units(unit_ids, application.voivodeship, application.field, day)
    except ApplicantError as error:
        problems.append(str(error))
    return problems


@transaction.atomic(durable=True)
def approve_application(
    pk: int, *, user, profile, version: int, day: datetime.date | None = None
) -> Application:
    """ "Zatwierdź": the draft is locked for good, gets its number and the office sees it."""
    session_id = (
        Application.objects.filter(pk=pk, applicant=user).values_list("session_id", flat=True)
    ).first()
    if session_id is None:
        raise ApplicantError(_("Nie znaleziono wniosku."))
    active = _lock_applicant(user, session_id)
    application = _locked_own_application(pk, user, active)
    problems = approval_obstacles(application, day)
    if problems:
        raise ApplicantError(" ".join(problems))
    if version is None or int(version) != application.version:
        raise ApplicantError(stale_message())
    others = [a for a in active if a.pk != application.pk]
    if deactivations_for(
        others,
        voivodeship_id=application.voivodeship_id,
        field_id=application.field_id,
        mode_id=application.mode_id,
    ):
        # Cannot happen through the services (a new application deactivates what it
        # conflicts with); refused rather than leaving two conflicting applications active.
        raise ApplicantError(
            _(
                "W tej sesji masz inny aktywny wniosek, z którym ten wniosek się wyklucza — "
                "utwórz wniosek ponownie."
            )
        )
    draft_number = application.number
    if not has_final_number(application):
        application.number = next_number(
            application_number_prefix(application.session, application.voivodeship)
        )
    application.status = ApplicationStatus.APPROVED
    application.approved_at = timezone.now()
    application.version += 1
    application.save(update_fields=["number", "status", "approved_at", "version"])
    log_event(
        application,
        "application.approved",
        user=user,
        profile=profile,
        old_status=ApplicationStatus.DRAFT,
        new_status=ApplicationStatus.APPROVED,
        data={"number": [draft_number, application.number]}
        if draft_number != application.number
        else {},
    )
    return application


# --- attachments ----------------------------------------------------------------------------


def _locked_draft_for_attachments(pk: int, user, day) -> Application:
    session_id = (
        Application.objects.filter(pk=pk, applicant=user).values_list("session_id", flat=True)
    ).first()
    if session_id is None:
        raise ApplicantError(_("Nie znaleziono wniosku."))
    application = _locked_own_application(pk, user, _lock_applicant(user, session_id))
    refusal = edit_refusal(application, day)
    if refusal:
        raise ApplicantError(refusal)
    return application


def add_attachment(
    pk: int, *, user, profile, kind: str, upload, content_type: str, day=None
) -> ApplicationAttachment:
    """Attach a document the form has checked (``smk.uploads.validate_document``) to the
    applicant's draft; refused once the draft is approved or the window closed."""
    attachment = None
    try:
        with transaction.atomic(durable=True):
            application = _locked_draft_for_attachments(pk, user, day)
            if application.attachments.filter(kind=kind).count() >= MAX_ATTACHMENTS_PER_KIND:
                raise ApplicantError(
                    _("Można dodać najwyżej %(n)d pliki tego rodzaju.")
                    % {"n": MAX_ATTACHMENTS_PER_KIND}
                )
            attachment = ApplicationAttachment(
                application=application,
                kind=kind,
                original_name=(upload.name or "zalacznik")[-255:],
                size=upload.size,
                content_type=content_type,
                uploaded_by=user,
            )
            upload.seek(0)
            attachment.file.save(upload.name or "zalacznik", upload, save=False)
            attachment.full_clean(exclude=["file", "application", "uploaded_by"])
            attachment.save()
            log_event(
                application,
                "application.attachment_added",
                user=user,
                profile=profile,
                data={"kind": attachment.get_kind_display(), "file": attachment.original_name},
            )
    except BaseException:
        # A rolled-back transaction must not leave the file behind.
        if attachment is not None and attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic(durable=True)
def remove_attachment(attachment_pk: int, *, user, profile, day=None) -> Application:
    """Remove a file from the applicant's draft (the stored file goes after commit)."""
    attachment = (
        ApplicationAttachment.objects.filter(pk=attachment_pk, application__applicant=user)
        .only("pk", "application_id")
        .first()
    )
    if attachment is None:
        raise ApplicantError(_("Nie znaleziono załącznika."))
    application = _locked_draft_for_attachments(attachment.application_id, user, day)
    attachment = ApplicationAttachment.objects.select_for_update().get(pk=attachment_pk)
    stored, name, kind = (
        attachment.file.name,
        attachment.original_name,
        attachment.get_kind_display(),
    )
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))
    log_event(
        application,
        "application.attachment_removed",
        user=user,
        profile=profile,
        data={"kind": kind, "file": name},
    )
    return application


# --- registration and prefilled data ------------------------------------------------------


def applicant_defaults(user) -> dict:
    """The data a new application starts with: from the applicant's latest application, else
    from the account (name, e-mail, phone and the PESEL given at registration)."""
    latest = Application.objects.filter(applicant=user).order_by("-created_at", "-pk").first()
    if latest is not None:
        return {name: getattr(latest, name) for name in APPLICANT_FIELDS}
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": getattr(user, "phone", ""),
        "pesel": registered_pesel(user),
    }


def register_applicant(user, *, pesel: str) -> Profile:
    """Give a newly registered account ("Rejestracja — jestem nowym użytkownikiem") its
    personal profile with the Diagnosta role; the PESEL given is kept in its history."""
    profile, _created = Profile.objects.get_or_create(user=user, kind=InstitutionKind.PERSONAL)
    ProfileRole.objects.get_or_create(profile=profile, role=Role.APPLICANT)
    log_event(user, REGISTERED, user=user, profile=profile, data={"pesel": pesel})
    return profile


def registered_pesel(user) -> str:
    """The PESEL the person gave when registering ("" for accounts made otherwise)."""
    data = (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(user, for_concrete_model=False),
            target_id=user.pk,
            action=REGISTERED,
        )
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    return (data or {}).get("pesel", "")
