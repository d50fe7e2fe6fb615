"""Skierowania na specjalizację: the office's referral list and its CSV export (seed 000 §5.1).

One module past 400 lines: the list's sorting, search, scope, query counts and export read
the same rows, made once by the fixtures at the top.
"""

import csv
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape

from accounts.models import Role
from reference.models import Mode
from referrals.models import ReferralStatus
from tests.factories import ReferralFactory, TrainingUnitFactory, mode, person_with_role
from tests.referrals.conftest import session_of_year

pytestmark = pytest.mark.django_db

LIST_URL = "referrals:referral_list"
CSV_URL = "referrals:referral_list_csv"
SEED_COLUMNS = (
    "Numer skierowania",
    "Numer wniosku",
    "Imię i nazwisko Diagnosty",
    "Dziedzina medycyny laboratoryjnej",
    "Tryb",
    "Jednostka szkoleniowa",
    "Status",
)


def referral(session, *, points=None, study_result=Decimal("4.20"), **kwargs):
    """A referral of ``session`` whose application has the given points and study result."""
    return ReferralFactory(
        session=session,
        application__session=session,
        application__points=points,
        application__study_result=study_result,
        **kwargs,
    )


def listed(client, **params):
    response = client.get(reverse(LIST_URL), params)
    assert response.status_code == 200
    return [r.number for r in response.context["referrals"]]


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def reverse_or_skip(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"{name} is not routed yet")


# --- the default session and "Wyczyść kryteria wyszukiwania" ----------------------------------


def test_the_list_opens_on_the_newest_session_that_has_referrals_of_the_office(
    client_of, uw_mazowieckie, malopolskie, older_session, newer_session
):
    old = referral(older_session)
    new = referral(newer_session)
    # A newer session with referrals only in another voivodeship does not become the default.
    referral(session_of_year(2027), voivodeship=malopolskie)

    response = client_of(uw_mazowieckie).get(reverse(LIST_URL))

    assert [r.number for r in response.context["referrals"]] == [new.number]
    assert old.number not in response.content.decode()
    assert "Skierowania z najnowszej sesji: Sesja wiosenna 2026" in response.content.decode()
    assert response.context["filter"].form["session"].value() == newer_session.pk


def test_without_any_referral_the_list_applies_the_newest_session(
    client_of, uw_mazowieckie, older_session, newer_session
):
    response = client_of(uw_mazowieckie).get(reverse(LIST_URL))

    assert list(response.context["referrals"]) == []
    assert response.context["filter"].applied_session == newer_session
    assert "Brak skierowań spełniających kryteria." in response.content.decode()


def test_clearing_the_criteria_shows_referrals_of_every_session(
    client_of, uw_mazowieckie, older_session, newer_session
):
    old = referral(older_session)
    new = referral(newer_session)
    client = client_of(uw_mazowieckie)

    page = client.get(reverse(LIST_URL)).content.decode()
    clear_link = f'href="{reverse(LIST_URL)}?session="'
    assert clear_link in page
    assert "Wyczyść kryteria wyszukiwania" in page

    response = client.get(reverse(LIST_URL) + "?session=")
    assert {r.number for r in response.context["referrals"]} == {old.number, new.number}
    assert "Skierowania ze wszystkich sesji." in response.content.decode()


def test_choosing_an_older_session_shows_only_its_referrals(
    client_of, uw_mazowieckie, older_session, newer_session
):
    old = referral(older_session)
    referral(newer_session)

    response = client_of(uw_mazowieckie).get(reverse(LIST_URL), {"session": older_session.pk})

    assert [r.number for r in response.context["referrals"]] == [old.number]
    assert "Skierowania z sesji: Sesja wiosenna 2025." in response.content.decode()


# --- the search form ----------------------------------------------------------------------------


@pytest.fixture
def sought(field, unit_mazowieckie, older_session, newer_session):
    """One referral that differs from the others in every criterion of the search."""
    target = referral(
        older_session,
        field=field,
        mode=mode(Mode.NON_RESIDENCY),
        status=ReferralStatus.ASSIGNED,
        unit=unit_mazowieckie,
        application__first_name="Zofia",
        application__last_name="Nowak-Wiśniewska",
    )
    referral(newer_session)
    referral(newer_session)
    return target


@pytest.mark.parametrize(
    "criteria",
    [
        pytest.param(lambda r: {"number": r.number}, id="numer skierowania"),
        pytest.param(lambda r: {"number": r.number[-5:]}, id="part of numer skierowania"),
        pytest.param(lambda r: {"application_number": r.application.number}, id="numer wniosku"),
        pytest.param(lambda r: {"name": "Zofia Nowak"}, id="imię i nazwisko"),
        pytest.param(lambda r: {"name": "wiśniewska zofia"}, id="nazwisko i imię, any case"),
        pytest.param(lambda r: {"pesel": f" {r.application.pesel} "}, id="PESEL"),
        pytest.param(lambda r: {"field": r.field_id}, id="dziedzina"),
        pytest.param(lambda r: {"mode": r.mode_id}, id="tryb"),
        pytest.param(lambda r: {"status": ReferralStatus.ASSIGNED}, id="status"),
        pytest.param(lambda r: {"unit": r.unit.name.upper()}, id="jednostka: nazwa"),
        pytest.param(lambda r: {"unit": r.unit.name[3:12]}, id="jednostka: część nazwy"),
        pytest.param(lambda r: {"unit": r.unit.city}, id="jednostka: miejscowość"),
        pytest.param(lambda r: {"unit": r.unit.nip}, id="jednostka: NIP"),
        pytest.param(lambda r: {"unit": r.unit.regon}, id="jednostka: REGON"),
    ],
)
def test_each_search_criterion_finds_the_referral_in_any_session(
    client_of, uw_mazowieckie, sought, criteria
):
    params = {"session": "", **criteria(sought)}
    assert listed(client_of(uw_mazowieckie), **params) == [sought.number]


def test_searching_by_session_finds_only_that_sessions_referrals(
    client_of, uw_mazowieckie, sought, older_session
):
    assert listed(client_of(uw_mazowieckie), session=older_session.pk) == [sought.number]


def test_criteria_combine_so_one_that_does_not_match_lists_nothing(
    client_of, uw_mazowieckie, sought
):
    client = client_of(uw_mazowieckie)
    assert listed(client, session="", field=sought.field_id, status=ReferralStatus.DRAFT) == []


def test_the_list_shows_the_seeds_columns_and_the_unit_once_assigned(
    client_of, uw_mazowieckie, sought
):
    page = client_of(uw_mazowieckie).get(reverse(LIST_URL) + "?session=").content.decode()

    for header in SEED_COLUMNS:
        assert f'<th scope="col">{header}</th>' in page
    assert "Zofia Nowak-Wiśniewska" in page
    assert sought.unit.name in page
    assert "Przydzielone" in page
    assert "nie wybrano" in page  # the drafts have no unit yet
    for label in ("Wyszukiwarka", "Szukaj", "Wyczyść kryteria wyszukiwania"):
        assert label in page


# --- order --------------------------------------------------------------------------------------


def test_referrals_are_sorted_by_points_then_study_result_both_descending(
    client_of, uw_mazowieckie, newer_session
):
    fifty_four = referral(newer_session, points=Decimal(50), study_result=Decimal("4.00"))
    seventy = referral(newer_session, points=Decimal(70), study_result=Decimal("3.50"))
    fifty_five = referral(newer_session, points=Decimal(50), study_result=Decimal("4.80"))
    tie_b = referral(newer_session, number="SK/2026/14/B", points=Decimal(10))
    tie_a = referral(newer_session, number="SK/2026/14/A", points=Decimal(10))

    assert listed(client_of(uw_mazowieckie)) == [
        seventy.number,
        fifty_five.number,
        fifty_four.number,
        tie_a.number,
        tie_b.number,
    ]


# --- scope and permissions ----------------------------------------------------------------------


def test_referrals_of_another_voivodeship_never_appear(
    client_of, uw_mazowieckie, malopolskie, newer_session
):
    own = referral(newer_session)
    foreign = referral(newer_session, voivodeship=malopolskie)
    client = client_of(uw_mazowieckie)

    assert listed(client) == [own.number]
    assert listed(client, session="") == [own.number]
    assert listed(client, session="", number=foreign.number) == []
    rows = csv_rows(client.get(reverse(CSV_URL), {"session": ""}))
    assert [row[0] for row in rows[1:]] == [own.number]


def test_a_unit_of_another_voivodeship_lists_nothing_and_is_never_named(
    client_of, uw_mazowieckie, unit_mazowieckie, unit_malopolskie, malopolskie, newer_session
):
    referral(newer_session)
    referral(
        newer_session,
        voivodeship=malopolskie,
        status=ReferralStatus.ASSIGNED,
        unit=unit_malopolskie,
    )
    client = client_of(uw_mazowieckie)

    for search in (unit_malopolskie.name, unit_malopolskie.nip, "Kraków"):
        response = client.get(reverse(LIST_URL), {"session": "", "unit": search})

        assert response.status_code == 200
        assert list(response.context["referrals"]) == []
        rows = csv_rows(client.get(reverse(CSV_URL), {"session": "", "unit": search}))
        assert rows[1:] == []
    page = client.get(reverse(LIST_URL), {"session": ""}).content.decode()
    assert unit_malopolskie.name not in page
    assert unit_mazowieckie.name not in page  # no list of the office's units either


def test_the_search_form_does_not_grow_with_the_number_of_units(
    client_of, uw_mazowieckie, mazowieckie, newer_session
):
    referral(newer_session)
    client = client_of(uw_mazowieckie)
    before = client.get(reverse(LIST_URL)).content.decode()

    for _ in range(40):
        TrainingUnitFactory(voivodeship=mazowieckie)
    after = client.get(reverse(LIST_URL)).content.decode()

    assert len(after) == len(before)
    assert 'name="unit"' in after and 'type="text"' in after


def test_a_clerk_moved_to_another_office_sees_only_the_new_office_s_referrals(
    client_of, uw_mazowieckie, malopolskie, newer_session
):
    here = referral(newer_session)
    there = referral(newer_session, voivodeship=malopolskie)
    client = client_of(uw_mazowieckie)
    assert listed(client) == [here.number]

    # The administrator moves the profile; no signal tells anything about an UPDATE.
    uw_mazowieckie.profiles.update(voivodeship=malopolskie)

    page = client.get(reverse(LIST_URL)).content.decode()
    assert there.number in page
    assert here.number not in page
    assert here.applicant_name not in page


def test_a_blocked_clerk_gets_no_list(client_of, uw_mazowieckie, newer_session):
    from django.utils import timezone

    own = referral(newer_session)
    client = client_of(uw_mazowieckie)
    assert listed(client) == [own.number]

    uw_mazowieckie.profiles.update(blocked_at=timezone.now())

    assert own.number not in client.get(reverse(LIST_URL)).content.decode()


def test_what_a_clerk_just_did_and_a_renamed_unit_show_in_the_list_at_once(
    client_of, uw_mazowieckie, mazowieckie, newer_session
):
    from referrals import services
    from tests.factories import AccreditationFactory

    unit = TrainingUnitFactory(voivodeship=mazowieckie, name="Laboratorium Stare")
    accreditation = AccreditationFactory(unit=unit)
    draft = referral(newer_session, field=accreditation.field, mode=mode())
    client = client_of(uw_mazowieckie)
    assert "<td>Wersja robocza</td>" in client.get(reverse(LIST_URL)).content.decode()

    services.assign(
        draft.pk,
        version=draft.version,
        changes=services.Changes(unit=unit, fields={"unit"}),
        user=uw_mazowieckie,
        profile=uw_mazowieckie.profiles.get(),
    )
    TrainingUnitFactory._meta.model.objects.filter(pk=unit.pk).update(name="Laboratorium Nowe")

    page = client.get(reverse(LIST_URL)).content.decode()
    assert "<td>Przydzielone</td>" in page
    assert "Laboratorium Nowe" in page and "Laboratorium Stare" not in page


def test_the_wojewoda_sees_the_list_too(client_of, wojewoda_mazowieckie, newer_session):
    own = referral(newer_session)
    assert listed(client_of(wojewoda_mazowieckie)) == [own.number]


@pytest.mark.parametrize("url_name", [LIST_URL, CSV_URL])
@pytest.mark.parametrize("who", ["unit_staff", "applicant"])
def test_unit_staff_and_applicants_are_forbidden(request, client_of, url_name, who):
    user = request.getfixturevalue(who)
    assert client_of(user).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", [LIST_URL, CSV_URL])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.UW, True), (Role.WOJEWODA, True), (Role.UNIT_STAFF, False), (Role.APPLICANT, False)],
)
def test_the_menu_offers_the_list_to_the_voivodeship_office_only(client_of, role, shown):
    response = client_of(person_with_role(role)).get(reverse("home"))
    menu = {item["label"]: item["url"] for item in response.context["menu"]}
    assert ("Skierowania na specjalizację" in menu) is shown
    if shown:
        assert menu["Skierowania na specjalizację"] == reverse(LIST_URL)


# --- pagination and queries ---------------------------------------------------------------------


def test_the_list_pages_by_25_and_page_links_keep_the_criteria(
    client_of, uw_mazowieckie, field, newer_session
):
    for _ in range(30):
        referral(newer_session, field=field)
    referral(newer_session)
    client = client_of(uw_mazowieckie)

    first = client.get(reverse(LIST_URL), {"field": field.pk})
    assert len(first.context["referrals"]) == 25
    assert f"field={field.pk}&amp;page=2" in first.content.decode()
    second = client.get(reverse(LIST_URL), {"field": field.pk, "page": 2})
    assert len(second.context["referrals"]) == 5


def test_the_count_and_the_pages_follow_the_search_and_a_page_past_the_end_is_404(
    client_of, uw_mazowieckie, field, newer_session
):
    for i in range(31):
        referral(newer_session, field=field, points=Decimal(i))
    referral(newer_session)
    client = client_of(uw_mazowieckie)

    second = client.get(reverse(LIST_URL), {"field": field.pk, "page": 2})
    last = client.get(reverse(LIST_URL), {"field": field.pk, "page": "last"})

    assert "Liczba znalezionych skierowań: 31." in second.content.decode()
    assert "Strona 2 z 2" in second.content.decode()
    assert len(second.context["referrals"]) == 6
    assert [r.number for r in last.context["referrals"]] == [
        r.number for r in second.context["referrals"]
    ]
    assert client.get(reverse(LIST_URL), {"field": field.pk, "page": 3}).status_code == 404
    assert client.get(reverse(LIST_URL), {"field": field.pk, "page": 0}).status_code == 404
    assert client.get(reverse(LIST_URL), {"field": field.pk, "page": "x"}).status_code == 404
    assert client.get(reverse(LIST_URL), {"page": str(10**30)}).status_code == 404


def test_a_search_that_finds_nothing_shows_page_1_with_a_count_of_0(
    client_of, uw_mazowieckie, newer_session
):
    referral(newer_session)
    client = client_of(uw_mazowieckie)

    response = client.get(reverse(LIST_URL), {"number": "nie-ma-takiego"})

    assert "Liczba znalezionych skierowań: 0." in response.content.decode()
    assert "Brak skierowań spełniających kryteria." in response.content.decode()
    assert client.get(reverse(LIST_URL), {"number": "nie-ma", "page": 2}).status_code == 404


def test_a_refused_search_shows_the_error_next_to_the_field_and_no_rows(
    client_of, uw_mazowieckie, newer_session
):
    referral(newer_session)

    response = client_of(uw_mazowieckie).get(reverse(LIST_URL), {"field": "999999"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors["field"]
    assert list(response.context["referrals"]) == []
    assert 'id="id_field_error"' in response.content.decode()


def test_the_list_runs_the_same_number_of_queries_for_10_and_60_referrals(
    client_of, uw_mazowieckie, mazowieckie, newer_session, django_assert_max_num_queries
):
    units = [TrainingUnitFactory(voivodeship=mazowieckie) for _ in range(3)]

    def add(count):
        for i in range(count):
            referral(
                newer_session,
                points=Decimal(i),
                status=ReferralStatus.ASSIGNED,
                unit=units[i % len(units)],
            )

    client = client_of(uw_mazowieckie)
    add(10)
    with django_assert_max_num_queries(15) as few:
        assert len(client.get(reverse(LIST_URL)).context["referrals"]) == 10
    add(50)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse(LIST_URL)).context["referrals"]) == 25


# --- links to the form and the application, and the way back ---------------------------------


def test_the_list_remembers_its_url_with_the_criteria_for_the_referral_form(
    client_of, uw_mazowieckie, newer_session
):
    client = client_of(uw_mazowieckie)
    client.get(reverse(LIST_URL), {"status": ReferralStatus.DRAFT, "session": ""})

    assert client.session["referral_list_url"] == (
        f"{reverse(LIST_URL)}?status={ReferralStatus.DRAFT}&session="
    )


def test_each_row_links_to_its_referral_form(client_of, uw_mazowieckie, newer_session):
    own = referral(newer_session)
    form_url = reverse_or_skip("referrals:referral_form", own.pk)

    page = client_of(uw_mazowieckie).get(reverse(LIST_URL)).content.decode()

    assert f'href="{form_url}"' in page
    assert "Skierowanie" in page


def test_the_wniosek_link_carries_the_list_url_with_its_criteria(
    client_of, uw_mazowieckie, field, newer_session
):
    own = referral(newer_session, field=field)
    application_url = reverse_or_skip("qualification:application_detail", own.application_id)
    list_url = f"{reverse(LIST_URL)}?field={field.pk}&session="

    client = client_of(uw_mazowieckie)
    page = client.get(list_url).content.decode()

    wniosek_url = f"{application_url}?next={quote(list_url, safe='')}"
    assert f'href="{escape(wniosek_url)}"' in page
    assert "Wniosek" in page
    # The preview offers the way back to the list with the same criteria (seed 000 §5.3).
    assert f'href="{escape(list_url)}"' in client.get(wniosek_url).content.decode()


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_export_has_every_filtered_row_with_a_bom_and_semicolons(
    client_of, uw_mazowieckie, field, older_session, newer_session
):
    for i in range(30):
        referral(newer_session, field=field, points=Decimal(i))
    referral(older_session, field=field, points=Decimal(99))
    referral(newer_session)
    client = client_of(uw_mazowieckie)

    response = client.get(reverse(CSV_URL), {"field": field.pk})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:7] == list(SEED_COLUMNS)
    # Every row of the newest session in the field, not only the first page, best first.
    assert len(rows) == 30
    assert rows[0][8] == "29,00"
    assert {row[3] for row in rows} == {field.name}
    assert {row[7] for row in rows} == {newer_session.name}


def test_csv_export_without_a_session_criterion_covers_every_session(
    client_of, uw_mazowieckie, older_session, newer_session
):
    referral(older_session)
    referral(newer_session)

    rows = csv_rows(client_of(uw_mazowieckie).get(reverse(CSV_URL), {"session": ""}))

    assert len(rows) == 3


def test_csv_export_keeps_a_name_from_running_as_a_spreadsheet_formula(
    client_of, uw_mazowieckie, newer_session
):
    referral(newer_session, application__first_name="=HYPERLINK(1)", application__last_name="X")

    (_, row) = csv_rows(client_of(uw_mazowieckie).get(reverse(CSV_URL)))

    assert row[2] == "'=HYPERLINK(1) X"


def test_the_list_links_to_the_csv_export_with_its_criteria(
    client_of, uw_mazowieckie, field, newer_session
):
    for _ in range(26):
        referral(newer_session, field=field)
    client = client_of(uw_mazowieckie)

    page = client.get(reverse(LIST_URL), {"field": field.pk, "page": 2}).content.decode()

    assert f'href="{reverse(CSV_URL)}?field={field.pk}"' in page
