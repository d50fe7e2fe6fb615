"""Ranking lists per field and mode: screens, PDF and CSV (SPEC §3, seed 000 §1)."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from qualification.models import (
    Application,
    FormalEvaluation,
    SlotList,
    SlotListStatus,
    Stage,
)
from qualification.services.closing import close_procedure
from tests.factories import (
    ApplicationFactory,
    FieldFactory,
    ProcedureFactory,
    SlotListFactory,
    SlotListItemFactory,
    mode,
)

pytestmark = pytest.mark.django_db

TIE_BREAK_NOTE = (
    "Przy równej liczbie punktów decyduje wynik studiów, następnie wcześniejsze zatwierdzenie "
    "wniosku, a na końcu numer wniosku"
)


@pytest.fixture
def field():
    return FieldFactory(
        name="laboratoryjna hematologia medyczna", code="laboratoryjna-hematologia-medyczna"
    )


@pytest.fixture
def non_residency():
    return mode("poza-rezydentura")


@pytest.fixture
def procedure(mazowieckie):
    return ProcedureFactory(voivodeship=mazowieckie, stage=Stage.COMPETITION)


def slot_list(procedure, places, status=SlotListStatus.APPROVED):
    slots = SlotListFactory(
        session=procedure.session, voivodeship=procedure.voivodeship, status=status
    )
    for (field, mode_), n in places.items():
        SlotListItemFactory(slot_list=slots, field=field, mode=mode_, places=n)
    return slots


def positive(procedure, field, mode_, points, **kwargs):
    return ApplicationFactory(
        session=procedure.session,
        voivodeship=procedure.voivodeship,
        field=field,
        mode=mode_,
        formal_evaluation=FormalEvaluation.POSITIVE,
        points=Decimal(points),
        **kwargs,
    )


@pytest.fixture
def ranking(procedure, field, non_residency):
    """Three candidates for two places in hematologia / poza rezydenturą."""
    slot_list(procedure, {(field, non_residency): 2})
    return [
        positive(procedure, field, non_residency, "30", first_name="Łucja", last_name="Żółkiewska"),
        positive(procedure, field, non_residency, "20", first_name="Ścibor", last_name="Gęślak"),
        positive(procedure, field, non_residency, "10", first_name="Anna", last_name="Nowak"),
    ]


def urls(procedure, field, mode_):
    args = (procedure.pk, field.pk, mode_.pk)
    return {
        "ranking_index": reverse("qualification:ranking_index", args=(procedure.pk,)),
        "ranking_detail": reverse("qualification:ranking_detail", args=args),
        "ranking_pdf": reverse("qualification:ranking_pdf", args=args),
        "ranking_csv": reverse("qualification:ranking_csv", args=args),
    }


URL_NAMES = ["ranking_index", "ranking_detail", "ranking_pdf", "ranking_csv"]


# --- who may see ranking lists ----------------------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("uw_mazowieckie", 200),
        ("wojewoda_mazowieckie", 200),
        ("uw_malopolskie", 404),
        ("unit_staff", 403),
        ("applicant", 403),
    ],
)
def test_ranking_pages_are_for_the_office_of_the_procedures_voivodeship(
    request, client_of, procedure, field, non_residency, ranking, name, who, status
):
    client = client_of(request.getfixturevalue(who))
    response = client.get(urls(procedure, field, non_residency)[name])
    assert response.status_code == status


@pytest.mark.parametrize("name", URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_log_in(client, procedure, field, non_residency, name):
    response = client.get(urls(procedure, field, non_residency)[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["ranking_detail", "ranking_pdf", "ranking_csv"])
@pytest.mark.parametrize("missing", ["field", "mode"])
def test_a_field_or_mode_that_does_not_exist_answers_404(
    client_of, uw_mazowieckie, procedure, field, non_residency, name, missing
):
    args = [procedure.pk, field.pk, non_residency.pk]
    args[1 if missing == "field" else 2] = 999_999
    response = client_of(uw_mazowieckie).get(reverse(f"qualification:{name}", args=args))
    assert response.status_code == 404


def test_a_procedure_that_does_not_exist_answers_404(client_of, uw_mazowieckie):
    response = client_of(uw_mazowieckie).get(
        reverse("qualification:ranking_index", args=(999_999,))
    )
    assert response.status_code == 404


# --- the index --------------------------------------------------------------------------------


def test_index_lists_each_field_and_mode_with_places_candidates_and_competition(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    residency = mode()
    other_field = FieldFactory(name="toksykologia medyczna", code="toksykologia-medyczna")
    slots = SlotList.objects.get(session=procedure.session, voivodeship=procedure.voivodeship)
    SlotListItemFactory(slot_list=slots, field=other_field, mode=residency, places=3)
    positive(procedure, other_field, residency, "5")
    ApplicationFactory(  # not evaluated yet: on no list
        session=procedure.session, voivodeship=procedure.voivodeship, field=field, mode=residency
    )

    response = client_of(uw_mazowieckie).get(urls(procedure, field, non_residency)["ranking_index"])

    rows = [
        (r.field_name, r.mode_name, r.places, r.candidates)
        for r in response.context["summary"].rows
    ]
    assert rows == [
        ("laboratoryjna hematologia medyczna", "poza rezydenturą", 2, 3),
        ("toksykologia medyczna", "rezydentura", 3, 1),
    ]
    competition = [r.competition_needed for r in response.context["summary"].rows]
    assert competition == [True, False]
    page = response.content.decode()
    assert "Konkurs (więcej kandydatów niż miejsc)" in page
    assert "zatwierdzona" in page
    assert TIE_BREAK_NOTE in page
    assert (
        reverse("qualification:ranking_detail", args=(procedure.pk, field.pk, non_residency.pk))
        in page
    )


def test_index_says_when_the_slot_list_is_not_approved_yet(
    client_of, uw_mazowieckie, procedure, field, non_residency
):
    slot_list(procedure, {(field, non_residency): 1}, status=SlotListStatus.DRAFT)
    positive(procedure, field, non_residency, "5")
    response = client_of(uw_mazowieckie).get(urls(procedure, field, non_residency)["ranking_index"])
    assert "nie są jeszcze zatwierdzone przez Wojewodę" in response.content.decode()


def test_index_shows_qualified_counts_once_the_procedure_is_closed(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    client = client_of(uw_mazowieckie)
    before = client.get(urls(procedure, field, non_residency)["ranking_index"])
    assert [r.qualified for r in before.context["summary"].rows] == [None]

    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    after = client.get(urls(procedure, field, non_residency)["ranking_index"])
    assert [r.qualified for r in after.context["summary"].rows] == [2]


# --- one list: preliminary, then final ----------------------------------------------------------


def rows_of(response):
    return [
        (e.position, e.application.last_name, e.qualified)
        for e in response.context["ranking"].entries
    ]


def test_before_closing_the_list_is_preliminary_in_ranking_order_with_top_n_qualified(
    client_of, wojewoda_mazowieckie, procedure, field, non_residency, ranking
):
    tie_worse_study = positive(
        procedure, field, non_residency, "20", study_result=Decimal("3.10"), last_name="Kruk"
    )
    response = client_of(wojewoda_mazowieckie).get(
        urls(procedure, field, non_residency)["ranking_detail"]
    )
    page = response.content.decode()
    assert "Lista rankingowa — wstępna" in page
    assert "Lista rankingowa — ostateczna" not in page
    assert rows_of(response) == [
        (1, "Żółkiewska", True),
        (2, "Gęślak", True),
        (3, tie_worse_study.last_name, False),
        (4, "Nowak", False),
    ]
    assert "Zakwalifikowany" in page
    assert "Niezakwalifikowany" in page
    assert TIE_BREAK_NOTE in page
    assert "Zakwalifikuj kolejny wniosek" not in page  # the next issue's manual qualification


def test_only_formally_positive_applications_of_this_procedure_are_on_the_list(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking, malopolskie
):
    common = {"field": field, "mode": non_residency, "points": Decimal("99")}
    ApplicationFactory(
        session=procedure.session,
        voivodeship=procedure.voivodeship,
        formal_evaluation=FormalEvaluation.NEGATIVE,
        formal_reason="Brak dyplomu",
        **common,
    )
    ApplicationFactory(session=procedure.session, voivodeship=procedure.voivodeship, **common)
    ApplicationFactory(
        session=procedure.session,
        voivodeship=malopolskie,
        formal_evaluation=FormalEvaluation.POSITIVE,
        **common,
    )
    ApplicationFactory(
        voivodeship=procedure.voivodeship, formal_evaluation=FormalEvaluation.POSITIVE, **common
    )
    response = client_of(uw_mazowieckie).get(
        urls(procedure, field, non_residency)["ranking_detail"]
    )
    assert [a.pk for a in (e.application for e in response.context["ranking"].entries)] == [
        a.pk for a in ranking
    ]


def test_without_a_slot_list_a_preliminary_list_does_not_guess_who_is_qualified(
    client_of, uw_mazowieckie, procedure, field, non_residency
):
    positive(procedure, field, non_residency, "5")
    response = client_of(uw_mazowieckie).get(
        urls(procedure, field, non_residency)["ranking_detail"]
    )
    assert [e.qualified for e in response.context["ranking"].entries] == [None]
    assert "brak listy miejsc szkoleniowych" in response.content.decode()


def test_after_closing_the_list_is_final_and_shows_what_closing_stored(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    # A later change of points must not reorder a final list: it shows the stored result.
    Application.objects.filter(pk=ranking[2].pk).update(points=Decimal("100"))

    response = client_of(uw_mazowieckie).get(
        urls(procedure, field, non_residency)["ranking_detail"]
    )
    page = response.content.decode()
    assert "Lista rankingowa — ostateczna" in page
    assert "Lista rankingowa — wstępna" not in page
    assert rows_of(response) == [
        (1, "Żółkiewska", True),
        (2, "Gęślak", True),
        (3, "Nowak", False),
    ]


def test_a_manually_qualified_application_is_marked_on_the_final_list(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    close_procedure(procedure.pk, user=uw_mazowieckie, profile=None)
    Application.objects.filter(pk=ranking[2].pk).update(qualified=True, qualified_manually=True)
    response = client_of(uw_mazowieckie).get(
        urls(procedure, field, non_residency)["ranking_detail"]
    )
    assert rows_of(response)[2] == (3, "Nowak", True)
    assert "Zakwalifikowany (ręcznie)" in response.content.decode()


def test_the_list_page_runs_the_same_number_of_queries_for_3_or_30_applications(
    client_of,
    uw_mazowieckie,
    procedure,
    field,
    non_residency,
    ranking,
    django_assert_max_num_queries,
):
    client = client_of(uw_mazowieckie)
    url = urls(procedure, field, non_residency)["ranking_detail"]
    client.get(url)  # warm up the session and the profile
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(27):
        positive(procedure, field, non_residency, str(n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["ranking"].entries) == 30


def test_the_index_runs_the_same_number_of_queries_however_many_lists(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    client = client_of(uw_mazowieckie)
    url = urls(procedure, field, non_residency)["ranking_index"]
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        positive(procedure, FieldFactory(), mode(), str(n))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["summary"].rows) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


# --- PDF and CSV ------------------------------------------------------------------------------


def test_pdf_has_the_title_field_mode_session_places_and_names_in_polish(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    response = client_of(uw_mazowieckie).get(urls(procedure, field, non_residency)["ranking_pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in [
        "Lista rankingowa",
        "wstępna",
        "laboratoryjna hematologia medyczna",
        "poza rezydenturą",
        str(procedure.session),
        "mazowieckie",
        "Data wygenerowania",
        "Żółkiewska",
        "Łucja",
        "Gęślak",
        "Ścibor",
        "Niezakwalifikowany",
    ]:
        assert expected in text, expected


def test_csv_is_utf8_with_bom_semicolons_and_a_header_row(
    client_of, uw_mazowieckie, procedure, field, non_residency, ranking
):
    response = client_of(uw_mazowieckie).get(urls(procedure, field, non_residency)["ranking_csv"])
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="lista-rankingowa-2026-14-laboratoryjna-hematologia-medyczna-'
        in (response["Content-Disposition"])
    )
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Pozycja",
        "Numer wniosku",
        "Nazwisko",
        "Imię",
        "Punkty",
        "Wynik studiów",
        "Kwalifikacja",
    ]
    first = ranking[0]
    assert rows[1] == [
        "1",
        first.number,
        "Żółkiewska",
        "Łucja",
        "30,00",
        "4,20",
        "Zakwalifikowany",
    ]
    assert [row[6] for row in rows[1:]] == [
        "Zakwalifikowany",
        "Zakwalifikowany",
        "Niezakwalifikowany",
    ]
