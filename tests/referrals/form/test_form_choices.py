"""Choosing the unit and the programme ("Wybierz jednostkę", "Wybierz program", seed 000
§6–§7), reached from the form."""

import datetime

import pytest
from django.urls import reverse

from qualification.models import PreferredUnit
from referrals import planned_dates
from referrals.models import Referral
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    SessionFactory,
    TrainingUnitFactory,
    mode,
)
from tests.referrals.form.common import (
    S,
    messages_of,
    text,
    url,
)

pytestmark = pytest.mark.django_db

# ---- Wybierz jednostkę ----------------------------------------------------------------------


def test_with_one_accredited_unit_it_is_chosen_at_once(
    client_of, uw_mazowieckie, make, unit, accreditation
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    response = client.get(url("referral_choose_unit", referral))
    assert response.status_code == 302
    assert response["Location"] == url("referral_form", referral, f"jednostka={unit.pk}")
    page = client.get(response["Location"])
    assert "wybrano ją automatycznie" in " ".join(messages_of(page))
    assert "Zmiana niezapisana — zapisz wersję roboczą" in text(page)
    assert Referral.objects.get(pk=referral.pk).unit is None


def test_with_several_units_the_preferred_come_first_then_the_list(
    client_of, uw_mazowieckie, make, unit, accreditation, field, mazowieckie, malopolskie
):
    second = TrainingUnitFactory(voivodeship=mazowieckie, name="Instytut Hematologii")
    AccreditationFactory(unit=second, field=field, places=5)
    not_accredited = TrainingUnitFactory(
        voivodeship=mazowieckie, name="Laboratorium Bez Akredytacji"
    )
    krakow = TrainingUnitFactory(voivodeship=malopolskie, name="Szpital Krakowski")
    AccreditationFactory(unit=krakow, field=field)
    referral = make(S.DRAFT)
    for position, preferred in enumerate([second, not_accredited, unit], start=1):
        PreferredUnit.objects.create(
            application=referral.application, unit=preferred, position=position
        )
    response = client_of(uw_mazowieckie).get(
        url("referral_choose_unit", referral, "program=5&od=2026-10-01")
    )
    assert response.status_code == 200
    page = text(response)
    preferred_part, list_part = page.split("Lista jednostek szkoleniowych", 1)
    assert "Preferowana jednostka szkoleniowa" in preferred_part
    order = [
        preferred_part.index(n)
        for n in ("Instytut Hematologii", "Laboratorium Bez", "Szpital Bródnowski")
    ]
    assert order == sorted(order)
    assert "Niedostępna" in preferred_part
    assert "Instytut Hematologii" in list_part and "Szpital Bródnowski" in list_part
    assert "Laboratorium Bez Akredytacji" not in list_part
    assert "Szpital Krakowski" not in page
    assert "5 / 5" in list_part and "2 / 2" in list_part  # free places / places
    # "Wybierz" goes back to the form with the choice and keeps the pending programme and date.
    choice = reverse("referrals:referral_form", args=[referral.pk]) + (
        f"?program=5&amp;od=2026-10-01&amp;jednostka={second.pk}"
    )
    assert choice in response.content.decode()


def test_units_are_chosen_only_in_wersja_robocza_or_przydzielone(client_of, uw_mazowieckie, make):
    referral = make(S.ISSUED)
    client = client_of(uw_mazowieckie)
    for name in ("referral_choose_unit", "referral_choose_programme"):
        response = client.get(url(name, referral))
        assert response.status_code == 302
        assert "tylko w statusie Wersja robocza lub Przydzielone" in " ".join(
            messages_of(client.get(response["Location"]))
        )
    # A pending value in the query string of a sent referral changes nothing on the page.
    page = text(client.get(url("referral_form", referral, "jednostka=1")))
    assert "Zmiana niezapisana" not in page


# ---- Wybierz program ------------------------------------------------------------------------


def test_with_one_programme_in_force_it_is_chosen_with_proposed_dates(
    client_of, uw_mazowieckie, make, programme, field
):
    ProgrammeFactory(field=field, mode=mode("poza-rezydentura"))  # another mode
    ProgrammeFactory(
        field=field,
        mode=mode(),
        valid_from=datetime.date(2010, 1, 1),
        valid_to=datetime.date(2012, 1, 1),
    )  # no longer in force
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    response = client.get(url("referral_choose_programme", referral))
    assert response.status_code == 302
    start, end = planned_dates.proposed_dates(referral.session, programme)
    assert response["Location"] == url(
        "referral_form",
        referral,
        f"program={programme.pk}&od={start.isoformat()}&do={end.isoformat()}",
    )
    page = client.get(response["Location"])
    content = text(page)
    assert "Program specjalizacji LDM 2023" in content
    assert f'value="{start.isoformat()}"' in content
    assert 'name="planned_start"' in content  # the dates became editable
    assert 'data-duration-months="48"' in content
    assert Referral.objects.get(pk=referral.pk).programme is None


def test_with_several_programmes_a_list_is_shown_and_saved_dates_are_kept(
    client_of, uw_mazowieckie, make, programme, field
):
    newer = ProgrammeFactory(field=field, mode=mode(), name="Program specjalizacji LDM 2025")
    referral = make(S.ASSIGNED)
    response = client_of(uw_mazowieckie).get(url("referral_choose_programme", referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lista programów obowiązujących" in page
    assert "Program specjalizacji LDM 2025" in page and "Program specjalizacji LDM 2023" in page
    assert url("referral_form", referral, f"program={newer.pk}").replace("&", "&amp;") in page
    assert "&amp;od=" not in page  # saved dates exist: nothing proposed


def test_the_proposed_end_is_start_plus_duration_minus_one_day():
    programme = ProgrammeFactory.build(duration_months=48)
    session = SessionFactory.build(procedure_to=datetime.date(2026, 6, 30))
    proposed_dates = planned_dates.proposed_dates
    assert proposed_dates(session, programme, today=datetime.date(2026, 6, 15)) == (
        datetime.date(2026, 7, 1),
        datetime.date(2030, 6, 30),
    )
    assert proposed_dates(session, programme, today=datetime.date(2026, 12, 31)) == (
        datetime.date(2027, 1, 1),
        datetime.date(2030, 12, 31),
    )
