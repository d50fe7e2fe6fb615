"""The office's application screens: who may open them, the list and its filters,
"Podgląd wniosku" with its way back, "Historia wniosku" (SPEC §3, §5; seed 000 §5.3).

One module past 400 lines: the screens of one application share the world of fixtures at
the top; each section is one screen.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from qualification.models import ApplicationStatus, FormalEvaluation, Stage
from qualification.services.evaluation import enter_points, evaluate_application
from tests.factories import (
    FieldFactory,
    PreferredUnitFactory,
    TrainingUnitFactory,
    UserFactory,
    mode,
    person_with_role,
)
from tests.qualification.application_helpers import (
    application_in,
    page_text,
    positive_application_in,
    procedure_at,
    url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure(mazowieckie):
    return procedure_at(Stage.FORMAL_EVALUATION)


@pytest.fixture
def application(procedure):
    return application_in(
        procedure, first_name="Grażyna", last_name="Żółkiewska", number="WN/2026/14/00042"
    )


def listed_numbers(response):
    return [a.number for a in response.context["applications"]]


# --- who may open what -----------------------------------------------------------------------

OBJECT_VIEWS = [
    ("application_detail", "application"),
    ("application_evaluate", "application"),
    ("application_points", "application"),
    ("application_history", "application"),
    ("application_points_import", "procedure"),
    ("application_points_template", "procedure"),
]


def _address(name, target, application, procedure):
    return url(name, application if target == "application" else procedure)


@pytest.mark.parametrize(("name", "target"), OBJECT_VIEWS)
@pytest.mark.parametrize("clerk", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_voivodeship_office_opens_every_application_screen(
    request, client_of, application, procedure, name, target, clerk
):
    client = client_of(request.getfixturevalue(clerk))
    assert client.get(_address(name, target, application, procedure)).status_code == 200


@pytest.mark.parametrize("clerk", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_voivodeship_office_opens_the_application_list(request, client_of, clerk):
    client = client_of(request.getfixturevalue(clerk))
    assert client.get(reverse("qualification:application_list")).status_code == 200


@pytest.mark.parametrize(("name", "target"), OBJECT_VIEWS)
def test_another_voivodeships_clerk_gets_404(
    client_of, uw_malopolskie, application, procedure, name, target
):
    response = client_of(uw_malopolskie).get(_address(name, target, application, procedure))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "target"), OBJECT_VIEWS)
@pytest.mark.parametrize("person", ["unit_staff", "applicant", "administrator"])
def test_other_roles_are_refused_with_403(
    request, client_of, application, procedure, name, target, person
):
    client = client_of(request.getfixturevalue(person))
    assert client.get(_address(name, target, application, procedure)).status_code == 403
    assert client.get(reverse("qualification:application_list")).status_code == 403


@pytest.mark.parametrize(("name", "target"), OBJECT_VIEWS)
def test_anonymous_visitor_is_sent_to_the_login_page(client, application, procedure, name, target):
    for address in (
        _address(name, target, application, procedure),
        reverse("qualification:application_list"),
    ):
        response = client.get(address)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("application_detail", "application"),
        ("application_history", "application"),
        ("application_points_template", "procedure"),
    ],
)
def test_read_only_screens_refuse_a_post_with_405(
    client_of, uw_mazowieckie, application, procedure, name, target
):
    response = client_of(uw_mazowieckie).post(_address(name, target, application, procedure))
    assert response.status_code == 405


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("application_evaluate", "application"),
        ("application_points", "application"),
        ("application_points_import", "procedure"),
    ],
)
def test_form_screens_accept_only_get_and_post(
    client_of, uw_mazowieckie, application, procedure, name, target
):
    response = client_of(uw_mazowieckie).put(_address(name, target, application, procedure))
    assert response.status_code == 405


def test_the_office_never_sees_an_application_the_applicant_has_not_approved(
    client_of, uw_mazowieckie, procedure
):
    draft = application_in(procedure, status=ApplicationStatus.DRAFT)
    approved = application_in(procedure)
    client = client_of(uw_mazowieckie)
    assert listed_numbers(client.get(reverse("qualification:application_list"))) == [
        approved.number
    ]
    for name in ("application_detail", "application_evaluate", "application_history"):
        assert client.get(url(name, draft)).status_code == 404


def test_the_list_shows_only_the_clerks_voivodeship(
    client_of, uw_malopolskie, application, malopolskie
):
    own = application_in(procedure_at(name="małopolskie"))
    response = client_of(uw_malopolskie).get(reverse("qualification:application_list"))
    assert listed_numbers(response) == [own.number]


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_the_columns_and_a_preview_link_carrying_the_filters(
    client_of, uw_mazowieckie, procedure
):
    application = positive_application_in(
        procedure,
        first_name="Łucja",
        last_name="Ślusarczyk",
        points=Decimal("17.50"),
        study_result=Decimal("4.75"),
        ranking_position=3,
        qualified=True,
    )
    response = client_of(uw_mazowieckie).get(
        reverse("qualification:application_list"), {"number": application.number}
    )
    text = page_text(response)
    for expected in (
        application.number,
        "Łucja Ślusarczyk",
        application.pesel,
        str(application.field),
        str(application.mode),
        "pozytywna",
        "17,50",
        "4,75",
        "poz. 3, zakwalifikowany",
        "Podgląd wniosku",
        "Szukaj",
        "Wyczyść kryteria wyszukiwania",
    ):
        assert expected in text
    preview = url("application_detail", application)
    assert f'href="{preview}?next=%2Fpostepowanie%2Fwnioski%2F%3Fnumber%3D' in text


def test_the_list_query_count_does_not_grow_with_the_page(
    client_of, uw_mazowieckie, procedure, django_assert_max_num_queries
):
    client = client_of(uw_mazowieckie)
    address = reverse("qualification:application_list")
    query = {"procedure": procedure.pk}
    application_in(procedure)
    client.get(address, query)  # warm up the session and content-type caches
    with CaptureQueriesContext(connection) as one_row:
        client.get(address, query)
    for _ in range(30):
        application_in(procedure, field=FieldFactory(), mode=mode())
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        response = client.get(address, query)
    assert len(response.context["applications"]) == 25
    assert len(one_row.captured_queries) <= 14


def test_pages_keep_the_filters(client_of, uw_mazowieckie, procedure):
    for _ in range(27):
        application_in(procedure, last_name="Nowak")
    response = client_of(uw_mazowieckie).get(
        reverse("qualification:application_list"), {"name": "nowak"}
    )
    assert 'href="?name=nowak&amp;page=2"' in page_text(response)


@pytest.fixture
def varied(procedure):
    """Applications that differ in every filtered property."""
    field = FieldFactory(name="mikrobiologia medyczna")
    return {
        "positive": positive_application_in(
            procedure,
            first_name="Barbara",
            last_name="Kwiatkowska",
            pesel="96041200019",
            field=field,
            points=Decimal("12"),
            qualified=True,
            number="WN/2026/14/10001",
        ),
        "negative": application_in(
            procedure,
            formal_evaluation=FormalEvaluation.NEGATIVE,
            formal_reason="Brak prawa wykonywania zawodu.",
            mode=mode("poza-rezydentura"),
            qualified=False,
            number="WN/2026/14/10002",
        ),
        "unevaluated": application_in(procedure, number="WN/2026/14/10003"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"number": "10002"}, ["negative"]),
        ({"name": "barbara kwiat"}, ["positive"]),
        ({"pesel": "9604120001"}, ["positive"]),
        ({"formal_evaluation": "pozytywna"}, ["positive"]),
        ({"formal_evaluation": "negatywna"}, ["negative"]),
        ({"formal_evaluation": "brak"}, ["unevaluated"]),
        ({"points_entered": "tak"}, ["positive"]),
        ({"points_entered": "nie"}, ["negative", "unevaluated"]),
        ({"qualified": "tak"}, ["positive"]),
        ({"qualified": "nie"}, ["negative"]),
    ],
)
def test_filters_narrow_the_list(client_of, uw_mazowieckie, varied, query, expected):
    response = client_of(uw_mazowieckie).get(reverse("qualification:application_list"), query)
    assert listed_numbers(response) == [varied[key].number for key in expected]


def test_field_mode_and_session_filters(client_of, uw_mazowieckie, varied, procedure):
    client = client_of(uw_mazowieckie)
    address = reverse("qualification:application_list")
    positive, negative = varied["positive"], varied["negative"]
    assert listed_numbers(client.get(address, {"field": positive.field_id})) == [positive.number]
    assert listed_numbers(client.get(address, {"mode": negative.mode_id})) == [negative.number]
    other_session = application_in(procedure_at(Stage.APPLICATIONS))
    assert listed_numbers(client.get(address, {"session": other_session.session_id})) == [
        other_session.number
    ]


def test_the_procedure_filter_limits_the_list_to_that_procedure(
    client_of, uw_mazowieckie, procedure, application
):
    other = application_in(procedure_at(Stage.APPLICATIONS))
    response = client_of(uw_mazowieckie).get(
        reverse("qualification:application_list"), {"procedure": procedure.pk}
    )
    assert listed_numbers(response) == [application.number]
    assert other.number not in page_text(response)
    text = page_text(response)
    assert url("application_points_import", procedure) in text
    assert url("application_points_template", procedure) in text


def test_another_voivodeships_procedure_in_the_filter_shows_nothing_of_theirs(
    client_of, uw_mazowieckie, application
):
    foreign = procedure_at(name="małopolskie")
    foreign_application = application_in(foreign)
    response = client_of(uw_mazowieckie).get(
        reverse("qualification:application_list"), {"procedure": foreign.pk}
    )
    assert response.status_code == 200
    assert listed_numbers(response) == []
    assert foreign_application.number not in page_text(response)
    assert "procedure" in response.context["filter"].form.errors


# --- Podgląd wniosku -------------------------------------------------------------------------


def test_the_preview_shows_every_part_of_the_application(client_of, uw_mazowieckie, procedure):
    clerk = UserFactory(first_name="Ewa", last_name="Urzędnicza")
    application = positive_application_in(
        procedure,
        first_name="Zofia",
        last_name="Świątek",
        licence_number="DL/123456",
        email="zofia@example.pl",
        phone="+48 600 100 200",
        address="ul. Długa 5, 00-238 Warszawa",
        university="Warszawski Uniwersytet Medyczny",
        graduation_year=2020,
        study_result=Decimal("4.56"),
        formal_reason="Komplet dokumentów.",
        evaluated_by=clerk,
        employment_years=5,
        points_employment=10,
        points_publications=Decimal("2.50"),
        points_courses=Decimal("1.25"),
        points_other=Decimal("0"),
        points=Decimal("13.75"),
        ranking_position=2,
        qualified=True,
    )
    second = TrainingUnitFactory(name="Szpital Bielański — Laboratorium")
    first = TrainingUnitFactory(name="Instytut Matki i Dziecka — Laboratorium")
    PreferredUnitFactory(application=application, unit=second, position=2)
    PreferredUnitFactory(application=application, unit=first, position=1)
    text = page_text(client_of(uw_mazowieckie).get(url("application_detail", application)))
    for expected in (
        application.number,
        str(application.session),
        "mazowieckie",
        str(application.field),
        str(application.mode),
        "zatwierdzony",
        "Zofia",
        "Świątek",
        application.pesel,
        "DL/123456",
        "zofia@example.pl",
        "+48 600 100 200",
        "ul. Długa 5, 00-238 Warszawa",
        "Warszawski Uniwersytet Medyczny",
        "2020",
        "4,56",
        "pozytywna",
        "Komplet dokumentów.",
        "Ewa Urzędnicza",
        "2,50",
        "1,25",
        "13,75",
        "zakwalifikowany",
        "Historia wniosku",
    ):
        assert expected in text, expected
    assert text.index(first.name) < text.index(second.name)


def test_the_preview_offers_evaluation_only_at_the_formal_evaluation_stage(
    client_of, uw_mazowieckie, application, procedure
):
    client = client_of(uw_mazowieckie)
    assert url("application_evaluate", application) in page_text(
        client.get(url("application_detail", application))
    )
    competition = application_in(procedure_at(Stage.COMPETITION))
    assert url("application_evaluate", competition) not in page_text(
        client.get(url("application_detail", competition))
    )


def test_back_link_returns_to_a_safe_next_address(client_of, uw_mazowieckie, application):
    back = "/skierowania/?session=3&status=robocza"
    response = client_of(uw_mazowieckie).get(url("application_detail", application, next=back))
    assert response.context["back_url"] == back
    assert 'href="/skierowania/?session=3&amp;status=robocza"' in page_text(response)


def test_the_way_back_survives_a_visit_to_the_evaluation_and_history(
    client_of, uw_mazowieckie, application
):
    client = client_of(uw_mazowieckie)
    back = "/skierowania/?session=3"
    preview = url("application_detail", application, next=back)
    text = page_text(client.get(preview))
    assert url("application_evaluate", application, next=back).replace("&", "&amp;") in text
    assert url("application_history", application, next=back) in text
    response = client.post(
        url("application_evaluate", application, next=back),
        {"formal_evaluation": "pozytywna", "version": application.version},
    )
    assert response.url == preview
    history = page_text(client.get(url("application_history", application, next=back)))
    assert f'href="{preview}"' in history


@pytest.mark.parametrize(
    "hostile", ["https://evil.example/", "//evil.example/wnioski/", "javascript:alert(1)"]
)
def test_back_link_ignores_an_external_next_address(
    client_of, uw_mazowieckie, application, hostile
):
    response = client_of(uw_mazowieckie).get(url("application_detail", application, next=hostile))
    assert response.context["back_url"] == reverse("qualification:application_list")
    assert "evil.example" not in page_text(response)
    assert "javascript:" not in page_text(response)


# --- Historia wniosku ------------------------------------------------------------------------


def test_history_lists_the_events_oldest_first_with_person_and_changes(
    client_of, uw_mazowieckie, application, procedure
):
    profile = uw_mazowieckie.profiles.get()
    evaluate_application(
        application.pk,
        evaluation=FormalEvaluation.POSITIVE,
        reason="",
        version=application.version,
        user=uw_mazowieckie,
        profile=profile,
    )
    enter_points(
        application.pk,
        employment_years=10,
        points_publications=Decimal("1.5"),
        points_courses=Decimal("0"),
        points_other=Decimal("0"),
        version=application.version + 1,
        user=uw_mazowieckie,
        profile=profile,
    )
    response = client_of(uw_mazowieckie).get(url("application_history", application))
    text = page_text(response)
    assert [row["description"] for row in response.context["events"]] == [
        "Wprowadzono ocenę formalną",
        "Wprowadzono punktację",
    ]
    assert text.index("Wprowadzono ocenę formalną") < text.index("Wprowadzono punktację")
    assert uw_mazowieckie.get_full_name() in text
    assert "Urząd Wojewódzki — mazowieckie" in text
    assert "Ocena formalna: — → pozytywna" in text
    assert "Punkty za staż pracy: — → 15" in text
    assert "Punkty: — → 16,50" in text


def test_history_of_an_untouched_application_says_there_are_no_events(
    client_of, wojewoda_mazowieckie, application
):
    response = client_of(wojewoda_mazowieckie).get(url("application_history", application))
    assert "Brak zdarzeń." in page_text(response)


def test_a_clerk_with_two_profiles_sees_only_the_active_voivodeships_applications(
    client_of, application, malopolskie
):
    from tests.factories import ProfileFactory

    clerk = person_with_role(Role.UW, voivodeship=malopolskie)
    ProfileFactory(user=clerk, voivodeship=application.voivodeship, roles=[Role.UW])
    client = client_of(clerk)
    malopolska_profile = clerk.profiles.get(voivodeship=malopolskie)
    session = client.session
    session["active_profile_id"] = malopolska_profile.pk
    session.save()
    assert client.get(url("application_detail", application)).status_code == 404
