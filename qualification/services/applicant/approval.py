""" "Zatwierdź": the draft gets its number proper and the office sees it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qualification.models import Application, ApplicationStatus
from qualification.services.applicant.rules import (
    ApplicantError,
    active_applications,
    checked_units,
    deactivations_for,
    edit_refusal,
    lock_applicant,
    locked_own_application,
    missing_data,
    stale_message,
)
from qualification.services.applicant.statements import statement_obstacles
from qualification.services.closing import application_number_prefix
from smk.audit import log_event, register_actions
from smk.numbering import next_number

register_actions({"application.approved": gettext_lazy("Zatwierdzono wniosek")})


def has_final_number(application: Application) -> bool:
    prefix = application_number_prefix(application.session, application.voivodeship)
    return application.number.startswith(f"{prefix}/")


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
    if application.applicant_id is not None:
        active = active_applications(application.applicant, application.session)
        problems += statement_obstacles(application, active)
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
    active = lock_applicant(user, session_id)
    application = locked_own_application(pk, user, active)
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
