"""The referral form and the unit's schedule: the planned start proposed is the unit's next
start in the session's window, and a start on another day is flagged to the clerk (a warning
next to the field, not a refusal)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral, ReferralStatus
from tests.factories import (
    ProgrammeFactory,
    ReferralFactory,
    ScheduledStartFactory,
    SessionFactory,
    mode,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def session(db):
    """A session whose procedure ended yesterday: its window runs a year from then."""
    return SessionFactory(
        name="Sesja z oknem od wczoraj",
        applications_from=TODAY - datetime.timedelta(days=90),
        applications_to=TODAY - datetime.timedelta(days=60),
        procedure_from=TODAY - datetime.timedelta(days=30),
        procedure_to=TODAY - datetime.timedelta(days=1),
    )


@pytest.fixture
def programme(field):
    return ProgrammeFactory(field=field, mode=mode(), duration_months=48)


@pytest.fixture
def next_start(accreditation):
    """The unit's next start: not the first of a month, so it is not the default proposal."""
    day = TODAY + datetime.timedelta(days=45)
    day = day.replace(day=15)
    ScheduledStartFactory(accreditation=accreditation, starts_on=day)
    ScheduledStartFactory(accreditation=accreditation, starts_on=day + datetime.timedelta(days=182))
    return day


def draft_at(accreditation, session, **extra):
    return ReferralFactory(
        field=accreditation.field,
        mode=mode(),
        session=session,
        application__session=session,
        unit=accreditation.unit,
        **extra,
    )


def test_choosing_the_programme_proposes_the_unit_s_next_scheduled_start(
    client_of, uw_mazowieckie, accreditation, session, programme, next_start
):
    referral = draft_at(accreditation, session)
    response = client_of(uw_mazowieckie).get(
        reverse("referrals:referral_choose_programme", args=[referral.pk])
    )
    assert response.status_code == 302
    query = dict(re.findall(r"(\w+)=([\d-]+)", response["Location"]))
    assert query["od"] == next_start.isoformat()
    assert query["do"] == programme.planned_end_from(next_start).isoformat()


def test_a_unit_without_a_schedule_gets_the_first_of_next_month(
    client_of, uw_mazowieckie, accreditation, session, programme
):
    referral = draft_at(accreditation, session)
    response = client_of(uw_mazowieckie).get(
        reverse("referrals:referral_choose_programme", args=[referral.pk])
    )
    query = dict(re.findall(r"(\w+)=([\d-]+)", response["Location"]))
    assert datetime.date.fromisoformat(query["od"]).day == 1


def test_a_start_outside_the_schedule_is_flagged_next_to_the_field_but_not_refused(
    client_of, uw_mazowieckie, accreditation, session, programme, next_start
):
    off = next_start + datetime.timedelta(days=1)
    referral = draft_at(
        accreditation,
        session,
        status=ReferralStatus.ASSIGNED,
        programme=programme,
        planned_start=off,
        planned_end=programme.planned_end_from(off),
    )
    client = client_of(uw_mazowieckie)
    url = reverse("referrals:referral_form", args=[referral.pk])
    page = client.get(url).content.decode()
    assert "Jednostka nie rozpoczyna szkolenia w tej dziedzinie" in page
    assert next_start.strftime("%d.%m.%Y") in page
    assert f"od={next_start.isoformat()}" in page  # "Ustaw najbliższy termin jednostki"
    response = client.post(
        url,
        {
            "action": "save_draft",
            "version": referral.version,
            "unit": accreditation.unit_id,
            "programme": programme.pk,
            "planned_start": off.isoformat(),
            "planned_end": programme.planned_end_from(off).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).planned_start == off


def test_a_start_on_a_scheduled_day_is_not_flagged(
    client_of, uw_mazowieckie, accreditation, session, programme, next_start
):
    referral = draft_at(
        accreditation,
        session,
        status=ReferralStatus.ASSIGNED,
        programme=programme,
        planned_start=next_start,
        planned_end=programme.planned_end_from(next_start),
    )
    response = client_of(uw_mazowieckie).get(reverse("referrals:referral_form", args=[referral.pk]))
    assert response.context["schedule_hint"] is None
    assert "nie rozpoczyna szkolenia" not in response.content.decode()
