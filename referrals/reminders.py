"""The unit is reminded by e-mail of a referral that waits for its decision (Wystawione) for
more than 14 days (``manage.py remind_overdue_referrals``, run daily by the scheduler).

Idempotent: each (referral, sending) gets one :class:`~referrals.models.DecisionReminder`
row, written with the e-mail in one transaction under the referral's row lock, so a second
run — the same day or concurrently — finds it and sends nothing; a referral that is decided or
withdrawn meanwhile is left alone.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.filters import DECISION_OVERDUE_AFTER
from referrals.models import DecisionReminder, Referral, ReferralStatus
from referrals.notifications import EMAIL_TEMPLATES, unit_addresses
from smk.notifications import absolute_url, queue_email


def _overdue(now):
    return Referral.objects.filter(
        status=ReferralStatus.ISSUED,
        unit__isnull=False,
        sent_at__lt=now - DECISION_OVERDUE_AFTER,
    )


def remind_overdue(now=None) -> int:
    """E-mail the units about referrals waiting for their decision for more than 14 days;
    return how many reminders were sent now."""
    now = now or timezone.now()
    ids = list(_overdue(now).order_by("sent_at", "pk").values_list("pk", flat=True))
    return sum(_remind(pk, now) for pk in ids)


@transaction.atomic(durable=True)
def _remind(pk: int, now) -> bool:
    referral = (
        _overdue(now)
        .select_for_update(of=("self",))
        .select_related("application", "unit", "field", "mode", "programme", "voivodeship")
        .filter(pk=pk)
        .first()
    )
    if referral is None:  # decided, withdrawn or sent anew since the list was read
        return False
    _reminder, created = DecisionReminder.objects.get_or_create(
        referral=referral, sent_at=referral.sent_at
    )
    if not created:
        return False
    queue_email(
        unit_addresses(referral.unit_id),
        _("Skierowanie nr %(number)s czeka na decyzję jednostki od %(days)s dni")
        % {"number": referral.number, "days": (now - referral.sent_at).days},
        template=EMAIL_TEMPLATES + "unit_reminder.txt",
        context={
            "referral": referral,
            "application": referral.application,
            "days": (now - referral.sent_at).days,
            "url": absolute_url("referrals:unit_referral_detail", referral.pk),
            "site_url": absolute_url(),
        },
        reason=f"referral.reminder #{referral.pk}",
    )
    return True
