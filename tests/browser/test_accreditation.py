"""In a real browser, from the unit's request for accreditation to the first referral the
office assigns against the places granted; every page passes axe-core's WCAG 2.1 AA rules."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accreditation.models import AccreditationRequest, RequestStatus
from reference.models import Accreditation
from referrals.models import Referral, ReferralStatus
from tests.factories import (
    FieldFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
    voivodeship,
)

PASSWORD = "haslo-testowe-123"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def people(transactional_db):
    """A mazowieckie unit not yet accredited in a field of its own, its staff, the office,
    the accrediting body, and a referral of that field waiting for a unit."""
    mazowieckie = voivodeship("mazowieckie")
    field = FieldFactory(name="toksykologia — ścieżka akredytacji", code="toksykologia-akr")
    ProgrammeFactory(field=field, mode=mode(), name="Program toksykologii — test")
    unit = TrainingUnitFactory(voivodeship=mazowieckie, name="Szpital Wolski — Toksykologia")
    referral = ReferralFactory(
        number="SK/TEST/AKR01", application__number="WN/TEST/AKR01", field=field, mode=mode()
    )
    return {
        "field": field,
        "unit": unit,
        "referral": referral,
        "staff": person_with_role(Role.UNIT_STAFF, unit=unit),
        "office": person_with_role(Role.UW, voivodeship=mazowieckie),
        "body": person_with_role(Role.ACCREDITATION),
    }


def menu(page, name):
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name=name).click()


def log_out(page):
    page.get_by_role("button", name="Wyloguj").click()
    page.wait_for_load_state()


def attach(page, kind, name):
    page.get_by_label(kind).check()
    page.get_by_label("Plik (PDF lub JPG)").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Dodaj załącznik").click()
    expect(page.get_by_text(f"Dodano załącznik „{name}”")).to_be_visible()


def test_from_the_units_request_to_the_first_referral_on_the_new_places(
    people, page, login, axe_violations
):
    field, unit = people["field"], people["unit"]

    # The unit writes the request, attaches the documents and submits it.
    login(people["staff"].email, password=PASSWORD)
    menu(page, "Akredytacja jednostki")
    assert axe_violations() == []
    page.get_by_role("link", name="Nowy wniosek o akredytację").click()
    page.get_by_label("Dziedzina").select_option(label=field.name)
    page.get_by_label("Wnioskowana liczba miejsc").fill("2")
    page.get_by_label("Kierownik specjalizacji (imię i nazwisko)").fill("dr Anna Toksyczna")
    page.get_by_label("Kwalifikacje kierownika specjalizacji").fill("Specjalista od 2012 r.")
    page.get_by_label("Kadra (osoby prowadzące szkolenie, ich kwalifikacje)").fill("Dwóch.")
    page.get_by_label("Wyposażenie (aparatura, pracownie)").fill("Chromatograf.")
    page.get_by_label("Plan kształcenia").fill("Według programu specjalizacji.")
    assert axe_violations() == []
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_text("Zapisano wersję roboczą wniosku")).to_be_visible()
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.get_by_text("Dołącz wymagane załączniki")).to_be_visible()
    attach(page, "zgoda kierownika specjalizacji", "zgoda.pdf")
    attach(page, "kwalifikacje kadry", "kadra.pdf")
    assert axe_violations() == []
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.get_by_text("Złożono wniosek")).to_be_visible()
    request = AccreditationRequest.objects.get(unit=unit)
    assert request.status == RequestStatus.SUBMITTED
    log_out(page)

    # The accrediting body finds it in its queue and grants one place of the two asked.
    login(people["body"].email, password=PASSWORD)
    menu(page, "Wnioski o akredytację")
    assert axe_violations() == []
    page.get_by_role("link", name=request.number).click()
    expect(page.get_by_text("dr Anna Toksyczna")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("link", name="Udziel akredytacji").click()
    page.get_by_label("Liczba udzielonych miejsc").fill("1")
    page.get_by_label("Akredytacja ważna od").fill(timezone.localdate().isoformat())
    valid_to = timezone.localdate() + datetime.timedelta(days=5 * 365)
    page.get_by_label("Akredytacja ważna do").fill(valid_to.isoformat())
    page.get_by_label("Numer decyzji").fill("CMKP/AK/2026/042")
    assert axe_violations() == []
    page.get_by_role("button", name="Udziel akredytacji").click()
    expect(page.get_by_text("Udzielono akredytacji.")).to_be_visible()
    accreditation = Accreditation.objects.get(unit=unit, field=field)
    assert accreditation.places == 1
    log_out(page)

    # Anyone finds the unit in the public list, with its one free place.
    page.goto("/")
    page.get_by_role("link", name="Wykaz jednostek akredytowanych").click()
    page.get_by_label("Nazwa jednostki lub miejscowość").fill("Wolski")
    page.get_by_role("button", name="Szukaj").click()
    row = page.get_by_role("row", name=unit.name)
    expect(row).to_contain_text(field.name)
    expect(row.get_by_role("cell").nth(3)).to_have_text("1")
    assert axe_violations() == []

    # The office assigns the waiting referral to the unit: the first place of the new ones.
    login(people["office"].email, password=PASSWORD)
    referral = people["referral"]
    page.goto(f"/skierowania/{referral.pk}/")
    page.get_by_role("link", name="Wybierz jednostkę").click()
    expect(page.get_by_text(unit.name, exact=True)).to_be_visible()  # the only one: chosen
    page.get_by_role("link", name="Wybierz program").click()
    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    page.get_by_role("button", name="Przydziel").click()
    expect(page.get_by_text("Skierowanie zostało przydzielone.")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ASSIGNED
