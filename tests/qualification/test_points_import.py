"""Points of a whole procedure from a CSV file: all rows or none (SPEC §3)."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from qualification.models import Application, FormalEvaluation, Stage
from qualification.services.evaluation import PointsImportError, PointsRow, import_points
from smk.models import Event
from tests.qualification.application_helpers import (
    application_in,
    csv_upload,
    page_text,
    positive_application_in,
    procedure_at,
    url,
)

pytestmark = pytest.mark.django_db

HEADER = "numer_wniosku;staz_pracy_lata;punkty_publikacje;punkty_kursy;punkty_inne"


@pytest.fixture
def procedure(mazowieckie):
    return procedure_at(Stage.FORMAL_EVALUATION)


@pytest.fixture
def first(procedure):
    return positive_application_in(procedure, number="WN/2026/14/00001")


@pytest.fixture
def second(procedure):
    return positive_application_in(procedure, number="WN/2026/14/00002")


def upload(client, procedure, text, **kwargs):
    return client.post(
        url("application_points_import", procedure), {"file": csv_upload(text, **kwargs)}
    )


def file_errors(response):
    return response.context["form"].errors.get("file", [])


def points_events(application):
    return list(Event.objects.for_object(application).filter(action="application.points_imported"))


def test_a_good_file_imports_every_row_in_one_go(
    client_of, uw_mazowieckie, procedure, first, second
):
    text = f"{HEADER}\n{first.number};5;2,5;1;0\n{second.number};10;0;0,75;1.5\n"
    response = upload(client_of(uw_mazowieckie), procedure, text)
    assert response.status_code == 302
    assert response.url == reverse("qualification:application_list") + (
        f"?procedure={procedure.pk}"
    )
    one, two = Application.objects.get(pk=first.pk), Application.objects.get(pk=second.pk)
    assert (one.employment_years, one.points_employment, one.points) == (5, 10, Decimal("13.50"))
    assert (two.employment_years, two.points_employment, two.points) == (10, 15, Decimal("17.25"))
    assert one.version == first.version + 1
    assert two.version == second.version + 1
    [event] = points_events(first)
    assert event.user == uw_mazowieckie
    assert event.data["points"] == ["", "13.50"]
    assert len(points_events(second)) == 1


def test_the_success_message_gives_the_count(client_of, uw_mazowieckie, procedure, first, second):
    client = client_of(uw_mazowieckie)
    text = f"{HEADER}\n{first.number};0;0;0;0\n{second.number};3;0;0;0\n"
    response = client.post(
        url("application_points_import", procedure),
        {"file": csv_upload(text)},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "Zaimportowano punktację 2 wniosków." in messages


def test_one_bad_row_imports_nothing_and_every_row_error_is_listed(
    client_of, uw_mazowieckie, procedure, first, second
):
    third = positive_application_in(procedure, number="WN/2026/14/00003")
    text = f"{HEADER}\n{first.number};5;2;0;0\n{second.number};5;-1;0;0\n{third.number};abc;0;0;x\n"
    response = upload(client_of(uw_mazowieckie), procedure, text)
    assert response.status_code == 200
    assert file_errors(response) == [
        "Wiersz 3: punkty_publikacje — Liczba punktów nie może być ujemna.",
        "Wiersz 4: staz_pracy_lata — Podaj pełną liczbę lat, np. 5.",
        "Wiersz 4: punkty_inne — Podaj liczbę, np. 2,5.",
    ]
    assert "Wiersz 3: punkty_publikacje" in page_text(response)
    assert not Application.objects.filter(points__isnull=False).exists()
    assert Application.objects.get(pk=first.pk).version == first.version
    assert points_events(first) == []


def test_unknown_numbers_duplicates_and_unevaluated_applications_are_row_errors(
    client_of, uw_mazowieckie, procedure, first
):
    unevaluated = application_in(procedure, number="WN/2026/14/00009")
    text = (
        f"{HEADER}\n"
        f"{first.number};1;0;0;0\n"
        "WN/2026/14/77777;1;0;0;0\n"
        f"{first.number};2;0;0;0\n"
        f"{unevaluated.number};1;0;0;0\n"
        ";1;0;0;0\n"
        f"{first.number};1;0\n"
    )
    errors = file_errors(upload(client_of(uw_mazowieckie), procedure, text))
    assert errors == [
        "Wiersz 3: w tym postępowaniu nie ma wniosku o numerze WN/2026/14/77777.",
        "Wiersz 4: numer wniosku WN/2026/14/00001 powtarza się (pierwszy raz w wierszu 2).",
        "Wiersz 5: wniosek WN/2026/14/00009 nie ma pozytywnej oceny formalnej — punktację "
        "wprowadza się tylko we wnioskach ocenionych pozytywnie.",
        "Wiersz 6: brak numeru wniosku (kolumna numer_wniosku).",
        "Wiersz 7: oczekiwano 5 kolumn, jest 3.",
    ]
    assert Application.objects.get(pk=first.pk).points is None


def test_a_control_character_in_a_cell_refuses_the_file_naming_its_row_and_column(
    client_of, uw_mazowieckie, procedure, first, second
):
    rows = [HEADER, f"{first.number};5;0;0;0", f"{second.number}\x00;1;0;0;0", "WN/3;1\x1b;0;0;0"]
    text = "\n".join(rows) + "\n"
    response = upload(client_of(uw_mazowieckie), procedure, text)
    assert response.status_code == 200
    assert file_errors(response) == [
        "Wiersz 3: numer_wniosku — Pole zawiera niedozwolone znaki sterujące.",
        "Wiersz 4: staz_pracy_lata — Pole zawiera niedozwolone znaki sterujące.",
    ]
    assert "Wiersz 3: numer_wniosku — Pole zawiera niedozwolone znaki sterujące." in page_text(
        response
    )
    assert not Application.objects.filter(points__isnull=False).exists()
    assert points_events(first) == []


def test_another_voivodeships_application_number_is_refused_without_revealing_it(
    client_of, uw_mazowieckie, procedure, first
):
    foreign = positive_application_in(
        procedure_at(Stage.FORMAL_EVALUATION, name="małopolskie"), number="WN/2026/12/00001"
    )
    text = f"{HEADER}\n{first.number};1;0;0;0\n{foreign.number};10;5;5;5\n"
    errors = file_errors(upload(client_of(uw_mazowieckie), procedure, text))
    assert errors == ["Wiersz 3: w tym postępowaniu nie ma wniosku o numerze WN/2026/12/00001."]
    assert Application.objects.get(pk=foreign.pk).points is None
    assert Application.objects.get(pk=first.pk).points is None


def test_an_application_of_another_procedure_of_the_same_voivodeship_is_refused(
    client_of, uw_mazowieckie, procedure
):
    elsewhere = positive_application_in(procedure_at(Stage.FORMAL_EVALUATION))
    text = f"{HEADER}\n{elsewhere.number};1;0;0;0\n"
    errors = file_errors(upload(client_of(uw_mazowieckie), procedure, text))
    assert errors == [f"Wiersz 2: w tym postępowaniu nie ma wniosku o numerze {elsewhere.number}."]


def test_a_file_with_bom_and_comma_separator_is_read(
    client_of, uw_mazowieckie, procedure, first, second
):
    text = (
        "numer_wniosku,staz_pracy_lata,punkty_publikacje,punkty_kursy,punkty_inne\r\n"
        f'{first.number},3,"1,5",0,0\r\n'
        f"{second.number},0,0.25,0,0\r\n"
        "\r\n"
    )
    response = upload(client_of(uw_mazowieckie), procedure, text, bom=True)
    assert response.status_code == 302, file_errors(response)
    assert Application.objects.get(pk=first.pk).points == Decimal("6.50")
    assert Application.objects.get(pk=second.pk).points == Decimal("0.25")


def test_columns_may_come_in_any_order_and_headers_in_capitals(
    client_of, uw_mazowieckie, procedure, first
):
    text = (
        "PUNKTY_INNE;Numer_Wniosku;staz_pracy_lata;punkty_kursy;punkty_publikacje\n"
        f"1;{first.number};10;0;0\n"
    )
    assert upload(client_of(uw_mazowieckie), procedure, text).status_code == 302
    assert Application.objects.get(pk=first.pk).points == Decimal("16.00")


def test_an_oversized_file_is_refused_with_a_clear_message(
    client_of, uw_mazowieckie, procedure, first
):
    line = f"{first.number};1;0;0;0\n"
    text = HEADER + "\n" + line * (2 * 1024 * 1024 // len(line) + 1)
    errors = file_errors(upload(client_of(uw_mazowieckie), procedure, text))
    assert len(errors) == 1
    assert errors[0].startswith("Plik jest za duży")
    assert "najwyżej 2 MB" in errors[0]
    assert Application.objects.get(pk=first.pk).points is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"numer;punkty\nWN/1;5\n", "Nagłówek pliku musi zawierać dokładnie kolumny"),
        ("numer_wniosku;staz_pracy_lata\n".encode("cp1250"), "Nagłówek pliku"),
        ("Źle zapisany plik;ą\n".encode("cp1250"), "kodowaniu UTF-8"),
        (b"", "pusty"),
        (HEADER.encode() + b"\n", "nie zawiera żadnego wiersza"),
    ],
)
def test_a_malformed_file_is_refused(client_of, uw_mazowieckie, procedure, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_of(uw_mazowieckie).post(
        url("application_points_import", procedure),
        {"file": SimpleUploadedFile("p.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert any(message in error for error in file_errors(response)), file_errors(response)


def test_a_missing_file_is_asked_for(client_of, uw_mazowieckie, procedure):
    response = client_of(uw_mazowieckie).post(url("application_points_import", procedure), {})
    assert file_errors(response) == ["Wybierz plik CSV z punktacją."]


@pytest.mark.parametrize("stage", [Stage.APPLICATIONS, Stage.CLOSED])
def test_outside_evaluation_and_competition_the_import_is_not_offered_nor_accepted(
    client_of, uw_mazowieckie, stage
):
    procedure = procedure_at(stage)
    application = positive_application_in(procedure)
    client = client_of(uw_mazowieckie)
    response = client.get(url("application_points_import", procedure))
    assert response.context["form"] is None
    assert "Punktację można wprowadzić tylko na etapie" in page_text(response)
    response = client.post(
        url("application_points_import", procedure),
        {"file": csv_upload(f"{HEADER}\n{application.number};1;0;0;0\n")},
        follow=True,
    )
    assert any(
        "Punktację można wprowadzić tylko na etapie" in str(m) for m in response.context["messages"]
    )
    assert Application.objects.get(pk=application.pk).points is None


def test_the_import_is_accepted_in_the_competition_stage(client_of, uw_mazowieckie):
    procedure = procedure_at(Stage.COMPETITION)
    application = positive_application_in(procedure)
    upload(client_of(uw_mazowieckie), procedure, f"{HEADER}\n{application.number};3;0;0;0\n")
    assert Application.objects.get(pk=application.pk).points == Decimal("5.00")


def test_the_service_rechecks_every_row_and_refuses_the_whole_file(
    uw_mazowieckie, procedure, first
):
    negative = application_in(
        procedure, formal_evaluation=FormalEvaluation.NEGATIVE, formal_reason="Brak dokumentów."
    )
    rows = [
        PointsRow(2, first.number, 1, Decimal(0), Decimal(0), Decimal(0)),
        PointsRow(3, negative.number, 1, Decimal(0), Decimal(0), Decimal(0)),
    ]
    with pytest.raises(PointsImportError) as refused:
        import_points(procedure.pk, rows, user=uw_mazowieckie, profile=None)
    assert refused.value.errors[0].startswith("Wiersz 3: wniosek")
    assert Application.objects.get(pk=first.pk).points is None


def test_the_template_lists_the_positive_applications_of_the_procedure(
    client_of, uw_mazowieckie, procedure, first, second
):
    Application.objects.filter(pk=second.pk).update(
        employment_years=4, points_publications=Decimal("1.50")
    )
    application_in(procedure, number="WN/2026/14/00005")  # not evaluated
    positive_application_in(procedure_at(Stage.FORMAL_EVALUATION), number="WN/2026/14/00006")
    response = client_of(uw_mazowieckie).get(url("application_points_template", procedure))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="punktacja-')
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows == [
        HEADER.split(";"),
        [first.number, "", "", "", ""],
        [second.number, "4", "1,50", "", ""],
    ]


def test_the_downloaded_template_filled_in_imports_back(
    client_of, uw_mazowieckie, procedure, first, second
):
    client = client_of(uw_mazowieckie)
    template = client.get(url("application_points_template", procedure)).content.decode()
    filled = template.replace(";;;;", ";2;1,5;0;0")
    response = upload(client, procedure, filled.lstrip("\ufeff"), bom=True)
    assert response.status_code == 302, file_errors(response)
    assert Application.objects.get(pk=second.pk).points == Decimal("1.50")


def test_the_import_page_explains_the_file_and_links_the_template(
    client_of, wojewoda_mazowieckie, procedure
):
    response = client_of(wojewoda_mazowieckie).get(url("application_points_import", procedure))
    text = page_text(response)
    assert HEADER in text
    assert url("application_points_template", procedure) in text
    assert 'enctype="multipart/form-data"' in text
    assert reverse("qualification:application_list") in text
