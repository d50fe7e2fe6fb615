"""The unit is reminded by e-mail of a referral waiting for its decision over 14 days: once
per referral and sending, however often the reminder runs."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from referrals.models import ReferralStatus
from referrals.reminders import remind_overdue
from smk.models import Notification
from tests.factories import ReferralFactory, TrainingUnitFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_the_unit_is_reminded_once_of_a_referral_waiting_over_14_days(unit_staff, unit_mazowieckie):
    overdue = ReferralFactory(
        status=ReferralStatus.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(15)
    )
    ReferralFactory(status=ReferralStatus.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(13))
    assert remind_overdue() == 1
    assert remind_overdue() == 0  # the next day's run sends nothing again
    mail = Notification.objects.get()
    assert mail.recipient == unit_staff.email
    assert overdue.number in mail.subject and "od 15 dni" in mail.subject
    assert f"/{overdue.pk}/" in mail.body


def test_a_referral_sent_anew_is_reminded_of_again(unit_staff, unit_mazowieckie):
    referral = ReferralFactory(
        status=ReferralStatus.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(20)
    )
    assert remind_overdue() == 1
    # Withdrawn and sent again: a new sending, 15 days old by now.
    referral.sent_at = days_ago(15)
    referral.save(update_fields=["sent_at"])
    assert remind_overdue() == 1
    assert Notification.objects.count() == 2


def test_decided_referrals_and_other_units_staff_get_nothing(unit_staff, unit_mazowieckie):
    other_unit = TrainingUnitFactory()
    ReferralFactory(status=ReferralStatus.ISSUED, unit=other_unit, sent_at=days_ago(30))
    ReferralFactory(status=ReferralStatus.STARTED, unit=unit_mazowieckie, sent_at=days_ago(30))
    call_command("remind_overdue_referrals")
    assert not Notification.objects.filter(recipient=unit_staff.email).exists()
