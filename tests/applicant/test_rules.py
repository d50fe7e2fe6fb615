"""The applicant's rules of seed 002, enforced by the service: one field and one voivodeship
per session, at most one active application per mode, a new application in a mode deactivates
the previous one, another voivodeship (or field) makes every earlier one inactive."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from qualification.models import Application, ApplicationStatus
from qualification.services.applicant import (
    ApplicantError,
    ConsequencesChanged,
    DeactivationReason,
    approve_application,
    planned_deactivations,
)
from smk.audit import history
from tests.applicant.conftest import create, open_session_around, profile_of
from tests.factories import person_with_role, voivodeship

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(applicant):
    return applicant


def statuses(*applications):
    return [Application.objects.get(pk=a.pk).status for a in applications]


def approve(application, user):
    # These tests are about deactivation; the statement of the preferred mode seed 002 asks
    # for when applying in both modes is given here (its own tests: test_statements.py).
    Application.objects.filter(pk=application.pk, preferred_mode=None).update(
        preferred_mode=application.mode_id
    )
    application.refresh_from_db()
    return approve_application(
        application.pk,
        user=user,
        profile=profile_of(user),
        version=application.version,
        day=application.session.applications_from,
    )


def test_a_new_application_in_the_same_mode_deactivates_the_previous_one(
    user, session, field, residency, units
):
    first = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application
    second = create(user, session, "mazowieckie", field, residency, [units["maz2"]])

    assert statuses(first, second.application) == [
        ApplicationStatus.INACTIVE,
        ApplicationStatus.DRAFT,
    ]
    assert [(d.application.pk, d.reason) for d in second.deactivated] == [
        (first.pk, DeactivationReason.SAME_MODE)
    ]


def test_a_new_application_in_the_same_mode_deactivates_an_approved_one_too(
    user, session, field, residency, units
):
    first = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application
    approve(first, user)

    create(user, session, "mazowieckie", field, residency, [units["maz2"]])

    first.refresh_from_db()
    assert first.status == ApplicationStatus.INACTIVE
    # The office no longer sees it: it works only with approved applications.
    assert not Application.objects.for_voivodeship(first.voivodeship_id).filter(pk=first.pk)


def test_one_application_per_mode_two_modes_in_the_same_field_and_voivodeship_stay_active(
    user, session, field, residency, non_residency, units
):
    res = create(user, session, "mazowieckie", field, residency, [units["maz1"]])
    non = create(user, session, "mazowieckie", field, non_residency, [units["maz1"]])

    assert non.deactivated == []
    assert statuses(res.application, non.application) == [ApplicationStatus.DRAFT] * 2


def test_an_application_for_another_voivodeship_makes_every_earlier_one_inactive(
    user, session, field, residency, non_residency, units
):
    res = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application
    non = create(user, session, "mazowieckie", field, non_residency, [units["maz2"]]).application
    approve(res, user)

    other = create(user, session, "małopolskie", field, non_residency, [units["mal"]])

    assert statuses(res, non) == [ApplicationStatus.INACTIVE, ApplicationStatus.INACTIVE]
    assert {(d.application.pk, d.reason) for d in other.deactivated} == {
        (res.pk, DeactivationReason.OTHER_VOIVODESHIP),
        (non.pk, DeactivationReason.OTHER_VOIVODESHIP),
    }


def test_an_application_in_another_field_makes_every_earlier_one_inactive(
    user, session, field, other_field, residency, non_residency, units
):
    """Seed 002: applications "tylko w jednej dziedzinie" — the newest one decides."""
    res = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application

    other = create(user, session, "mazowieckie", other_field, non_residency, [units["maz_other"]])

    assert statuses(res) == [ApplicationStatus.INACTIVE]
    assert [d.reason for d in other.deactivated] == [DeactivationReason.OTHER_FIELD]


def test_the_deactivation_is_written_to_the_history_with_its_reason(
    user, session, field, residency, units
):
    first = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application
    second = create(user, session, "mazowieckie", field, residency, [units["maz2"]]).application

    (event,) = [e for e in history(first) if e.action == "application.deactivated"]
    assert (event.old_status, event.new_status) == (
        ApplicationStatus.DRAFT,
        ApplicationStatus.INACTIVE,
    )
    assert event.data["reason"] == DeactivationReason.SAME_MODE
    assert event.data["replaced_by"] == second.number
    assert "tylko jeden wniosek" in event.data["reason_text"]


def test_other_sessions_and_other_applicants_are_not_touched(
    user, session, field, residency, units
):
    other_session = open_session_around(session.applications_from, name="Inna sesja")
    stranger = person_with_role(Role.APPLICANT)
    earlier_session = create(
        user, other_session, "mazowieckie", field, residency, [units["maz1"]],
        day=session.applications_from,
    ).application  # fmt: skip
    strangers = create(stranger, session, "mazowieckie", field, residency, [units["maz1"]])

    create(user, session, "małopolskie", field, residency, [units["mal"]])

    assert statuses(earlier_session, strangers.application) == [ApplicationStatus.DRAFT] * 2


def test_the_confirmation_page_lists_what_the_service_then_deactivates(
    user, session, field, residency, non_residency, units
):
    res = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application
    create(user, session, "mazowieckie", field, non_residency, [units["maz1"]])

    planned = planned_deactivations(user, session, voivodeship("mazowieckie"), field, residency)
    assert [(d.application.pk, d.reason) for d in planned] == [
        (res.pk, DeactivationReason.SAME_MODE)
    ]
    message = planned[0].message
    assert res.number in message
    assert "tryb rezydentura" in message
    assert "w danym trybie może być aktywny tylko jeden wniosek" in message

    created = create(
        user, session, "mazowieckie", field, residency, [units["maz2"]],
        expected_deactivations={res.pk},
    )  # fmt: skip
    assert [d.application.pk for d in created.deactivated] == [res.pk]


def test_changed_consequences_since_the_confirmation_refuse_and_change_nothing(
    user, session, field, residency, units
):
    """The applicant confirmed "nothing becomes inactive", but meanwhile (another tab) made
    an application in this mode: nothing happens and they are asked to look again."""
    create(user, session, "mazowieckie", field, residency, [units["maz1"]])
    before = Application.objects.count()

    with pytest.raises(ConsequencesChanged, match="sprawdź ponownie"):
        create(
            user, session, "mazowieckie", field, residency, [units["maz2"]],
            expected_deactivations=set(),
        )  # fmt: skip

    assert Application.objects.count() == before
    assert Application.objects.filter(status=ApplicationStatus.DRAFT).count() == 1


def test_approval_is_refused_when_a_conflicting_application_is_active(
    user, session, field, residency, units
):
    """Defensive: rows written around the service must not leave two conflicting
    applications active — approving one of them is refused."""
    first = create(user, session, "mazowieckie", field, residency, [units["maz1"]]).application
    second = create(user, session, "mazowieckie", field, residency, [units["maz2"]]).application
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.DRAFT)

    with pytest.raises(ApplicantError, match="wyklucza"):
        approve(second, user)


_examples = itertools.count(1)

CHOICES = list(
    itertools.product(["mazowieckie", "małopolskie"], ["field", "other_field"], ["res", "non"])
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(CHOICES), min_size=1, max_size=6), st.data())
def test_after_any_sequence_the_active_applications_share_field_and_voivodeship_one_per_mode(
    user, today, field, other_field, residency, non_residency, units, sequence, data
):
    # A fresh session per example: the rules are per session (the factory finds sessions by
    # name, so the name must never repeat).
    session = open_session_around(today, name=f"Sesja hipotezy {next(_examples)}")
    fields = {"field": field, "other_field": other_field}
    modes = {"res": residency, "non": non_residency}
    unit_for = {
        ("mazowieckie", "field"): units["maz1"],
        ("mazowieckie", "other_field"): units["maz_other"],
        ("małopolskie", "field"): units["mal"],
    }
    last = None
    for voivodeship_name, field_key, mode_key in sequence:
        unit = unit_for.get((voivodeship_name, field_key))
        if unit is None:
            continue  # no unit accredited there: the form would not let one choose it
        created = create(
            user, session, voivodeship_name, fields[field_key], modes[mode_key], [unit],
            day=today,
        )  # fmt: skip
        last = created.application
        if data.draw(st.booleans(), label="approve"):
            approve(last, user)
    active = list(
        Application.objects.filter(
            applicant=user,
            session=session,
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.APPROVED],
        )
    )
    if last is None:
        assert active == []
        return
    # The newest application is always active and decides the voivodeship and the field.
    assert last.pk in {a.pk for a in active}
    assert {(a.voivodeship_id, a.field_id) for a in active} == {
        (last.voivodeship_id, last.field_id)
    }
    modes_active = [a.mode_id for a in active]
    assert len(modes_active) == len(set(modes_active)) <= 2
