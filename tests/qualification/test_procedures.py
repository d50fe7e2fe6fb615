"""Postępowanie kwalifikacyjne screens: the list, a procedure's page, its stage transitions and
"Zakończ postępowanie" with its confirmation page (SPEC §3, seed 000 §4).

One module past 400 lines: the stages follow one another, and the tests of each need the
procedure the previous ones built.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from qualification.models import (
    FormalEvaluation,
    Procedure,
    Session,
    SlotList,
    SlotListStatus,
    Stage,
)
from qualification.services.procedures import open_session
from reference.models import Voivodeship
from referrals.models import Referral, ReferralStatus
from smk.models import Event
from tests.factories import (
    ApplicationFactory,
    FieldFactory,
    ProcedureFactory,
    SessionFactory,
    SlotListFactory,
    SlotListItemFactory,
    change_events,
    mode,
    person_with_role,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def session_with_open_window():
    today = timezone.localdate()
    return SessionFactory(
        applications_from=today - datetime.timedelta(days=10),
        applications_to=today + datetime.timedelta(days=10),
        procedure_from=today + datetime.timedelta(days=11),
        procedure_to=today + datetime.timedelta(days=40),
    )


def session_after_window(name=None, year=2026):
    return SessionFactory(
        **({"name": name} if name else {}),
        applications_from=datetime.date(year, 4, 30),
        applications_to=datetime.date(year, 5, 31),
        procedure_from=datetime.date(year, 6, 1),
        procedure_to=datetime.date(year, 6, 30),
    )


@pytest.fixture
def field():
    return FieldFactory(name="mikrobiologia medyczna", code="mikrobiologia-medyczna")


@pytest.fixture
def procedure(mazowieckie):
    return ProcedureFactory(voivodeship=mazowieckie, session=session_after_window())


def in_stage(procedure, stage):
    # The stage field is protected; tests put a procedure in a stage through the queryset.
    Procedure.objects.filter(pk=procedure.pk).update(stage=stage)
    return Procedure.objects.get(pk=procedure.pk)


def approved_slot_list(procedure, places, status=SlotListStatus.APPROVED):
    slot_list = SlotListFactory(
        session=procedure.session, voivodeship=procedure.voivodeship, status=status
    )
    for (field, mode_), n in places.items():
        SlotListItemFactory(slot_list=slot_list, field=field, mode=mode_, places=n)
    return slot_list


def application(procedure, field, evaluation=FormalEvaluation.POSITIVE, **kwargs):
    if evaluation == FormalEvaluation.NEGATIVE:
        kwargs.setdefault("formal_reason", "Brak dyplomu")
    return ApplicationFactory(
        session=procedure.session,
        voivodeship=procedure.voivodeship,
        field=field,
        mode=kwargs.pop("mode", mode()),
        formal_evaluation=evaluation,
        **kwargs,
    )


def url(name, procedure):
    return reverse(f"qualification:{name}", args=[procedure.pk])


# --- menu and access

#: Every view of a procedure, with the method it answers.
PROCEDURE_VIEWS = [
    ("procedure_detail", "get"),
    ("procedure_close", "get"),
    ("procedure_close", "post"),
    ("procedure_start_formal_evaluation", "post"),
    ("procedure_start_competition", "post"),
]
VIEWS = [("procedure_list", "get"), *PROCEDURE_VIEWS]


def view_url(name, procedure):
    if name == "procedure_list":
        return reverse("qualification:procedure_list")
    return url(name, procedure)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.UW, True),
        (Role.WOJEWODA, True),
        (Role.UNIT_STAFF, False),
        (Role.APPLICANT, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_the_menu_offers_the_procedure_to_the_office_only(client_of, role, sees):
    response = client_of(person_with_role(role)).get(reverse("home"))
    labels = [item["label"] for item in response.context["menu"]]
    assert ("Postępowanie kwalifikacyjne" in labels) is sees


@pytest.mark.parametrize(("name", "method"), PROCEDURE_VIEWS)
def test_a_clerk_of_another_voivodeship_gets_404_and_changes_nothing(
    client_of, uw_malopolskie, procedure, name, method
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    response = getattr(client_of(uw_malopolskie), method)(url(name, procedure))
    assert response.status_code == 404
    procedure.refresh_from_db()
    assert procedure.stage == Stage.COMPETITION


@pytest.mark.parametrize("who", ["unit_staff", "applicant", "administrator"])
@pytest.mark.parametrize(("name", "method"), VIEWS)
def test_people_outside_the_voivodeship_office_are_forbidden(
    request, client_of, procedure, who, name, method
):
    user = request.getfixturevalue(who)
    response = getattr(client_of(user), method)(view_url(name, procedure))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), VIEWS)
def test_an_anonymous_visitor_is_sent_to_log_in(client, procedure, name, method):
    response = getattr(client, method)(view_url(name, procedure))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "name", ["procedure_start_formal_evaluation", "procedure_start_competition"]
)
def test_stage_transitions_do_not_answer_a_get(client_of, uw_mazowieckie, procedure, name):
    assert client_of(uw_mazowieckie).get(url(name, procedure)).status_code == 405


# --- the list


def test_the_list_shows_only_the_clerks_voivodeship_newest_session_first(
    client_of, uw_mazowieckie, mazowieckie, malopolskie
):
    older = ProcedureFactory(voivodeship=mazowieckie, session=session_after_window(year=2025))
    newer = ProcedureFactory(voivodeship=mazowieckie, session=session_after_window(year=2026))
    ProcedureFactory(voivodeship=malopolskie, session=newer.session)
    response = client_of(uw_mazowieckie).get(reverse("qualification:procedure_list"))
    assert list(response.context["procedures"]) == [newer, older]


def test_the_list_counts_applications_and_shows_the_slot_list_status(
    client_of, wojewoda_mazowieckie, procedure, field
):
    application(procedure, field)
    application(procedure, field)
    application(procedure, field, evaluation="")
    application(procedure, field, evaluation=FormalEvaluation.NEGATIVE)
    approved_slot_list(procedure, {(field, mode()): 1})
    response = client_of(wojewoda_mazowieckie).get(reverse("qualification:procedure_list"))
    (row,) = response.context["procedures"]
    assert (row.applications_count, row.positive_count, row.unevaluated_count) == (4, 2, 1)
    assert row.slot_list_status_label == "zatwierdzona"
    assert "zatwierdzona" in response.content.decode()


def test_a_system_without_sessions_has_no_procedures(client_of, uw_mazowieckie):
    response = client_of(uw_mazowieckie).get(reverse("qualification:procedure_list"))
    assert list(response.context["procedures"]) == []
    assert "Brak postępowań" in response.content.decode()


def test_the_list_takes_the_same_number_of_queries_for_many_procedures(
    client_of, uw_mazowieckie, mazowieckie, field, django_assert_max_num_queries
):
    client = client_of(uw_mazowieckie)
    list_url = reverse("qualification:procedure_list")

    def add_procedures(years):
        for year in years:
            procedure = ProcedureFactory(
                voivodeship=mazowieckie, session=session_after_window(year=year)
            )
            application(procedure, field)
            approved_slot_list(procedure, {(field, mode()): 1})

    add_procedures([2020])
    client.get(list_url)  # warm up: the session, the profile
    with django_assert_max_num_queries(10) as few:
        client.get(list_url)
    add_procedures(range(2005, 2020))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url)
    assert len(response.context["procedures"]) == 16


# --- the procedure's page


def test_the_procedure_page_shows_dates_stage_counts_and_the_slot_list(
    client_of, uw_mazowieckie, procedure, field
):
    application(procedure, field, points=Decimal("10"))
    application(procedure, field)
    application(procedure, field, evaluation=FormalEvaluation.NEGATIVE)
    application(procedure, field, evaluation="")
    slot_list = approved_slot_list(procedure, {(field, mode()): 1}, status=SlotListStatus.DRAFT)
    response = client_of(uw_mazowieckie).get(url("procedure_detail", procedure))
    counts = response.context["counts"]
    assert (counts.applications, counts.positive, counts.negative, counts.unevaluated) == (
        4,
        2,
        1,
        1,
    )
    assert counts.with_points == 1
    html = response.content.decode()
    assert "31.05.2026" in html
    assert "przyjmowanie wniosków" in html
    assert reverse("qualification:slot_list_detail", args=[slot_list.pk]) in html


def test_the_page_offers_starting_formal_evaluation_once_the_application_window_is_over(
    client_of, uw_mazowieckie, procedure
):
    response = client_of(uw_mazowieckie).get(url("procedure_detail", procedure))
    assert [a["label"] for a in response.context["actions"]] == ["Rozpocznij ocenę formalną"]
    assert url("procedure_start_formal_evaluation", procedure) in response.content.decode()


def test_while_applications_are_accepted_the_page_explains_why_there_is_no_button(
    client_of, uw_mazowieckie, mazowieckie
):
    procedure = ProcedureFactory(voivodeship=mazowieckie, session=session_with_open_window())
    response = client_of(uw_mazowieckie).get(url("procedure_detail", procedure))
    assert response.context["actions"] == []
    assert "Przyjmowanie wniosków trwa do" in response.content.decode()


def test_in_competition_the_page_links_to_the_closing_confirmation(
    client_of, wojewoda_mazowieckie, procedure
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    response = client_of(wojewoda_mazowieckie).get(url("procedure_detail", procedure))
    (action,) = response.context["actions"]
    assert (action["label"], action["method"]) == ("Zakończ postępowanie", "get")
    assert action["url"] == url("procedure_close", procedure)


def test_a_closed_procedure_offers_no_action(client_of, uw_mazowieckie, procedure):
    procedure = in_stage(procedure, Stage.CLOSED)
    response = client_of(uw_mazowieckie).get(url("procedure_detail", procedure))
    assert response.context["actions"] == []


# --- stage transitions


def test_starting_formal_evaluation_moves_the_stage_and_records_it(
    client_of, uw_mazowieckie, procedure
):
    response = client_of(uw_mazowieckie).post(
        url("procedure_start_formal_evaluation", procedure), follow=True
    )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.FORMAL_EVALUATION
    assert "Rozpoczęto ocenę formalną wniosków." in messages_of(response)
    (event,) = Event.objects.for_object(procedure)
    assert (event.action, event.user, event.new_status) == (
        "procedure.formal_evaluation_started",
        uw_mazowieckie,
        Stage.FORMAL_EVALUATION,
    )
    assert "Rozpoczęto ocenę formalną" in response.content.decode()  # in the history


def test_formal_evaluation_cannot_start_while_applications_are_accepted(
    client_of, uw_mazowieckie, mazowieckie
):
    procedure = ProcedureFactory(voivodeship=mazowieckie, session=session_with_open_window())
    response = client_of(uw_mazowieckie).post(url("procedure_start_formal_evaluation", procedure))
    assert response.status_code == 302
    (message,) = messages_of(response)
    assert "Przyjmowanie wniosków trwa do" in message
    procedure.refresh_from_db()
    assert procedure.stage == Stage.APPLICATIONS
    assert not change_events().exists()


def test_competition_cannot_start_while_applications_wait_for_formal_evaluation(
    client_of, uw_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.FORMAL_EVALUATION)
    application(procedure, field)
    application(procedure, field, evaluation="")
    response = client_of(uw_mazowieckie).post(url("procedure_start_competition", procedure))
    (message,) = messages_of(response)
    assert "Wnioski bez oceny formalnej: 1" in message
    procedure.refresh_from_db()
    assert procedure.stage == Stage.FORMAL_EVALUATION


def test_competition_starts_when_every_application_is_evaluated(
    client_of, wojewoda_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.FORMAL_EVALUATION)
    application(procedure, field)
    application(procedure, field, evaluation=FormalEvaluation.NEGATIVE)
    response = client_of(wojewoda_mazowieckie).post(url("procedure_start_competition", procedure))
    assert messages_of(response) == ["Rozpoczęto postępowanie konkursowe."]
    procedure.refresh_from_db()
    assert procedure.stage == Stage.COMPETITION


@pytest.mark.parametrize(
    ("name", "stage"),
    [
        ("procedure_start_formal_evaluation", Stage.COMPETITION),
        ("procedure_start_formal_evaluation", Stage.CLOSED),
        ("procedure_start_competition", Stage.APPLICATIONS),
        ("procedure_start_competition", Stage.CLOSED),
    ],
)
def test_a_transition_from_the_wrong_stage_is_refused_with_a_message_not_an_error(
    client_of, uw_mazowieckie, procedure, name, stage
):
    procedure = in_stage(procedure, stage)
    response = client_of(uw_mazowieckie).post(url(name, procedure))
    assert response.status_code == 302
    (message,) = messages_of(response)
    assert "Obecny etap" in message
    procedure.refresh_from_db()
    assert procedure.stage == stage


# --- closing


def test_the_closing_page_shows_places_applications_and_who_will_be_qualified(
    client_of, uw_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    other_mode = mode("poza-rezydentura")
    approved_slot_list(procedure, {(field, mode()): 2, (field, other_mode): 5})
    for points in ("30", "20", "10"):
        application(procedure, field, points=Decimal(points))
    application(procedure, field, mode=other_mode, points=Decimal("1"))
    response = client_of(uw_mazowieckie).get(url("procedure_close", procedure))
    rows = {(r.mode.code, r.places, r.positive, r.to_qualify) for r in response.context["rows"]}
    assert rows == {("rezydentura", 2, 3, 2), ("poza-rezydentura", 5, 1, 1)}
    assert response.context["obstacles"] == []
    html = response.content.decode()
    assert "Zakończ postępowanie" in html
    assert f'action="{url("procedure_close", procedure)}"' in html


def test_the_closing_page_lists_every_obstacle_and_offers_no_button(
    client_of, uw_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    application(procedure, field, evaluation="")
    application(procedure, field, points=None)
    response = client_of(uw_mazowieckie).get(url("procedure_close", procedure))
    html = response.content.decode()
    assert "Brak zatwierdzonej listy miejsc szkoleniowych" in html
    assert "Wnioski bez oceny formalnej: 1" in html
    assert "bez punktacji: 1" in html
    assert f'action="{url("procedure_close", procedure)}"' not in html


def test_closing_qualifies_creates_draft_referrals_and_says_how_many(
    client_of, uw_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    approved_slot_list(procedure, {(field, mode()): 2})
    top = [application(procedure, field, points=Decimal(p)) for p in ("30", "20")]
    application(procedure, field, points=Decimal("10"))
    response = client_of(uw_mazowieckie).post(url("procedure_close", procedure), follow=True)
    assert response.redirect_chain[-1][0] == url("procedure_detail", procedure)
    assert messages_of(response) == [
        "Postępowanie zostało zakończone. Zakwalifikowane wnioski: 2. Utworzone skierowania: 2."
    ]
    assert set(Referral.objects.values_list("application_id", flat=True)) == {a.pk for a in top}
    assert set(Referral.objects.values_list("status", flat=True)) == {ReferralStatus.DRAFT}
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
    assert response.context["counts"].referrals == 2


def test_closing_twice_gives_a_clear_message_and_creates_nothing_more(
    client_of, uw_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    approved_slot_list(procedure, {(field, mode()): 1})
    application(procedure, field, points=Decimal("5"))
    client = client_of(uw_mazowieckie)
    client.post(url("procedure_close", procedure), follow=True)
    events = change_events().count()
    response = client.post(url("procedure_close", procedure))
    assert response.status_code == 302
    assert messages_of(response) == ["Postępowanie zostało już zakończone."]
    assert Referral.objects.count() == 1
    assert change_events().count() == events


def test_closing_without_an_approved_slot_list_gives_a_clear_message_and_changes_nothing(
    client_of, uw_mazowieckie, procedure, field
):
    procedure = in_stage(procedure, Stage.COMPETITION)
    approved_slot_list(procedure, {(field, mode()): 1}, status=SlotListStatus.DRAFT)
    candidate = application(procedure, field, points=Decimal("5"))
    response = client_of(uw_mazowieckie).post(url("procedure_close", procedure))
    (message,) = messages_of(response)
    assert "Brak zatwierdzonej listy miejsc szkoleniowych" in message
    procedure.refresh_from_db()
    candidate.refresh_from_db()
    assert procedure.stage == Stage.COMPETITION
    assert (candidate.qualified, candidate.ranking_position) == (None, None)
    assert not Referral.objects.exists()


def test_closing_before_the_competition_stage_is_refused(
    client_of, uw_mazowieckie, procedure, field
):
    approved_slot_list(procedure, {(field, mode()): 1})
    response = client_of(uw_mazowieckie).post(url("procedure_close", procedure))
    (message,) = messages_of(response)
    assert "etapie postępowania konkursowego" in message
    procedure.refresh_from_db()
    assert procedure.stage == Stage.APPLICATIONS


# --- sessions open a procedure per voivodeship


def test_opening_a_session_gives_every_voivodeship_a_procedure_and_a_draft_slot_list(db):
    session = session_after_window()
    assert open_session(session) == 16
    assert open_session(session) == 0  # idempotent
    assert Procedure.objects.filter(session=session).count() == Voivodeship.objects.count() == 16
    assert set(SlotList.objects.filter(session=session).values_list("status", flat=True)) == {
        SlotListStatus.DRAFT
    }
    assert SlotList.objects.filter(session=session).count() == 16


def test_opening_a_session_keeps_what_exists(mazowieckie, procedure):
    procedure = in_stage(procedure, Stage.COMPETITION)
    open_session(procedure.session)
    procedure.refresh_from_db()
    assert procedure.stage == Stage.COMPETITION
    assert Procedure.objects.filter(session=procedure.session).count() == 16


def test_adding_a_session_in_the_admin_opens_its_procedures(mfa_admin_client):
    response = mfa_admin_client.post(
        reverse("admin:qualification_session_add"),
        {
            "name": "Sesja jesienna 2026",
            "applications_from": "2026-11-15",
            "applications_to": "2026-12-15",
            "procedure_from": "2026-12-16",
            "procedure_to": "2027-01-15",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(name="Sesja jesienna 2026")
    assert session.procedures.count() == 16
    assert session.slot_lists.count() == 16


def test_the_procedure_page_links_to_its_applications_and_ranking_lists(
    client_of, uw_mazowieckie, procedure
):
    html = client_of(uw_mazowieckie).get(url("procedure_detail", procedure)).content.decode()
    applications = reverse("qualification:application_list")
    assert f'href="{applications}?procedure={procedure.pk}"' in html
    assert f'href="{url("ranking_index", procedure)}"' in html
