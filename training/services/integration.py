"""aktywujMus: the activation of the unit's integration."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reference.models import Accreditation
from training.models import (
    Integration,
    ScheduledStart,
    UnitContact,
)
from training.services.rows import (
    TrainingError,
    lock_unit,
    log_training_event,
)


@dataclass(frozen=True)
class IntegrationStatus:
    activated_at: datetime.datetime | None
    activated_by: str
    #: What activation still waits for (empty: it can be activated).
    missing: tuple[str, ...]

    @property
    def is_active(self) -> bool:
        return self.activated_at is not None


def integration_status(unit_id: int) -> IntegrationStatus:
    integration = Integration.objects.filter(unit_id=unit_id).first()
    missing = []
    if not UnitContact.objects.filter(unit_id=unit_id).exists():
        missing.append(_("dane jednostki (osoba do kontaktu, telefon, e-mail)"))
    accredited = Accreditation.objects.active().filter(unit_id=unit_id).values("field_id")
    if not ScheduledStart.objects.filter(
        unit_id=unit_id, starts_on__gte=timezone.localdate(), field_id__in=accredited
    ).exists():
        missing.append(_("harmonogram rozpoczęć z co najmniej jednym terminem od dziś"))
    return IntegrationStatus(
        activated_at=integration.activated_at if integration else None,
        activated_by=integration.activated_by if integration else "",
        missing=tuple(str(m) for m in missing),
    )


def inactive_reason(status: IntegrationStatus) -> str:
    """Why the unit's integration is not active, as its system is told."""
    if status.missing:
        return _(
            "Integracja jednostki nie jest aktywna. Do aktywacji brakuje: %(missing)s; potem "
            "aktywuj integrację."
        ) % {"missing": "; ".join(status.missing)}
    return _("Integracja jednostki nie jest aktywna — aktywuj integrację.")


@transaction.atomic(durable=True)
def activate(unit_id: int, *, user, profile) -> Integration:
    """ "Aktywuj integrację": once the unit's data and schedule are in. Activating an active
    integration changes nothing."""
    unit = lock_unit(unit_id)
    integration, _created = Integration.objects.get_or_create(unit=unit)
    if integration.is_active:
        return integration
    status = integration_status(unit_id)
    if status.missing:
        raise TrainingError(
            _("Integracji nie można jeszcze aktywować. Brakuje: %(missing)s.")
            % {"missing": "; ".join(status.missing)}
        )
    event = log_training_event(
        unit, "training.integration_activated", user=user, profile=profile, data={}
    )
    integration.activated_at = event.created_at
    integration.activated_by = event.acting_as[:300]
    integration.save(update_fields=["activated_at", "activated_by"])
    return integration
