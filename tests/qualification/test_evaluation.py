""" "Ocena formalna" and "Punktacja" of one application (SPEC §3)."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from qualification.models import Application, FormalEvaluation, Stage
from qualification.services.evaluation import (
    EvaluationError,
    enter_points,
    evaluate_application,
)
from smk.models import Event
from tests.qualification.application_helpers import (
    application_in,
    page_text,
    positive_application_in,
    procedure_at,
    url,
)

STALE = "Wniosek został zmieniony przez innego użytkownika — odśwież i spróbuj ponownie"


def events_of(application, action):
    return list(Event.objects.for_object(application).filter(action=action))


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def procedure(mazowieckie):
    return procedure_at(Stage.FORMAL_EVALUATION)


@pytest.fixture
def application(procedure):
    return application_in(procedure)


# --- Ocena formalna --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_positive_evaluation_is_saved_with_who_and_when_and_logged(
    client_of, uw_mazowieckie, application
):
    response = client_of(uw_mazowieckie).post(
        url("application_evaluate", application),
        {"formal_evaluation": "pozytywna", "formal_reason": "", "version": application.version},
        follow=True,
    )
    assert f"Zapisano ocenę formalną wniosku {application.number}." in messages_of(response)
    assert response.redirect_chain[-1][0] == url("application_detail", application)
    saved = Application.objects.get(pk=application.pk)
    assert saved.formal_evaluation == FormalEvaluation.POSITIVE
    assert saved.evaluated_by == uw_mazowieckie
    assert saved.evaluated_at is not None
    assert saved.version == application.version + 1
    [event] = events_of(application, "application.evaluated")
    assert event.user == uw_mazowieckie
    assert event.acting_as == "Urząd Wojewódzki — mazowieckie"
    assert event.data == {"formal_evaluation": ["", "pozytywna"]}


@pytest.mark.django_db
def test_a_negative_evaluation_with_a_reason_is_saved_and_the_reason_logged(
    client_of, wojewoda_mazowieckie, application
):
    client_of(wojewoda_mazowieckie).post(
        url("application_evaluate", application),
        {
            "formal_evaluation": "negatywna",
            "formal_reason": "  Brak dyplomu ukończenia studiów.  ",
            "version": application.version,
        },
    )
    saved = Application.objects.get(pk=application.pk)
    assert saved.formal_evaluation == FormalEvaluation.NEGATIVE
    assert saved.formal_reason == "Brak dyplomu ukończenia studiów."
    [event] = events_of(application, "application.evaluated")
    assert event.data == {
        "formal_evaluation": ["", "negatywna"],
        "formal_reason": ["", "Brak dyplomu ukończenia studiów."],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_negative_evaluation_without_a_reason_is_refused_next_to_the_field(
    client_of, uw_mazowieckie, application, reason
):
    response = client_of(uw_mazowieckie).post(
        url("application_evaluate", application),
        {"formal_evaluation": "negatywna", "formal_reason": reason, "version": application.version},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["formal_reason"] == [
        "Podaj uzasadnienie — jest wymagane przy ocenie negatywnej."
    ]
    assert 'id="id_formal_reason_error"' in page_text(response)
    unchanged = Application.objects.get(pk=application.pk)
    assert unchanged.formal_evaluation == ""
    assert unchanged.version == application.version
    assert events_of(application, "application.evaluated") == []


@pytest.mark.django_db
def test_an_evaluation_must_be_chosen(client_of, uw_mazowieckie, application):
    response = client_of(uw_mazowieckie).post(
        url("application_evaluate", application), {"version": application.version}
    )
    assert response.context["form"].errors["formal_evaluation"] == [
        "Wybierz ocenę: pozytywna albo negatywna."
    ]


@pytest.mark.django_db
def test_the_evaluation_form_offers_both_choices_and_carries_the_version(
    client_of, uw_mazowieckie, application
):
    text = page_text(client_of(uw_mazowieckie).get(url("application_evaluate", application)))
    assert 'value="pozytywna"' in text
    assert 'value="negatywna"' in text
    assert f'name="version" value="{application.version}"' in text
    assert "Uzasadnienie" in text


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Stage.APPLICATIONS, Stage.COMPETITION, Stage.CLOSED])
def test_outside_the_formal_evaluation_stage_no_form_is_offered_and_a_post_is_refused(
    client_of, uw_mazowieckie, stage
):
    application = application_in(procedure_at(stage))
    client = client_of(uw_mazowieckie)
    response = client.get(url("application_evaluate", application))
    assert response.context["form"] is None
    assert "tylko na etapie „ocena formalna”" in page_text(response)
    response = client.post(
        url("application_evaluate", application),
        {"formal_evaluation": "pozytywna", "version": application.version},
        follow=True,
    )
    assert any("tylko na etapie „ocena formalna”" in m for m in messages_of(response))
    assert Application.objects.get(pk=application.pk).formal_evaluation == ""
    assert events_of(application, "application.evaluated") == []


@pytest.mark.django_db
def test_without_a_procedure_the_evaluation_is_refused(client_of, uw_mazowieckie):
    from tests.factories import ApplicationFactory

    application = ApplicationFactory()
    response = client_of(uw_mazowieckie).get(url("application_evaluate", application))
    assert "nie otwarto postępowania kwalifikacyjnego" in page_text(response)


@pytest.mark.django_db
def test_a_stale_evaluation_form_is_refused_and_changes_nothing(
    client_of, uw_mazowieckie, wojewoda_mazowieckie, application
):
    shown_version = application.version
    client_of(wojewoda_mazowieckie).post(
        url("application_evaluate", application),
        {"formal_evaluation": "pozytywna", "version": shown_version},
    )
    response = client_of(uw_mazowieckie).post(
        url("application_evaluate", application),
        {"formal_evaluation": "negatywna", "formal_reason": "Błąd.", "version": shown_version},
        follow=True,
    )
    assert any(STALE in m for m in messages_of(response))
    saved = Application.objects.get(pk=application.pk)
    assert saved.formal_evaluation == FormalEvaluation.POSITIVE
    assert saved.evaluated_by == wojewoda_mazowieckie
    assert len(events_of(application, "application.evaluated")) == 1


@pytest.mark.django_db
def test_the_service_refuses_a_negative_evaluation_without_a_reason(uw_mazowieckie, application):
    with pytest.raises(EvaluationError, match="wymaga uzasadnienia"):
        evaluate_application(
            application.pk,
            evaluation=FormalEvaluation.NEGATIVE,
            reason=" ",
            version=application.version,
            user=uw_mazowieckie,
            profile=None,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_evaluating_the_same_form_at_once_only_one_succeeds(uw_mazowieckie):
    application = application_in(procedure_at(Stage.FORMAL_EVALUATION))
    barrier = threading.Barrier(2, timeout=10)
    outcomes, errors = [], []

    def clerk(evaluation):
        try:
            barrier.wait()
            evaluate_application(
                application.pk,
                evaluation=evaluation,
                reason="Niekompletny wniosek.",
                version=application.version,
                user=uw_mazowieckie,
                profile=None,
            )
            outcomes.append("saved")
        except EvaluationError as error:
            outcomes.append(str(error))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=clerk, args=(e,))
        for e in (FormalEvaluation.POSITIVE, FormalEvaluation.NEGATIVE)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    assert not errors, errors
    assert sorted(outcomes)[1] == "saved"
    assert STALE in sorted(outcomes)[0]
    assert Application.objects.get(pk=application.pk).version == application.version + 1
    assert len(events_of(application, "application.evaluated")) == 1


# --- Punktacja -------------------------------------------------------------------------------


def points_post(application, **overrides):
    data = {
        "employment_years": "5",
        "points_publications": "2,5",
        "points_courses": "1.25",
        "points_other": "0",
        "version": application.version,
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("years", "employment", "total"),
    [
        ("0", 0, "3.75"),
        ("3", 5, "8.75"),
        ("5", 10, "13.75"),
        ("9", 10, "13.75"),
        ("10", 15, "18.75"),
    ],
)
def test_points_accept_comma_decimals_and_the_total_is_the_sum(
    client_of, uw_mazowieckie, procedure, years, employment, total
):
    application = positive_application_in(procedure)
    response = client_of(uw_mazowieckie).post(
        url("application_points", application),
        points_post(application, employment_years=years),
        follow=True,
    )
    saved = Application.objects.get(pk=application.pk)
    assert saved.points_employment == employment
    assert saved.points_publications == Decimal("2.50")
    assert saved.points_courses == Decimal("1.25")
    assert saved.points_other == Decimal("0")
    assert saved.points == Decimal(total)
    assert saved.version == application.version + 1
    shown_total = total.replace(".", ",")
    assert f"razem {shown_total} pkt" in " ".join(messages_of(response))


@pytest.mark.django_db
def test_points_entry_is_logged_with_the_changed_components(client_of, uw_mazowieckie, procedure):
    application = positive_application_in(
        procedure,
        employment_years=5,
        points_employment=10,
        points_publications=Decimal("2.50"),
        points_courses=Decimal("0.00"),
        points_other=Decimal("0.00"),
        points=Decimal("12.50"),
    )
    client_of(uw_mazowieckie).post(
        url("application_points", application),
        points_post(application, points_courses="1", points_publications="2,50"),
    )
    [event] = events_of(application, "application.points_entered")
    assert event.data == {"points_courses": ["0.00", "1.00"], "points": ["12.50", "13.50"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points_publications", "-1", "Liczba punktów nie może być ujemna."),
        ("points_courses", "dużo", "Podaj liczbę, np. 2,5."),
        ("points_other", "1000", "Za duża liczba punktów — najwyżej 999,99."),
        ("points_other", "1,234", "Podaj najwyżej dwie cyfry po przecinku."),
        ("points_other", "", "Podaj liczbę punktów (0, jeśli nie przysługują)."),
        ("employment_years", "-2", "Staż pracy nie może być ujemny."),
        ("employment_years", "pięć", "Podaj pełną liczbę lat, np. 5."),
        ("employment_years", "99", "Za duży staż pracy — najwyżej 60 lat."),
    ],
)
def test_bad_points_are_refused_next_to_the_field_and_change_nothing(
    client_of, uw_mazowieckie, procedure, field, value, message
):
    application = positive_application_in(procedure)
    response = client_of(uw_mazowieckie).post(
        url("application_points", application), points_post(application, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert f'id="id_{field}_error"' in page_text(response)
    unchanged = Application.objects.get(pk=application.pk)
    assert unchanged.points is None
    assert unchanged.version == application.version
    assert events_of(application, "application.points_entered") == []


@pytest.mark.django_db
def test_points_are_accepted_in_the_competition_stage(client_of, uw_mazowieckie):
    application = positive_application_in(procedure_at(Stage.COMPETITION))
    client_of(uw_mazowieckie).post(url("application_points", application), points_post(application))
    assert Application.objects.get(pk=application.pk).points == Decimal("13.75")


@pytest.mark.django_db
@pytest.mark.parametrize("stage", [Stage.APPLICATIONS, Stage.CLOSED])
def test_points_are_refused_outside_evaluation_and_competition(client_of, uw_mazowieckie, stage):
    application = positive_application_in(procedure_at(stage))
    client = client_of(uw_mazowieckie)
    assert client.get(url("application_points", application)).context["form"] is None
    response = client.post(
        url("application_points", application), points_post(application), follow=True
    )
    assert any("Punktację można wprowadzić tylko na etapie" in m for m in messages_of(response))
    assert Application.objects.get(pk=application.pk).points is None


@pytest.mark.django_db
@pytest.mark.parametrize("evaluation", ["", FormalEvaluation.NEGATIVE])
def test_points_are_refused_for_an_application_not_formally_positive(
    client_of, uw_mazowieckie, procedure, evaluation
):
    application = application_in(
        procedure, formal_evaluation=evaluation, formal_reason="Brak dokumentów."
    )
    client = client_of(uw_mazowieckie)
    response = client.get(url("application_points", application))
    assert response.context["form"] is None
    assert "ocenionych formalnie pozytywnie" in page_text(response)
    client.post(url("application_points", application), points_post(application))
    assert Application.objects.get(pk=application.pk).points is None


@pytest.mark.django_db
def test_a_stale_points_form_is_refused_and_changes_nothing(client_of, uw_mazowieckie, procedure):
    application = positive_application_in(procedure)
    client = client_of(uw_mazowieckie)
    client.post(url("application_points", application), points_post(application))
    response = client.post(
        url("application_points", application),
        points_post(application, points_other="7"),
        follow=True,
    )
    assert any(STALE in m for m in messages_of(response))
    saved = Application.objects.get(pk=application.pk)
    assert saved.points_other == Decimal("0")
    assert saved.version == application.version + 1


@pytest.mark.django_db
def test_the_service_refuses_negative_points_even_without_the_form(uw_mazowieckie, procedure):
    application = positive_application_in(procedure)
    with pytest.raises(EvaluationError, match="ujemna"):
        enter_points(
            application.pk,
            employment_years=1,
            points_publications=Decimal("-0.5"),
            points_courses=Decimal(0),
            points_other=Decimal(0),
            version=application.version,
            user=uw_mazowieckie,
            profile=None,
        )
    assert Application.objects.get(pk=application.pk).points is None


@pytest.mark.django_db
def test_the_points_form_shows_the_current_values_with_commas(client_of, uw_mazowieckie, procedure):
    application = positive_application_in(
        procedure,
        employment_years=4,
        points_employment=5,
        points_publications=Decimal("2.50"),
        points_courses=Decimal("0"),
        points_other=Decimal("1.75"),
        points=Decimal("9.25"),
    )
    text = page_text(client_of(uw_mazowieckie).get(url("application_points", application)))
    assert 'value="2,50"' in text
    assert 'value="1,75"' in text
    assert "razem 9,25 pkt" in text
