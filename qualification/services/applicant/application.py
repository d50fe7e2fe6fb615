""" "Utwórz wniosek" and editing a draft, each one transaction."""

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import Application, ApplicationStatus, PreferredUnit, Session
from qualification.services.applicant.rules import (
    APPLICANT_FIELDS,
    ApplicantError,
    ConsequencesChanged,
    Deactivation,
    checked_units,
    deactivate,
    deactivations_for,
    lock_applicant,
    locked_editable_draft,
    refuse_outside_window,
    stale_message,
    stored_value,
    validate_application,
)
from qualification.services.applicant.statements import (
    REFUSE,
    STATEMENT_FIELDS,
    earlier_residency,
    second_residency_message,
    second_residency_rule,
    second_residency_warning,
)
from reference.models import Field, Mode, TrainingUnit, Voivodeship
from smk.audit import log_event, register_actions
from smk.numbering import next_number

register_actions(
    {
        "application.created": gettext_lazy("Utworzono wniosek"),
        "application.updated": gettext_lazy("Zmieniono dane wniosku"),
    }
)


def draft_number_prefix(session: Session) -> str:
    """Working numbers of drafts ("WR/2026/00012"); the number proper comes on approval."""
    return f"WR/{session.year}"


def _text(value) -> str:
    if isinstance(value, bool):
        return _("tak") if value else _("nie")
    return "" if value is None else str(value)


# --- Utwórz wniosek ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Created:
    application: Application
    deactivated: list[Deactivation]
    #: What the applicant is warned of (a second residency when the rule only warns).
    warning: str = ""


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
    active = lock_applicant(user, session.pk)
    refuse_outside_window(session, voivodeship, day)
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
        **{name: stored_value(data, name) for name in (*APPLICANT_FIELDS, *STATEMENT_FIELDS)},
    )
    validate_application(application)
    warning = ""
    earlier = earlier_residency(user=user, pesel=application.pesel, session=session, mode=mode)
    if earlier is not None:
        if second_residency_rule() == REFUSE:
            raise ApplicantError(second_residency_message(earlier))
        application.repeat_residency = True
        warning = second_residency_warning(earlier)
    for deactivation in deactivations:
        deactivate(deactivation, replaced_by=application.number, user=user, profile=profile)
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
            **({"repeat_residency_of": earlier.number} if warning else {}),
        },
    )
    return Created(application, deactivations, warning)


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
    application = locked_editable_draft(pk, user, day)
    if version is None or int(version) != application.version:
        raise ApplicantError(stale_message())
    units = checked_units(unit_ids, application.voivodeship, application.field, day)
    changes = {}
    for name in (*APPLICANT_FIELDS, *STATEMENT_FIELDS):
        new = stored_value(data, name)
        if _text(getattr(application, name)) != _text(new):
            changes[name] = [_text(getattr(application, name)), _text(new)]
        setattr(application, name, new)
    validate_application(application)
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
    application.save(update_fields=[*APPLICANT_FIELDS, *STATEMENT_FIELDS, "version"])
    log_event(application, "application.updated", user=user, profile=profile, data=changes)
    return application
