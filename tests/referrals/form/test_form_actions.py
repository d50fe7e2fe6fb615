"""The form's actions (seed 000 §8–§10): "Zapisz wersję roboczą", "Przydziel", "Wyślij",
"Wycofaj"; stale and tampered forms refused next to the field, changing nothing."""

import datetime

import pytest

from accounts.models import Role
from referrals import services
from referrals.models import Referral
from referrals.places import free_places
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)
from tests.referrals.form.common import (
    END,
    START,
    S,
    field_error,
    messages_of,
    post_action,
    text,
    url,
)

pytestmark = pytest.mark.django_db

# ---- Actions --------------------------------------------------------------------------------


def test_zapisz_wersje_robocza_saves_unit_programme_and_dates(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    response = post_action(
        client,
        referral,
        "save_draft",
        unit=unit.pk,
        programme=programme.pk,
        planned_start="2026-10-01",
        planned_end="2030-09-30",
    )
    assert response.status_code == 302
    assert response["Location"] == url("referral_form", referral)
    referral.refresh_from_db()
    assert (referral.unit, referral.programme, referral.planned_start, referral.planned_end) == (
        unit,
        programme,
        START,
        END,
    )
    assert referral.status == S.DRAFT
    page = client.get(response["Location"])
    assert "Wersja robocza skierowania została zapisana." in messages_of(page)
    assert "Zmiana niezapisana" not in text(page)


def test_przydziel_then_wyslij_then_wycofaj(
    client_of, uw_mazowieckie, make, full_form, accreditation
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    form = full_form | {"planned_start": "01.10.2026", "planned_end": "30.09.2030"}
    response = post_action(client, referral, "assign", **form)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ASSIGNED
    assert free_places(accreditation) == 1
    assert "Skierowanie zostało przydzielone." in messages_of(client.get(response["Location"]))

    post_action(client, referral, "send", **form)
    referral.refresh_from_db()
    assert referral.status == S.ISSUED

    response = post_action(client, referral, "withdraw")
    referral.refresh_from_db()
    assert referral.status == S.DRAFT
    assert free_places(accreditation) == 2
    assert "Skierowanie zostało wycofane i wróciło do wersji roboczej." in messages_of(
        client.get(response["Location"])
    )


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DRAFT, "send"),
        (S.DRAFT, "withdraw"),
        (S.STARTED, "save_draft"),
        (S.STARTED, "withdraw"),
        (S.ISSUED, "accept"),
        (S.ISSUED, "reject"),
        (S.ISSUED, "assign"),
        (S.ISSUED, "nonsense"),
        (S.ISSUED, ""),
    ],
)
def test_an_action_not_allowed_in_the_status_is_refused_with_a_message(
    client_of, uw_mazowieckie, make, status, action
):
    referral = make(status)
    client = client_of(uw_mazowieckie)
    response = post_action(client, referral, action)
    assert response.status_code in (200, 302)
    after = Referral.objects.get(pk=referral.pk)
    assert (after.status, after.version) == (referral.status, referral.version)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert any("nie można wykonać" in m or "nie można zmieniać" in m for m in messages_of(page))


def test_a_stale_form_is_refused_with_the_message_and_changes_nothing(
    client_of, uw_mazowieckie, make, unit
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    stale_version = referral.version
    other_clerk = person_with_role(Role.UW, voivodeship=unit.voivodeship)
    services.save_draft(
        referral.pk,
        version=stale_version,
        changes=services.Changes(unit=unit, fields={"unit"}),
        user=other_clerk,
        profile=other_clerk.profiles.get(),
    )
    referral.refresh_from_db()
    before = (referral.status, referral.version)
    response = client.post(
        url("referral_form", referral),
        {"action": "assign", "version": stale_version, "unit": unit.pk},
    )
    assert response.status_code == 302
    assert messages_of(client.get(response["Location"])) == [
        "Skierowanie zostało zmienione przez innego użytkownika — odśwież i spróbuj ponownie"
    ]
    referral.refresh_from_db()
    assert (referral.status, referral.version) == before


def test_a_missing_version_is_refused_and_changes_nothing(client_of, uw_mazowieckie, make, unit):
    referral = make(S.DRAFT)
    response = client_of(uw_mazowieckie).post(
        url("referral_form", referral), {"action": "save_draft", "unit": unit.pk}
    )
    assert response.status_code == 200
    assert "Brak wersji formularza — odśwież stronę i spróbuj ponownie." in text(response)
    assert Referral.objects.get(pk=referral.pk).version == referral.version


@pytest.mark.parametrize(
    ("tamper", "section"),
    [
        ("unit_of_malopolskie", "unit-section"),
        ("unit_without_accreditation", "unit-section"),
        ("unit_with_expired_accreditation", "unit-section"),
        ("unit_missing", "unit-section"),
        ("unit_not_a_number", "unit-section"),
        ("programme_of_another_field", "programme-section"),
        ("programme_of_another_mode", "programme-section"),
        ("programme_not_in_force", "programme-section"),
        ("programme_missing", "programme-section"),
    ],
)
def test_tampered_unit_or_programme_ids_are_refused_next_to_the_field(
    client_of, uw_mazowieckie, make, unit, programme, field, malopolskie, tamper, section
):
    referral = make(S.DRAFT)
    data = {"unit": unit.pk, "programme": programme.pk}
    if tamper == "unit_of_malopolskie":
        other = TrainingUnitFactory(voivodeship=malopolskie)
        AccreditationFactory(unit=other, field=field)
        data["unit"] = other.pk
    elif tamper == "unit_without_accreditation":
        data["unit"] = TrainingUnitFactory().pk
    elif tamper == "unit_with_expired_accreditation":
        expired = TrainingUnitFactory()
        AccreditationFactory(
            unit=expired,
            field=field,
            valid_from=datetime.date(2015, 1, 1),
            valid_to=datetime.date(2020, 12, 31),
        )
        data["unit"] = expired.pk
    elif tamper == "unit_missing":
        data["unit"] = 987654
    elif tamper == "unit_not_a_number":
        data["unit"] = "1 OR 1=1"
    elif tamper == "programme_of_another_field":
        data["programme"] = ProgrammeFactory().pk
    elif tamper == "programme_of_another_mode":
        data["programme"] = ProgrammeFactory(field=field, mode=mode("poza-rezydentura")).pk
    elif tamper == "programme_not_in_force":
        data["programme"] = ProgrammeFactory(
            field=field,
            mode=mode(),
            valid_from=datetime.date(2010, 1, 1),
            valid_to=datetime.date(2015, 1, 1),
        ).pk
    elif tamper == "programme_missing":
        data["programme"] = 987654
    response = post_action(client_of(uw_mazowieckie), referral, "assign", **data)
    assert response.status_code == 200
    errors = field_error(response, section)
    assert errors and "Wybierz" in errors[0]
    assert 'id="error-summary"' in response.content.decode()
    after = Referral.objects.get(pk=referral.pk)
    assert (after.status, after.version, after.unit, after.programme) == (
        S.DRAFT,
        referral.version,
        None,
        None,
    )


def test_a_tampered_unit_in_the_link_back_from_the_choice_is_refused_on_the_form(
    client_of, uw_mazowieckie, make, malopolskie
):
    referral = make(S.DRAFT)
    other = TrainingUnitFactory(voivodeship=malopolskie, name="Jednostka Krakowska")
    response = client_of(uw_mazowieckie).get(
        url("referral_form", referral, f"jednostka={other.pk}")
    )
    assert response.status_code == 200
    assert field_error(response, "unit-section")
    assert "Jednostka Krakowska" not in text(response)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"planned_start": "2026-10-01", "planned_end": "2026-09-01"},
            "Planowana data zakończenia musi być późniejsza niż data rozpoczęcia.",
        ),
        ({"planned_start": "31.02.2026"}, "Podaj datę w formacie dd.mm.rrrr."),
    ],
)
def test_bad_planned_dates_are_refused_next_to_the_field_and_shown_again(
    client_of, uw_mazowieckie, make, unit, programme, dates, message
):
    referral = make(S.DRAFT)
    response = post_action(
        client_of(uw_mazowieckie),
        referral,
        "save_draft",
        unit=unit.pk,
        programme=programme.pk,
        **dates,
    )
    assert response.status_code == 200
    page = text(response)
    assert message in " ".join(field_error(response, "programme-section"))
    for value in dates.values():
        assert f'value="{value}"' in page  # the posted values are shown again
    after = Referral.objects.get(pk=referral.pk)
    assert (after.version, after.planned_start, after.planned_end) == (referral.version, None, None)


def test_wyslij_without_programme_and_dates_says_what_is_missing(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.ASSIGNED, programme=None, planned_start=None, planned_end=None)
    response = post_action(client_of(uw_mazowieckie), referral, "send", unit=unit.pk)
    # Without a programme and dates the model does not offer "Wyślij"; a forged post is refused.
    assert response.status_code in (200, 302)
    assert Referral.objects.get(pk=referral.pk).status == S.ASSIGNED


def test_przydziel_with_no_free_place_says_so_next_to_the_unit(
    client_of, uw_mazowieckie, make, unit, accreditation
):
    accreditation.places = 1
    accreditation.save()
    make(S.ASSIGNED)  # holds the only place
    referral = make(S.DRAFT)
    response = post_action(client_of(uw_mazowieckie), referral, "assign", unit=unit.pk)
    assert response.status_code == 200
    assert "nie ma wolnych miejsc" in " ".join(field_error(response, "unit-section"))
    assert Referral.objects.get(pk=referral.pk).status == S.DRAFT
