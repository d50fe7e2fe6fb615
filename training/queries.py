"""What other apps read of the units' own data: where to e-mail a unit, its next start, the
places units declared, whether a unit's integration is active."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Sum

from reference.models import Accreditation
from training.models import Integration, OfferedPlaces, ScheduledStart, UnitContact


def notification_addresses(unit_id: int) -> list[str]:
    """The addresses the unit gave for its notifications (empty: none given)."""
    addresses = (
        UnitContact.objects.filter(unit_id=unit_id)
        .values_list("notification_emails", flat=True)
        .first()
    )
    return list(addresses or [])


def start_days(unit_id: int, field_id: int) -> list[datetime.date]:
    """Every day on which the unit's schedule starts training in ``field_id``, earliest first."""
    return list(
        ScheduledStart.objects.filter(unit_id=unit_id, field_id=field_id)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
    )


def is_integration_active(unit_id: int) -> bool:
    return Integration.objects.active().filter(unit_id=unit_id).exists()


@dataclass(frozen=True)
class Declared:
    places: int
    units: int
    updated_at: datetime.datetime | None


def declared_places_per_field(voivodeship_id: int) -> dict[int, Declared]:
    """The places the voivodeship's units offer for the coming session, summed per field
    (only fields in which the unit is accredited today)."""
    accredited = Accreditation.objects.active().filter(
        unit_id=OuterRef("unit_id"), field_id=OuterRef("field_id")
    )
    rows = (
        OfferedPlaces.objects.filter(unit__voivodeship_id=voivodeship_id)
        .filter(Exists(accredited))
        .values("field_id")
        .annotate(places=Sum("places"), units=Count("unit_id"), updated_at=Max("updated_at"))
        .order_by()
    )
    return {
        row["field_id"]: Declared(row["places"], row["units"], row["updated_at"]) for row in rows
    }
