"""The application window: applications are created, changed and approved only while the
session accepts them (seed 002; SPEC §3 — the dates are data). The services take the day as
an argument, so the day is fixed here without patching the clock; the screens use sessions
dated around today."""

import datetime

import pytest
from django.urls import reverse

from qualification.models import Application, ApplicationStatus, Stage
from qualification.services.applicant import (
    ApplicantError,
    approve_application,
    sessions_accepting,
    update_draft,
    window_refusal,
)
from tests.applicant.conftest import applicant_data, create, profile_of
from tests.factories import ProcedureFactory, SessionFactory, voivodeship

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def fixed_session(db):
    """Applications 30 April – 31 May 2026, as for laboratory diagnosticians (SPEC §3)."""
    return SessionFactory(
        name="Sesja wiosenna 2026",
        applications_from=datetime.date(2026, 4, 30),
        applications_to=datetime.date(2026, 5, 31),
        procedure_from=datetime.date(2026, 6, 1),
        procedure_to=datetime.date(2026, 6, 30),
    )


BEFORE, FIRST, LAST, AFTER = (
    datetime.date(2026, 4, 29),
    datetime.date(2026, 4, 30),
    datetime.date(2026, 5, 31),
    datetime.date(2026, 6, 1),
)


@pytest.mark.parametrize("day", [FIRST, datetime.date(2026, 5, 15), LAST])
def test_an_application_can_be_created_on_every_day_of_the_window(
    applicant, fixed_session, field, residency, units, day
):
    created = create(applicant, fixed_session, "mazowieckie", field, residency, [units["maz1"]],
                     day=day)  # fmt: skip
    assert created.application.status == ApplicationStatus.DRAFT
    assert fixed_session in sessions_accepting(day)


@pytest.mark.parametrize(
    ("day", "message"),
    [(BEFORE, "rozpocznie się 30.04.2026"), (AFTER, "zakończyło się 31.05.2026")],
)
def test_outside_the_window_no_application_is_created(
    applicant, fixed_session, field, residency, units, day, message
):
    with pytest.raises(ApplicantError, match=message):
        create(applicant, fixed_session, "mazowieckie", field, residency, [units["maz1"]], day=day)
    assert not Application.objects.exists()
    assert fixed_session not in sessions_accepting(day)


def test_a_draft_cannot_be_changed_or_approved_after_the_window(
    applicant, fixed_session, field, residency, units
):
    application = create(
        applicant, fixed_session, "mazowieckie", field, residency, [units["maz1"]], day=FIRST
    ).application
    profile = profile_of(applicant)

    with pytest.raises(ApplicantError, match="zakończyło się"):
        update_draft(
            application.pk, user=applicant, profile=profile,
            data=applicant_data(first_name="Inna"), unit_ids=[units["maz1"].pk],
            version=application.version, day=AFTER,
        )  # fmt: skip
    with pytest.raises(ApplicantError, match="zakończyło się"):
        approve_application(
            application.pk, user=applicant, profile=profile, version=application.version,
            day=AFTER,
        )  # fmt: skip

    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.first_name == "Żaneta"


def test_on_the_last_day_a_draft_can_still_be_approved(
    applicant, fixed_session, field, residency, units
):
    application = create(
        applicant, fixed_session, "mazowieckie", field, residency, [units["maz1"]], day=FIRST
    ).application
    approved = approve_application(
        application.pk, user=applicant, profile=profile_of(applicant),
        version=application.version, day=LAST,
    )  # fmt: skip
    assert approved.status == ApplicationStatus.APPROVED


def test_once_the_procedure_moved_on_no_application_is_created_even_in_the_window(
    applicant, fixed_session, field, residency, units
):
    ProcedureFactory(
        session=fixed_session, voivodeship=voivodeship("mazowieckie"), stage=Stage.FORMAL_EVALUATION
    )
    with pytest.raises(ApplicantError, match="ocena formalna"):
        create(applicant, fixed_session, "mazowieckie", field, residency, [units["maz1"]])


def test_window_refusal_names_the_dates():
    session = SessionFactory.build(
        name="Sesja jesienna 2026",
        applications_from=datetime.date(2026, 11, 15),
        applications_to=datetime.date(2026, 12, 15),
    )
    assert window_refusal(session, datetime.date(2026, 11, 15)) == ""
    assert "15.11.2026" in window_refusal(session, datetime.date(2026, 11, 14))
    assert "15.12.2026" in window_refusal(session, datetime.date(2026, 12, 16))


# --- the screens, with sessions dated around today -------------------------------------------


def session_relative(today, start_days, end_days, name):
    start = today + datetime.timedelta(days=start_days)
    end = today + datetime.timedelta(days=end_days)
    return SessionFactory(
        name=name,
        applications_from=start,
        applications_to=end,
        procedure_from=end + DAY,
        procedure_to=end + 30 * DAY,
    )


def test_utworz_wniosek_is_offered_only_while_a_session_accepts_applications(
    client_of, applicant, today
):
    client = client_of(applicant)
    session_relative(today, -60, -30, "Sesja zakończona")
    upcoming = session_relative(today, 20, 50, "Sesja przyszła")

    page = client.get(reverse("qualification:my_applications")).content.decode()
    assert "Utwórz wniosek" not in page
    assert "Obecnie nie trwa nabór wniosków" in page
    assert upcoming.applications_from.strftime("%d.%m.%Y") in page

    session_relative(today, 0, 0, "Sesja — ostatni dzień naboru")
    page = client.get(reverse("qualification:my_applications")).content.decode()
    assert "Utwórz wniosek" in page


def test_the_create_screen_outside_the_window_sends_back_with_a_message(
    client_of, applicant, today
):
    session_relative(today, 1, 30, "Sesja od jutra")
    response = client_of(applicant).get(reverse("qualification:applicant_create"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("qualification:my_applications")
    assert "Obecnie nie trwa nabór wniosków" in response.content.decode()


def test_a_post_for_a_session_whose_window_closed_is_refused_with_a_clear_message(
    client_of, applicant, today, field, residency, units
):
    session_relative(today, -3, 3, "Sesja otwarta")
    closed = session_relative(today, -40, -1, "Sesja zamknięta wczoraj")
    response = client_of(applicant).post(
        reverse("qualification:applicant_create"),
        {
            "session": closed.pk,
            "voivodeship": units["maz1"].voivodeship_id,
            "field": field.pk,
            "mode": residency.pk,
            **applicant_data(),
            "unit_1": units["maz1"].pk,
            "confirmed": "1",
        },
        follow=True,
    )
    assert "zakończyło się" in response.content.decode()
    assert not Application.objects.exists()
