"""The office is told when an accreditation of its voivodeship is about to expire: once when
90 days are left and once when 30 are (``manage.py notify_expiring_accreditations``, run
daily by the scheduler).

Idempotent: each (accreditation, threshold, expiry date) gets one :class:`ExpiryNotice` row,
written with the e-mail in one transaction under the accreditation's row lock, so a second run
— the same day or concurrently — finds it and sends nothing. A run that starts when fewer days
are left than several thresholds sends one e-mail, for the nearest.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accreditation import notifications
from accreditation.models import ExpiryNotice
from reference.accreditations import EXPIRY_NOTICE_DAYS
from reference.models import Accreditation

#: Days before expiry at which the office is told, farthest first.
THRESHOLDS = (EXPIRY_NOTICE_DAYS, 30)


def notify_expiring(day: datetime.date | None = None) -> int:
    """E-mail the offices about accreditations in force that expire within 90 days; return
    how many notices were sent now."""
    day = day or timezone.localdate()
    ids = list(
        Accreditation.objects.expiring(day, max(THRESHOLDS))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_notify(pk, day) for pk in ids)


@transaction.atomic(durable=True)
def _notify(pk: int, day: datetime.date) -> bool:
    accreditation = (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("unit", "field")
        .get(pk=pk)
    )
    if not accreditation.is_active(day) or accreditation.valid_to is None:
        return False
    days_left = (accreditation.valid_to - day).days
    crossed = [t for t in THRESHOLDS if days_left <= t]
    if not crossed:
        return False
    threshold = min(crossed)
    _notice, created = ExpiryNotice.objects.get_or_create(
        accreditation=accreditation, days_before=threshold, valid_to=accreditation.valid_to
    )
    if not created:
        return False
    notifications.tell_office_of_expiry(accreditation, days_left)
    return True
