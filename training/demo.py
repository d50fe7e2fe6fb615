"""Demo data of this floor: the unit of jednostka@smk.local has given its data and its
schedule and activated its integration, so its system (the demo API client) can decide
referrals and declare places, and the referral form proposes its next start."""

import datetime

from django.utils import timezone

from accounts.models import Profile, Role
from reference.demo import DEMO_UNIT_NAME
from reference.models import TrainingUnit
from training import services
from training.models import Integration


def _next_firsts(today: datetime.date, n: int) -> list[datetime.date]:
    """The first days of the next ``n`` quarters' first months (January, April, …)."""
    month = (today.month - 1) // 3 * 3 + 1
    firsts, year = [], today.year
    while len(firsts) < n:
        month += 3
        if month > 12:
            month, year = month - 12, year + 1
        firsts.append(datetime.date(year, month, 1))
    return firsts


def seed() -> bool:
    """Returns whether anything was added (nothing when run again)."""
    unit = TrainingUnit.objects.filter(name=DEMO_UNIT_NAME).first()
    if unit is None or Integration.objects.active().filter(unit=unit).exists():
        return False
    staff = (
        Profile.objects.filter(unit=unit, roles__role=Role.UNIT_STAFF)
        .select_related("user", "unit")
        .first()
    )
    if staff is None:
        return False
    who = {"user": staff.user, "profile": staff}
    services.save_contact(
        unit.pk,
        contact_person="Ewa Nowak",
        phone="22 555 01 02",
        email="sekretariat.laboratorium@smk.local",
        notification_emails=[],
        **who,
    )
    days = _next_firsts(timezone.localdate(), 2)
    starts = []
    for code, accreditation in sorted(services.active_accreditations(unit.pk).items()):
        for day in days:
            if accreditation.places and (
                not accreditation.valid_to or day <= accreditation.valid_to
            ):
                starts.append(
                    services.StartRow(len(starts) + 1, code, day, min(2, accreditation.places))
                )
    services.save_schedule(unit.pk, starts, **who)
    services.activate(unit.pk, **who)
    return True
