""" "Utwórz wniosek" through the screens: the two steps without JavaScript, the confirmation
page with what becomes inactive and why, the preferred units checked on the server, and
editing a draft with its version."""

import pytest
from django.urls import reverse

from qualification.models import Application, ApplicationStatus
from qualification.services.applicant import applicant_defaults, register_applicant
from tests.applicant.conftest import applicant_data, create
from tests.factories import AccreditationFactory, TrainingUnitFactory, voivodeship

pytestmark = pytest.mark.django_db

CREATE = "qualification:applicant_create"


def choice(session, field, mode, voivodeship_name="mazowieckie"):
    return {
        "session": session.pk,
        "voivodeship": voivodeship(voivodeship_name).pk,
        "field": field.pk,
        "mode": mode.pk,
    }


def data_post(session, field, mode, units, voivodeship_name="mazowieckie", **extra):
    post = {**choice(session, field, mode, voivodeship_name), **applicant_data()}
    for position, unit in enumerate(units, start=1):
        post[f"unit_{position}"] = unit.pk if hasattr(unit, "pk") else unit
    post.update(extra)
    return post


def text(response) -> str:
    return response.content.decode()


def test_step_one_offers_only_sessions_accepting_applications(client_of, applicant, session, units):
    response = client_of(applicant).get(reverse(CREATE))
    assert response.status_code == 200
    assert list(response.context["choice"].fields["session"].queryset) == [session]
    page = text(response)
    assert "Krok 1 z 3" in page
    assert 'method="get"' in page


def test_step_one_refuses_a_field_without_accredited_units_in_the_voivodeship(
    client_of, applicant, session, other_field, residency, units
):
    response = client_of(applicant).get(
        reverse(CREATE), choice(session, other_field, residency, "małopolskie")
    )
    assert "Krok 1 z 3" in text(response)
    assert "żadna jednostka szkoleniowa nie ma aktywnej akredytacji" in text(response)


def test_step_two_lists_only_units_accredited_in_the_field_and_voivodeship(
    client_of, applicant, session, field, residency, units
):
    expired = TrainingUnitFactory(voivodeship=voivodeship("mazowieckie"), name="Po terminie")
    AccreditationFactory(unit=expired, field=field, valid_to=session.applications_from.replace(
        year=session.applications_from.year - 1))  # fmt: skip

    response = client_of(applicant).get(reverse(CREATE), choice(session, field, residency))

    assert "Krok 2 z 3" in text(response)
    offered = set(response.context["form"].fields["unit_1"].queryset)
    assert offered == {units["maz1"], units["maz2"], units["maz3"]}


def test_step_two_is_prefilled_from_the_registration_then_from_the_latest_application(
    client_of, applicant, session, field, residency, units
):
    register_applicant(applicant, pesel="44051401458")
    assert applicant_defaults(applicant)["pesel"] == "44051401458"
    assert applicant_defaults(applicant)["email"] == applicant.email

    create(applicant, session, "mazowieckie", field, residency, [units["maz1"]],
           data=applicant_data(pesel="02070803628", university="Uniwersytet Łódzki"))  # fmt: skip
    response = client_of(applicant).get(reverse(CREATE), choice(session, field, residency))
    initial = response.context["form"].initial
    assert initial["pesel"] == "02070803628"
    assert initial["university"] == "Uniwersytet Łódzki"


def test_the_confirmation_lists_what_becomes_inactive_and_creating_does_it(
    client_of, applicant, session, field, residency, units
):
    earlier = create(applicant, session, "mazowieckie", field, residency, [units["maz1"]])
    client = client_of(applicant)

    confirm = client.post(reverse(CREATE), data_post(session, field, residency, [units["maz2"]]))

    page = text(confirm)
    assert "Krok 3 z 3" in page
    assert f"Wniosek {earlier.application.number}" in page
    assert "zostanie dezaktywowany, ponieważ w danym trybie może być aktywny tylko jeden" in page
    assert Application.objects.count() == 1  # nothing happened yet

    post = data_post(
        session, field, residency, [units["maz2"]],
        deactivates=str(earlier.application.pk), confirmed="1",
    )  # fmt: skip
    response = client.post(reverse(CREATE), post, follow=True)

    new = Application.objects.exclude(pk=earlier.application.pk).get()
    assert response.redirect_chain[-1][0] == reverse(
        "qualification:applicant_detail", args=[new.pk]
    )
    assert new.status == ApplicationStatus.DRAFT
    assert new.applicant == applicant
    assert new.number.startswith(f"WR/{session.year}/")
    assert [p.unit for p in new.preferred_units.order_by("position")] == [units["maz2"]]
    earlier.application.refresh_from_db()
    assert earlier.application.status == ApplicationStatus.INACTIVE
    page = text(response)
    assert f"Utworzono wniosek {new.number}" in page
    assert f"Wniosek {earlier.application.number} jest teraz nieaktywny" in page


def test_without_earlier_applications_the_confirmation_says_nothing_becomes_inactive(
    client_of, applicant, session, field, residency, units
):
    response = client_of(applicant).post(
        reverse(CREATE), data_post(session, field, residency, [units["maz1"], units["maz3"]])
    )
    page = text(response)
    assert "Żaden z Twoich wcześniejszych wniosków nie zostanie dezaktywowany" in page
    assert page.index(units["maz1"].name) < page.index(units["maz3"].name)


def test_popraw_dane_returns_to_the_form_with_what_was_entered(
    client_of, applicant, session, field, residency, units
):
    response = client_of(applicant).post(
        reverse(CREATE),
        data_post(session, field, residency, [units["maz1"]], last_name="Źdźbło", edit="1"),
    )
    assert "Krok 2 z 3" in text(response)
    assert response.context["form"]["last_name"].value() == "Źdźbło"
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("units_posted", "field_name", "message"),
    [
        ([], "unit_1", "To pole jest wymagane"),
        (["maz1", "maz1"], "unit_2", "każdą można wybrać tylko raz"),
        (["mal"], "unit_1", "nie ma aktywnej akredytacji"),
        (["maz_other"], "unit_1", "nie ma aktywnej akredytacji"),
    ],
)
def test_preferred_units_are_checked_on_the_server(
    client_of, applicant, session, field, residency, units, units_posted, field_name, message
):
    """A tampered form (a unit of another voivodeship or field) gets a message next to the
    field and nothing is created."""
    posted = [units[key] for key in units_posted]
    response = client_of(applicant).post(
        reverse(CREATE), data_post(session, field, residency, posted, confirmed="1")
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field_name, []))
    assert message in errors
    assert not Application.objects.exists()


def test_an_invalid_pesel_is_refused_next_to_the_field(
    client_of, applicant, session, field, residency, units
):
    response = client_of(applicant).post(
        reverse(CREATE),
        data_post(session, field, residency, [units["maz1"]], pesel="44051401459", confirmed="1"),
    )
    assert "Niepoprawny PESEL" in " ".join(response.context["form"].errors["pesel"])
    assert not Application.objects.exists()


def test_step_two_without_javascript_keeps_the_choice_in_hidden_fields(
    client_of, applicant, session, field, residency, units
):
    page = text(client_of(applicant).get(reverse(CREATE), choice(session, field, residency)))
    assert f'type="hidden" name="session" value="{session.pk}"' in page
    assert f'type="hidden" name="field" value="{field.pk}"' in page
    assert "Zmień sesję, województwo, dziedzinę lub tryb" in page


# --- editing a draft -------------------------------------------------------------------------


@pytest.fixture
def draft(applicant, session, field, residency, units):
    return create(applicant, session, "mazowieckie", field, residency, [units["maz1"]]).application


def edit_url(application):
    return reverse("qualification:applicant_edit", args=[application.pk])


def edit_post(application, units, **changes):
    post = {**applicant_data(pesel=application.pesel), "version": application.version, **changes}
    for position, unit in enumerate(units, start=1):
        post[f"unit_{position}"] = unit.pk
    return post


def test_a_draft_is_edited_and_its_units_reordered(client_of, applicant, draft, units):
    client = client_of(applicant)
    form = client.get(edit_url(draft)).context["form"]
    assert form.initial["unit_1"] == units["maz1"].pk
    assert form.initial["version"] == draft.version

    response = client.post(
        edit_url(draft), edit_post(draft, [units["maz3"], units["maz1"]], phone="+48 600 000 000")
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.phone == "+48 600 000 000"
    assert draft.version == 2
    assert [p.unit for p in draft.preferred_units.order_by("position")] == [
        units["maz3"],
        units["maz1"],
    ]


def test_a_stale_edit_is_refused_and_changes_nothing(client_of, applicant, draft, units):
    client = client_of(applicant)
    stale = edit_post(draft, [units["maz1"]], phone="+48 600 000 001")
    client.post(edit_url(draft), edit_post(draft, [units["maz2"]]))  # another tab saved first

    response = client.post(edit_url(draft), stale)

    assert "zmieniony" in text(response)
    draft.refresh_from_db()
    assert draft.phone != "+48 600 000 001"
