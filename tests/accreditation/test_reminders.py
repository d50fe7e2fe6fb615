"""The office is told by e-mail when an accreditation of its voivodeship expires within 90
days: once per accreditation and threshold, however often the reminder runs."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accreditation.reminders import notify_expiring
from accreditation.services import changes
from reference.models import Accreditation
from smk.models import Notification
from tests.factories import AccreditationFactory, TrainingUnitFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _expiring(unit, days):
    return AccreditationFactory(unit=unit, valid_to=TODAY() + datetime.timedelta(days=days))


def test_the_office_of_the_units_voivodeship_is_told_once_per_threshold(
    uw_mazowieckie, uw_malopolskie, unit_mazowieckie
):
    accreditation = _expiring(unit_mazowieckie, 80)
    assert notify_expiring() == 1
    assert notify_expiring() == 0  # a second run the same day sends nothing
    mail = Notification.objects.get()
    assert mail.recipient == uw_mazowieckie.email
    assert accreditation.field.name in mail.subject and "za 80 dni" in mail.body
    # 30 days before, the second threshold: one more e-mail, then none again.
    day = accreditation.valid_to - datetime.timedelta(days=30)
    assert notify_expiring(day) == 1
    assert notify_expiring(day + datetime.timedelta(days=1)) == 0
    assert not Notification.objects.filter(recipient=uw_malopolskie.email).exists()


def test_far_expiry_suspended_and_open_ended_accreditations_are_left_alone(
    uw_mazowieckie, unit_mazowieckie, body
):
    _expiring(unit_mazowieckie, 200)
    AccreditationFactory(unit=unit_mazowieckie, valid_to=None)
    suspended = _expiring(unit_mazowieckie, 20)
    body_profile = body.profiles.get()
    changes.suspend(
        Accreditation,
        suspended.pk,
        version=suspended.version,
        from_day=TODAY(),
        reason="Kontrola.",
        user=body,
        profile=body_profile,
    )
    Notification.objects.all().delete()
    assert notify_expiring() == 0


def test_a_first_run_close_to_expiry_sends_one_email_for_the_nearest_threshold(
    uw_mazowieckie, unit_mazowieckie
):
    _expiring(unit_mazowieckie, 10)
    assert notify_expiring() == 1
    assert notify_expiring(TODAY() + datetime.timedelta(days=1)) == 0
    assert Notification.objects.count() == 1


def test_the_management_command_reports_what_it_sent(capsys, uw_mazowieckie):
    _expiring(TrainingUnitFactory(), 5)
    call_command("notify_expiring_accreditations")
    assert "Expiry notices sent: 1." in capsys.readouterr().out
