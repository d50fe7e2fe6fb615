""" "Statystyka złożonych wniosków": public counts of approved applications per field and
voivodeship in the current session, live, with an accessible SVG chart and a table."""

import datetime
import re

import pytest
from django.urls import reverse

from qualification.models import ApplicationStatus
from qualification.views.statistics import current_session
from tests.applicant.conftest import open_session_around
from tests.factories import ApplicationFactory, FieldFactory, SessionFactory, mode, voivodeship

pytestmark = pytest.mark.django_db

URL = reverse("qualification:statistics")


@pytest.fixture
def counted(session, field, other_field):
    """In ``session``: mazowieckie 3 approved in ``field`` (2 rezydentura, 1 poza) and 1 in
    ``other_field``; małopolskie 2 in ``field``; drafts and inactive ones never count."""
    maz, mal = voivodeship("mazowieckie"), voivodeship("małopolskie")
    for _ in range(2):
        ApplicationFactory(session=session, voivodeship=maz, field=field)
    ApplicationFactory(session=session, voivodeship=maz, field=field, mode=mode("poza-rezydentura"))
    ApplicationFactory(session=session, voivodeship=maz, field=other_field)
    for _ in range(2):
        ApplicationFactory(session=session, voivodeship=mal, field=field)
    ApplicationFactory(session=session, voivodeship=maz, field=field,
                       status=ApplicationStatus.DRAFT, approved_at=None)  # fmt: skip
    ApplicationFactory(session=session, voivodeship=maz, field=field,
                       status=ApplicationStatus.INACTIVE)  # fmt: skip
    older = SessionFactory(name="Sesja dawna")
    ApplicationFactory(session=older, voivodeship=maz, field=field)


def table(response):
    return {name: (cells, total) for name, cells, total in response.context["rows"]}


def cell(response, field_name, column_name):
    columns = response.context["columns"]
    cells, _total = table(response)[field_name]
    return cells[columns.index(column_name)]


def test_anyone_sees_the_counts_of_approved_applications_per_field_and_voivodeship(
    client, counted, session, field, other_field
):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["session"] == session
    assert cell(response, field.name, "mazowieckie") == 3
    assert cell(response, field.name, "małopolskie") == 2
    assert cell(response, other_field.name, "mazowieckie") == 1
    assert cell(response, other_field.name, "małopolskie") == 0
    assert table(response)[field.name][1] == 5
    assert response.context["total"] == 6
    totals = dict(zip(response.context["columns"], response.context["totals"], strict=True))
    assert totals["mazowieckie"] == 4 and totals["śląskie"] == 0


def test_one_voivodeship_is_split_by_mode(client, counted, field):
    response = client.get(URL, {"voivodeship": voivodeship("mazowieckie").pk})
    assert response.context["columns"] == ["poza rezydenturą", "rezydentura"]
    assert cell(response, field.name, "rezydentura") == 2
    assert cell(response, field.name, "poza rezydenturą") == 1
    assert response.context["total"] == 4


def test_a_newly_approved_application_counts_at_once(client, counted, session, field):
    client.get(URL)
    ApplicationFactory(session=session, voivodeship=voivodeship("mazowieckie"), field=field)
    response = client.get(URL)
    assert cell(response, field.name, "mazowieckie") == 4
    assert response["Cache-Control"] in ("max-age=5, private", "private, max-age=5")


def test_the_chart_is_accessible_svg_and_the_numbers_stand_in_a_table(client, counted, field):
    page = client.get(URL).content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-voivodeships-title chart-voivodeships-desc"' in svg
    assert '<title id="chart-voivodeships-title">Złożone wnioski według województw</title>' in svg
    assert "mazowieckie: 4" in svg and "małopolskie: 2" in svg
    assert "style=" not in page.split("<main", 1)[1]
    assert "<script>" not in page
    assert '<caption id="statistics-caption">' in page
    assert f'<th scope="row">{field.name}</th>' in page
    assert "css/statistics.css" in page


def test_bars_are_proportional_to_the_counts(client, counted):
    chart = client.get(URL).context["charts"][0]
    bars = {bar.label: bar for bar in chart.bars}
    assert bars["mazowieckie"].width == pytest.approx(2 * bars["małopolskie"].width)
    assert bars["śląskie"].width == 0


def test_another_session_can_be_chosen(client, counted, field):
    response = client.get(URL, {"session": SessionFactory(name="Sesja dawna").pk})
    assert cell(response, field.name, "mazowieckie") == 1


def test_the_current_session_is_the_one_accepting_applications_else_the_newest_started(today):
    assert current_session(today) is None
    past = SessionFactory(
        name="Przeszła",
        applications_from=today - datetime.timedelta(days=100),
        applications_to=today - datetime.timedelta(days=70),
        procedure_from=today - datetime.timedelta(days=69),
        procedure_to=today - datetime.timedelta(days=40),
    )
    future = SessionFactory(
        name="Przyszła",
        applications_from=today + datetime.timedelta(days=30),
        applications_to=today + datetime.timedelta(days=60),
        procedure_from=today + datetime.timedelta(days=61),
        procedure_to=today + datetime.timedelta(days=90),
    )
    assert current_session(today) == past
    assert future != past
    now_open = open_session_around(today, name="Teraz")
    assert current_session(today) == now_open


def test_the_page_never_names_a_person_or_an_application(client, counted, session):
    applications = session.applications.all()
    page = client.get(URL).content.decode()
    for application in applications:
        assert application.number not in page
        assert application.last_name not in page
        assert application.pesel not in page


def test_without_any_session_the_page_says_so(client):
    FieldFactory()
    response = client.get(URL)
    assert response.status_code == 200
    assert "Nie ogłoszono jeszcze żadnej sesji" in response.content.decode()


def test_a_procedure_s_figures_disappear_when_it_ends(client, counted, session, field):
    """Seed 002: "dostępna … do końca każdego postępowania kwalifikacyjnego"."""
    from qualification.models import Stage
    from tests.factories import ProcedureFactory

    procedure = ProcedureFactory(session=session, voivodeship=voivodeship("mazowieckie"))
    assert cell(client.get(URL), field.name, "mazowieckie") == 3
    procedure.__class__.objects.filter(pk=procedure.pk).update(stage=Stage.CLOSED)

    response = client.get(URL)
    assert "mazowieckie" not in response.context["columns"]
    assert cell(response, field.name, "małopolskie") == 2
    assert response.context["total"] == 2
    assert "zakończyło się w województwie: mazowieckie" in response.content.decode()
    one = client.get(URL, {"voivodeship": voivodeship("mazowieckie").pk})
    assert "rows" not in one.context
    assert "statystyka złożonych wniosków nie jest już dostępna" in one.content.decode()
