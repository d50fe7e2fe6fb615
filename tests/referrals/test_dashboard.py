"""„Do obsłużenia”: what waits for the voivodeship office, each figure leading to the list."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import DecidedBy, DecisionKind, ReferralStatus
from registry.services import make_strike_off_entry
from tests.factories import (
    AccreditationFactory,
    FieldFactory,
    ReferralFactory,
    TrainingUnitFactory,
)
from tests.referrals.conftest import session_of_year

pytestmark = pytest.mark.django_db

S = ReferralStatus
URL = "referrals:dashboard"


def days_ago(days, hours=1):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def referral(session, status=S.DRAFT, *, unit=None, **kwargs):
    return ReferralFactory(
        session=session, application__session=session, status=status, unit=unit, **kwargs
    )


def open_dashboard(client):
    response = client.get(reverse(URL))
    assert response.status_code == 200
    return response


def query(url):
    parts = urlsplit(url)
    assert parts.path == reverse("referrals:referral_list")
    return {key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {r.number for r in response.context["referrals"]}


# --- who may open it ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_office_and_the_wojewoda_open_the_dashboard(request, client_of, who):
    response = open_dashboard(client_of(request.getfixturevalue(who)))

    assert "<h1>Do obsłużenia</h1>" in response.content.decode()


@pytest.mark.parametrize("who", ["unit_staff", "applicant", "administrator"])
def test_other_roles_are_refused(request, client_of, who):
    response = client_of(request.getfixturevalue(who)).get(reverse(URL))

    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse(URL))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_another_voivodeships_referrals_do_not_count(
    client_of, uw_malopolskie, mazowieckie, unit_mazowieckie
):
    session = session_of_year(2026)
    referral(session, S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(30))
    AccreditationFactory(unit=unit_mazowieckie, places=4)

    response = open_dashboard(client_of(uw_malopolskie))

    assert all(row["count"] == 0 for row in response.context["status_counts"])
    assert response.context["overdue_total"] == 0
    assert response.context["fields"] == []


# --- counts per status in the newest session ------------------------------------------------


def test_counts_per_status_are_for_the_newest_session_with_referrals_of_the_office(
    client_of, uw_mazowieckie, unit_mazowieckie, malopolskie
):
    older, newer = session_of_year(2025), session_of_year(2026)
    referral(older, S.DRAFT)
    referral(newer, S.DRAFT)
    referral(newer, S.DRAFT)
    issued = referral(newer, S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(1))
    # A newer session with referrals only in another voivodeship is not "the newest" here.
    referral(session_of_year(2027), S.DRAFT, voivodeship=malopolskie)
    client = client_of(uw_mazowieckie)

    response = open_dashboard(client)

    assert response.context["session"] == newer
    counts = {row["status"]: row["count"] for row in response.context["status_counts"]}
    assert counts == {
        S.DRAFT: 2,
        S.ASSIGNED: 0,
        S.ISSUED: 1,
        S.STARTED: 0,
        S.NOT_STARTED: 0,
        S.REJECTED: 0,
    }
    assert "Najnowsza sesja: Sesja wiosenna 2026." in response.content.decode()
    (issued_row,) = [r for r in response.context["status_counts"] if r["status"] == S.ISSUED]
    assert query(issued_row["url"]) == {"status": S.ISSUED.value, "session": str(newer.pk)}
    assert listed(client, issued_row["url"]) == {issued.number}


def test_without_referrals_the_counts_are_for_the_newest_session(client_of, uw_mazowieckie):
    session_of_year(2025)
    newest = session_of_year(2026)

    response = open_dashboard(client_of(uw_mazowieckie))

    assert response.context["session"] == newest
    assert [row["count"] for row in response.context["status_counts"]] == [0] * 6


# --- waiting for the unit's decision ----------------------------------------------------------


def test_referrals_waiting_for_the_unit_more_than_14_days_are_listed_longest_first(
    client_of, uw_mazowieckie, unit_mazowieckie
):
    older, newer = session_of_year(2025), session_of_year(2026)
    three_weeks = referral(
        older,
        S.ISSUED,
        unit=unit_mazowieckie,
        sent_at=days_ago(21),
        application__first_name="Ewa",
        application__last_name="Nowak",
    )
    fifteen_days = referral(newer, S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(15))
    referral(newer, S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(13))  # not overdue yet
    referral(newer, S.STARTED, unit=unit_mazowieckie, sent_at=days_ago(40))
    client = client_of(uw_mazowieckie)

    response = open_dashboard(client)

    overdue = response.context["overdue"]
    assert [r.number for r in overdue] == [three_weeks.number, fifteen_days.number]
    assert [r.days_waiting for r in overdue] == [21, 15]
    assert response.context["overdue_total"] == 2
    html = response.content.decode()
    assert "Ewa Nowak" in html
    assert unit_mazowieckie.name in html
    assert reverse("referrals:referral_form", args=[three_weeks.pk]) in html
    # The figure links to exactly the overdue referrals, of every session.
    assert query(response.context["overdue_url"]) == {
        "attention": "czeka-ponad-14-dni",
        "session": "",
    }
    assert listed(client, response.context["overdue_url"]) == {
        three_weeks.number,
        fifteen_days.number,
    }


# --- the units' non-commencements awaiting "Wpisz do rejestru" ------------------------------


def non_commencement(session, unit, *, by, struck_off=False, decided=None):
    r = referral(
        session,
        S.NOT_STARTED,
        unit=unit,
        decision=DecisionKind.NOT_STARTED,
        decided_by_kind=by,
        decision_justification="Nie zgłosił się",
        decided_at=decided or days_ago(3),
    )
    if struck_off:
        make_strike_off_entry(r, user=None, reason="Nie zgłosił się")
    return r


def test_the_units_non_commencements_not_yet_registered_await_the_office(
    client_of, uw_mazowieckie, unit_mazowieckie
):
    session = session_of_year(2026)
    waiting = non_commencement(session, unit_mazowieckie, by=DecidedBy.UNIT, decided=days_ago(4))
    non_commencement(session, unit_mazowieckie, by=DecidedBy.UNIT, struck_off=True)
    non_commencement(session, unit_mazowieckie, by=DecidedBy.OFFICE, struck_off=True)
    client = client_of(uw_mazowieckie)

    response = open_dashboard(client)

    assert [r.number for r in response.context["not_registered"]] == [waiting.number]
    assert response.context["not_registered"][0].days_waiting == 4
    assert response.context["not_registered_total"] == 1
    url = response.context["not_registered_url"]
    assert query(url) == {"attention": "do-wpisu-do-rejestru", "session": ""}
    assert listed(client, url) == {waiting.number}


# --- free places per field ---------------------------------------------------------------------


def test_free_places_are_summed_per_field_over_the_active_accreditations(
    client_of, uw_mazowieckie, mazowieckie, malopolskie
):
    genetics = FieldFactory(name="laboratoryjna genetyka medyczna")
    haematology = FieldFactory(name="laboratoryjna hematologia medyczna")
    first = TrainingUnitFactory(voivodeship=mazowieckie)
    second = TrainingUnitFactory(voivodeship=mazowieckie)
    AccreditationFactory(unit=first, field=genetics, places=3)
    AccreditationFactory(unit=second, field=genetics, places=2)
    AccreditationFactory(unit=first, field=haematology, places=1)
    # Expired, or in another voivodeship: not counted.
    AccreditationFactory(
        unit=second,
        field=haematology,
        places=9,
        valid_from=datetime.date(2015, 1, 1),
        valid_to=datetime.date(2019, 12, 31),
    )
    AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=malopolskie), field=genetics, places=7
    )
    session = session_of_year(2026)
    for status in (S.ASSIGNED, S.ISSUED, S.STARTED, S.REJECTED):
        referral(session, status, unit=first, field=genetics, sent_at=days_ago(1))
    client = client_of(uw_mazowieckie)

    response = open_dashboard(client)

    rows = [
        (row["field"], row["places"], row["held"], row["free"])
        for row in response.context["fields"]
    ]
    assert rows == [
        ("laboratoryjna genetyka medyczna", 5, 3, 2),
        ("laboratoryjna hematologia medyczna", 1, 0, 1),
    ]
    genetics_row = response.context["fields"][0]
    assert query(genetics_row["referrals_url"]) == {
        "field": str(genetics.pk),
        "attention": "zajmuje-miejsce",
        "session": "",
    }
    # Exactly the referrals holding the 3 taken places.
    assert len(listed(client, genetics_row["referrals_url"])) == 3
    units = client.get(genetics_row["units_url"])
    assert units.status_code == 200
    assert first.name in units.content.decode()


# --- the page itself --------------------------------------------------------------------------


def test_the_dashboard_runs_a_fixed_number_of_queries(
    client_of, uw_mazowieckie, unit_mazowieckie, django_assert_max_num_queries
):
    client = client_of(uw_mazowieckie)
    session = session_of_year(2026)
    with django_assert_max_num_queries(14) as few:
        open_dashboard(client)

    field = FieldFactory()
    for _ in range(3):
        AccreditationFactory(unit=TrainingUnitFactory(), field=field, places=5)
    for days in range(15, 75):
        referral(session, S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(days))
    for _ in range(5):
        non_commencement(session, unit_mazowieckie, by=DecidedBy.UNIT)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        response = open_dashboard(client)

    # More than fit on the page: the first ones are shown, the total is right.
    assert response.context["overdue_total"] == 60
    assert len(response.context["overdue"]) == 50
    assert "Pokazano 50 najdłużej czekających" in response.content.decode()


def test_every_table_has_a_caption_and_header_cells(client_of, uw_mazowieckie, unit_mazowieckie):
    session = session_of_year(2026)
    referral(session, S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(20))
    non_commencement(session, unit_mazowieckie, by=DecidedBy.UNIT)
    AccreditationFactory(unit=unit_mazowieckie, places=2)

    html = open_dashboard(client_of(uw_mazowieckie)).content.decode()

    assert html.count("<table") == html.count("<caption") == 4
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "style=" not in html
    assert "<script>" not in html


def test_the_wojewoda_sees_the_same_figures_as_the_office(
    client_of, uw_mazowieckie, wojewoda_mazowieckie, unit_mazowieckie
):
    referral(session_of_year(2026), S.ISSUED, unit=unit_mazowieckie, sent_at=days_ago(20))

    office = open_dashboard(client_of(uw_mazowieckie)).context["overdue_total"]
    wojewoda = open_dashboard(client_of(wojewoda_mazowieckie)).context["overdue_total"]

    assert office == wojewoda == 1
