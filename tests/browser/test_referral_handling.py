"""Seed 000 §6–§11 walked in a real browser by the button labels of the manual."""

import datetime
import itertools
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qualification.models import PreferredUnit
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from registry.models import EntryKind, RegisterEntry
from tests.factories import (
    AccreditationFactory,
    FieldFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    voivodeship,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
_numbers = itertools.count(1)


def new_referral(**fields):
    """A referral numbered apart from the demo data's referrals and applications."""
    n = next(_numbers)
    return ReferralFactory(
        number=f"SK/TEST/{n:05d}", application__number=f"WN/TEST/{n:05d}", **fields
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Decision attachments written by these tests go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def referral_data(demo_data):
    """A field of its own in mazowieckie: two accredited units, one programme in force."""
    mazowieckie = voivodeship("mazowieckie")
    field = FieldFactory(name="laboratoryjna genetyka — ścieżka testowa", code="genetyka-testowa")
    first = TrainingUnitFactory(voivodeship=mazowieckie, name="Szpital Praski — Pracownia Genetyki")
    second = TrainingUnitFactory(
        voivodeship=mazowieckie, name="Instytut Matki i Dziecka — Genetyka"
    )
    for unit in (first, second):
        AccreditationFactory(unit=unit, field=field, places=2)
    programme = ProgrammeFactory(
        field=field, mode=mode(), name="Program genetyki — wersja testowa", duration_months=48
    )
    return {"field": field, "units": (first, second), "programme": programme}


def status_of(page):
    return page.locator(".referral-status")


def test_the_office_walks_a_referral_through_sections_6_to_10(
    referral_data, login, page, axe_violations
):
    _first, second = referral_data["units"]
    referral = new_referral(field=referral_data["field"], mode=mode())
    PreferredUnit.objects.create(application=referral.application, unit=second, position=1)

    login("uw.mazowieckie@smk.local")
    page.goto(f"/skierowania/{referral.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Formularz skierowania"))).to_be_visible()
    expect(status_of(page)).to_contain_text("Wersja robocza")
    assert page.get_by_role("button", name="Przydziel").count() == 0

    # §6.1 Wybierz jednostkę: two accredited units, so a screen with the preferred one first.
    page.get_by_role("link", name="Wybierz jednostkę").click()
    expect(page.get_by_role("heading", name="Preferowana jednostka szkoleniowa")).to_be_visible()
    expect(page.get_by_role("heading", name="Lista jednostek szkoleniowych")).to_be_visible()
    page.get_by_role("link", name=f"Wybierz {second.name}").first.click()
    expect(page.get_by_text(second.name, exact=True)).to_be_visible()
    expect(page.get_by_text("Zmiana niezapisana — zapisz wersję roboczą")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).unit is None

    # §6.2 Wybierz program: one programme in force, chosen at once; the dates become editable.
    page.get_by_role("link", name="Wybierz program").click()
    expect(page.get_by_text("Program genetyki — wersja testowa", exact=True)).to_be_visible()
    start = page.get_by_label("Planowana data rozpoczęcia")
    end = page.get_by_label("Planowana data zakończenia")
    expect(start).to_be_editable()
    expect(end).not_to_have_value("")
    start.fill("2026-11-01")
    expect(end).to_have_value("2030-10-31")  # the end follows the start by 48 months
    assert axe_violations() == []

    page.get_by_role("button", name="Zapisz wersję roboczą").click()
    expect(page.get_by_text("Wersja robocza skierowania została zapisana.")).to_be_visible()
    expect(status_of(page)).to_contain_text("Wersja robocza")
    saved = Referral.objects.get(pk=referral.pk)
    assert (saved.unit, saved.programme, saved.planned_start, saved.planned_end) == (
        second,
        referral_data["programme"],
        datetime.date(2026, 11, 1),
        datetime.date(2030, 10, 31),
    )

    # §7 Przydziel, §8 Wyślij, §9 Wycofaj.
    page.get_by_role("button", name="Przydziel").click()
    expect(page.get_by_text("Skierowanie zostało przydzielone.")).to_be_visible()
    expect(status_of(page)).to_contain_text("Przydzielone")
    page.get_by_role("button", name="Wyślij").click()
    expect(status_of(page)).to_contain_text("Wystawione")
    expect(page.get_by_role("link", name="Pobierz skierowanie (PDF)")).to_be_visible()
    assert page.get_by_role("link", name="Wybierz jednostkę").count() == 0
    page.get_by_role("button", name="Wycofaj").click()
    expect(status_of(page)).to_contain_text("Wersja robocza")

    # §10 Niepodjęcie szkolenia: the decision section with Uzasadnienie decyzji, then Zapisz.
    page.get_by_role("button", name="Niepodjęcie szkolenia").click()
    justification = page.get_by_label("Uzasadnienie decyzji")
    expect(justification).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(page.get_by_text("Podaj uzasadnienie decyzji.").first).to_be_visible()
    page.get_by_label("Uzasadnienie decyzji").fill("Diagnosta złożył rezygnację ze szkolenia.")
    page.get_by_label("Załącznik").set_input_files(
        {"name": "rezygnacja.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Zapisz", exact=True).click()
    expect(status_of(page)).to_contain_text("Specjalizacja nierozpoczęta")
    expect(page.get_by_text("Diagnosta złożył rezygnację ze szkolenia.")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Dokonano wpisu w rejestrze o skreśleniu: nr"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="Pobierz załącznik decyzji")).to_be_visible()
    assert page.locator('button[name="action"]').count() == 0

    # §14 Historia skierowania, oldest first.
    page.get_by_role("link", name="Historia skierowania").click()
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("Zapisanie wersji roboczej")
    expect(rows.last).to_contain_text("Niepodjęcie szkolenia (Urząd Wojewódzki)")


def _unit_decided_not_started(referral_data):
    first, _second = referral_data["units"]
    return new_referral(
        field=referral_data["field"],
        mode=mode(),
        status=ReferralStatus.NOT_STARTED,
        unit=first,
        programme=referral_data["programme"],
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
        sent_at=timezone.now(),
        decision=DecisionKind.NOT_STARTED,
        decided_by_kind=DecidedBy.UNIT,
        decision_justification="Diagnosta nie zgłosił się w jednostce.",
        decided_at=timezone.now(),
    )


def test_wpisz_do_rejestru_confirmed_in_the_dialog(referral_data, login, page, axe_violations):
    referral = _unit_decided_not_started(referral_data)
    login("wojewoda.mazowieckie@smk.local")
    page.goto(f"/skierowania/{referral.pk}/")
    expect(status_of(page)).to_contain_text("Specjalizacja nierozpoczęta")
    expect(page.get_by_text(re.compile("Brak dokonania wpisu w rejestrze"))).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Wpisz do rejestru").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert axe_violations() == []
    dialog.get_by_role("button", name="Tak, wpisz do rejestru").click()
    expect(page.get_by_text("Dokonano wpisu w rejestrze o skreśleniu.")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Dokonano wpisu w rejestrze o skreśleniu: nr"))
    ).to_be_visible()
    assert page.locator('button[name="action"]').count() == 0
    assert RegisterEntry.objects.get(referral=referral).kind == EntryKind.STRIKE_OFF


def test_wpisz_do_rejestru_without_javascript_uses_the_confirmation_page(
    referral_data, browser, live_server
):
    referral = _unit_decided_not_started(referral_data)
    context = browser.new_context(
        base_url=live_server.url, locale="pl-PL", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto("/konto/login/")
        page.get_by_label("Adres e-mail").fill("uw.mazowieckie@smk.local")
        page.get_by_label("Hasło").fill("SmkDemo-2026")
        page.get_by_role("button", name="Zaloguj się").click()
        page.goto(f"/skierowania/{referral.pk}/")
        page.get_by_role("button", name="Wpisz do rejestru").click()
        expect(page).to_have_url(re.compile(r"/wpis-do-rejestru/$"))
        page.get_by_role("button", name="Tak, wpisz do rejestru").click()
        expect(page.locator(".referral-status")).to_contain_text("Specjalizacja nierozpoczęta")
        expect(page.get_by_text("Dokonano wpisu w rejestrze o skreśleniu.")).to_be_visible()
        assert RegisterEntry.objects.filter(referral=referral).count() == 1
    finally:
        context.close()


def test_wycofaj_of_the_units_decision_returns_the_referral_to_the_draft(
    referral_data, login, page
):
    referral = _unit_decided_not_started(referral_data)
    login("uw.mazowieckie@smk.local")
    page.goto(f"/skierowania/{referral.pk}/")
    page.get_by_role("button", name="Wycofaj").click()
    expect(status_of(page)).to_contain_text("Wersja robocza")
    expect(page.get_by_role("link", name="Wybierz jednostkę")).to_be_visible()
    assert not RegisterEntry.objects.filter(referral=referral).exists()


def test_a_unit_staff_member_cannot_open_the_offices_form(referral_data, login, page):
    referral = new_referral(field=referral_data["field"], mode=mode())
    login("jednostka@smk.local")
    response = page.goto(f"/skierowania/{referral.pk}/")
    assert response.status == 403


def test_the_list_shows_what_the_clerk_just_did(referral_data, login, page):
    """The list is opened (twice), and after "Przydziel" the way back shows the new status."""
    first, _second = referral_data["units"]
    referral = new_referral(field=referral_data["field"], mode=mode(), unit=first)

    login("uw.mazowieckie@smk.local")
    page.goto(f"/skierowania/?session=&number={referral.number}")
    row = page.get_by_role("row").filter(has_text=referral.number)
    expect(row).to_contain_text("Wersja robocza")
    page.reload()
    expect(row).to_contain_text("Wersja robocza")

    row.get_by_role("link", name=re.compile("Skierowanie")).click()
    page.get_by_role("button", name="Przydziel").click()
    expect(page.get_by_text("Skierowanie zostało przydzielone.")).to_be_visible()
    page.get_by_role("link", name="Powrót do listy skierowań").first.click()

    row = page.get_by_role("row").filter(has_text=referral.number)
    expect(row).to_contain_text("Przydzielone")
    expect(row).to_contain_text(first.name)
