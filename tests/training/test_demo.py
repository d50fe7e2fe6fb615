"""The demo unit (jednostka@smk.local) starts integrated, with data and a schedule."""

import io

import pytest
from django.core.management import call_command

from reference.demo import DEMO_UNIT_NAME
from training.models import Integration, ScheduledStart, UnitContact

pytestmark = pytest.mark.django_db


def test_seed_demo_activates_the_demo_unit_s_integration_once():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    integration = Integration.objects.get(unit__name=DEMO_UNIT_NAME)
    assert integration.is_active
    assert UnitContact.objects.filter(unit__name=DEMO_UNIT_NAME).exists()
    starts = ScheduledStart.objects.filter(unit__name=DEMO_UNIT_NAME).count()
    assert starts > 0
    assert "integration is active" in out.getvalue()
    again = io.StringIO()
    call_command("seed_demo", stdout=again)
    assert "integration is active" not in again.getvalue()
    assert ScheduledStart.objects.filter(unit__name=DEMO_UNIT_NAME).count() == starts
