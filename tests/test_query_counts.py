"""Query counts of the hot pages do not grow with the rows they show (issue 7, item 4).

Each page is opened once on a small procedure and again after a procedure with many more rows
(applications, referrals in every status, register entries, history) was added, written by the
benchmark's generator as the application writes them; the second visit may not run more
queries than the first. The history grows through the real service ("Zapisz wersję roboczą").

The ceilings pin today's counts, so a new query on a hot page is a decision, not an accident
(the budget of issue 7 is at most 10 on the referral list; README.md, "Performance").
"""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.profiles import profiles_of
from bench import generate
from qualification.models import Application, FormalEvaluation, Procedure
from reference.models import Voivodeship
from referrals import services
from referrals.models import Referral, ReferralStatus
from smk.models import Event

pytestmark = pytest.mark.django_db

#: Today's query counts, the same on PostgreSQL and SQLite: the session, the user, the
#: profiles with their roles, then the page's own (a page that changes nothing writes nothing:
#: the session's expiry is renewed once a minute, accounts/sessions.py).
CEILINGS = {
    "referral list": 5,  # the search form's options, then the page with its count (budget: 10)
    "referral form": 8,  # "Specjalizacja rozpoczęta" also reads the EKS
    "referral history": 6,
    "ranking list": 13,
    "register list": 7,
    "unit referral list": 9,
    "application list": 9,
}


class Office:
    """Mazowieckie's UW clerk, its units and their staff, and procedures added on demand."""

    def __init__(self):
        generate.prepare_reference_data(32, random.Random(7), password_hash="!")
        self.voivodeship = Voivodeship.objects.get(teryt=generate.BENCH_TERYT)
        self.clerk = User.objects.get(email=generate.clerk_email(generate.BENCH_TERYT))
        self.year = 2030

    def add_procedure(self, applications: int) -> Procedure:
        """A closed procedure in a session newer than every one before (the lists' default)."""
        self.year += 1
        session = generate.make_session(
            f"Sesja wiosenna {self.year}", generate.session_dates(self.year, spring=True)
        )
        return generate.add_procedure(
            session,
            self.voivodeship,
            applications,
            status_mix=generate.STATUS_MIX[0],
            seed=self.year,
        )

    def newest_procedure(self) -> Procedure:
        return Procedure.objects.filter(voivodeship=self.voivodeship).latest("session__name")

    def busiest_unit_staff(self) -> User:
        unit = (
            Referral.objects.filter(voivodeship=self.voivodeship, sent_at__isnull=False)
            .exclude(status=ReferralStatus.ISSUED)  # the "Zdecydowane" tab
            .values("unit_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "unit_id")
            .first()["unit_id"]
        )
        return User.objects.get(email=generate.unit_staff_email(unit))


@pytest.fixture
def office():
    office = Office()
    office.add_procedure(24)
    return office


def ranking_url(office):
    procedure = office.newest_procedure()
    biggest = (
        Application.objects.filter(
            session=procedure.session,
            voivodeship=procedure.voivodeship,
            formal_evaluation=FormalEvaluation.POSITIVE,
        )
        .values("field_id", "mode_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "field_id")
        .first()
    )
    return reverse(
        "qualification:ranking_detail",
        args=[procedure.pk, biggest["field_id"], biggest["mode_id"]],
    )


#: page → (who opens it, its address, how many rows it shows)
LISTS = {
    "referral list": (
        lambda office: office.clerk,
        lambda office: reverse("referrals:referral_list"),
        lambda response: response.context["page_obj"].paginator.count,
    ),
    "ranking list": (
        lambda office: office.clerk,
        ranking_url,
        lambda response: len(response.context["ranking"].entries),
    ),
    "register list": (
        lambda office: office.clerk,
        lambda office: reverse("registry:entry_list"),
        lambda response: response.context["page_obj"].paginator.count,
    ),
    "unit referral list": (
        Office.busiest_unit_staff,
        lambda office: reverse("referrals:unit_referral_list") + "?tab=zdecydowane",
        lambda response: response.context["page_obj"].paginator.count,
    ),
    "application list": (
        lambda office: office.clerk,
        lambda office: reverse("qualification:application_list"),
        lambda response: response.context["page_obj"].paginator.count,
    ),
}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def visit(client, url):
    """One visit after a warm-up (the first request of a session saves it anew)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries.captured_queries)


@pytest.mark.parametrize("page", LISTS)
def test_the_page_runs_no_more_queries_with_many_more_rows(
    page, office, django_assert_max_num_queries
):
    who, address, rows = LISTS[page]
    user = who(office)
    client = logged_in(user)
    small, few_queries = visit(client, address(office))
    assert rows(small) > 0

    office.add_procedure(240)

    large, many_queries = visit(client, address(office))
    assert rows(large) >= 2 * rows(small)
    assert many_queries <= few_queries, f"{page}: {few_queries} queries, then {many_queries}"
    assert few_queries <= CEILINGS[page]


def draft_with_short_history(office) -> Referral:
    return (
        Referral.objects.filter(voivodeship=office.voivodeship, status=ReferralStatus.DRAFT)
        .order_by("version", "pk")
        .first()
    )


def save_draft_again(referral: Referral, times: int, user) -> None:
    """The clerk presses "Zapisz wersję roboczą" ``times`` times: one history event each."""
    profile = profiles_of(user)[0]
    for _ in range(times):
        referral = services.save_draft(
            referral.pk,
            version=referral.version,
            changes=services.Changes(),
            user=user,
            profile=profile,
        )


@pytest.mark.parametrize("page", ["referral form", "referral history"])
def test_one_referral_s_page_runs_no_more_queries_with_a_long_history(page, office):
    referral = draft_with_short_history(office)
    url = reverse(
        "referrals:referral_form" if page == "referral form" else "referrals:referral_history",
        args=[referral.pk],
    )
    client = logged_in(office.clerk)
    _, few_queries = visit(client, url)
    events_before = Event.objects.filter(target_id=referral.pk, action__startswith="referral.")

    save_draft_again(referral, 15, office.clerk)
    office.add_procedure(240)

    response, many_queries = visit(client, url)
    assert events_before.count() >= 16
    if page == "referral history":
        assert len(response.context["events"]) >= 16
    assert many_queries <= few_queries, f"{page}: {few_queries} queries, then {many_queries}"
    assert few_queries <= CEILINGS[page]


def test_the_referral_form_runs_a_bounded_number_of_queries_in_every_status(office):
    office.add_procedure(120)
    client = logged_in(office.clerk)
    referrals = Referral.objects.filter(voivodeship=office.voivodeship)
    counts = {}
    for status in ReferralStatus.values:
        referral = referrals.filter(status=status).order_by("-version").first()
        if referral is None:
            continue
        _, counts[status] = visit(client, reverse("referrals:referral_form", args=[referral.pk]))
    assert len(counts) >= 5, counts
    assert max(counts.values()) <= CEILINGS["referral form"], counts


def test_the_generated_rows_are_newest_first_so_the_list_opens_on_them(office):
    """The premise of the list checks above: the added procedure is the default session."""
    procedure = office.add_procedure(30)
    response = logged_in(office.clerk).get(reverse("referrals:referral_list"))
    assert response.context["filter"].applied_session == procedure.session
    assert procedure.session.applications_from > datetime.date(2030, 1, 1)
    assert Referral.objects.filter(
        Q(session=procedure.session) & ~Q(status=ReferralStatus.DRAFT)
    ).exists()


def test_the_referral_list_stays_within_its_budget_searched_by_every_drop_down_and_paged(office):
    """The search form checks a chosen field, mode, unit and session against the options it
    read anyway (smk/filters.py): searching costs no extra query, neither does a deep page."""
    procedure = office.add_procedure(240)
    referral = (
        Referral.objects.filter(session=procedure.session, unit__isnull=False)
        .order_by("pk")
        .first()
    )
    client = logged_in(office.clerk)
    searched = (
        f"?session={procedure.session_id}&field={referral.field_id}&mode={referral.mode_id}"
        f"&unit={referral.unit_id}&status={referral.status}"
    )
    _, searched_queries = visit(client, reverse("referrals:referral_list") + searched)
    last = visit(client, reverse("referrals:referral_list"))[0].context["page_obj"].paginator
    _, deep_queries = visit(client, reverse("referrals:referral_list") + f"?page={last.num_pages}")
    assert last.num_pages > 1
    assert searched_queries <= CEILINGS["referral list"]
    assert deep_queries <= CEILINGS["referral list"]
