"""One EKS walked in a real browser, without JavaScript doing the work, from the first entry
to "Zweryfikuj" (issue 17, item 8): the unit appoints the kierownik, the diagnostician enters
a course, an internship and procedures with their certificates and passes them on, the
kierownik confirms them and the end, the office verifies. Every page passes axe-core's
WCAG 2.1 AA rules."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from eks.models import Card
from registry.models import EKSStatus, EntryKind, RegisterEntry
from tests.eks.conftest import JPG, PDF, started_card
from tests.factories import TrainingUnitFactory, person_with_role, voivodeship

PASSWORD = "haslo-testowe-123"


@pytest.fixture
def people(transactional_db):
    mazowieckie = voivodeship("mazowieckie")
    unit = TrainingUnitFactory(voivodeship=mazowieckie, name="Szpital Bródnowski — Laboratorium")
    applicant = person_with_role(Role.APPLICANT, email="lucja@example.pl")
    return {
        "card": started_card(unit, applicant),
        "applicant": applicant,
        "staff": person_with_role(Role.UNIT_STAFF, unit=unit),
        "kierownik": person_with_role(Role.KIEROWNIK, unit=unit, email="kierownik@example.pl"),
        "office": person_with_role(Role.UW, voivodeship=mazowieckie),
    }


@pytest.fixture
def as_person(page, login):
    def switch(user):
        page.context.clear_cookies()
        login(user.email, password=PASSWORD)
        return page

    return switch


def add_entry(page, card, element, *, days, place, count=None, upload=None):
    page.get_by_role("link", name="Dodaj wpis").click()
    expect(page.get_by_role("heading", name="Dodaj wpis")).to_be_visible()
    page.get_by_label("Element programu").select_option(label=element)
    start = card.start_date + datetime.timedelta(days=10)
    page.get_by_label("Data rozpoczęcia").fill(start.isoformat())
    page.get_by_label("Data zakończenia").fill((start + datetime.timedelta(days=days)).isoformat())
    page.get_by_label("Miejsce odbycia").fill(place)
    if count:
        page.get_by_label("Liczba wykonanych procedur").fill(str(count))
    if upload:
        page.get_by_label("Zaświadczenie (PDF lub JPG)").set_input_files(upload)
    page.get_by_role("button", name="Zapisz wpis").click()
    expect(page.get_by_text("Wpis został dodany")).to_be_visible()


def test_one_card_from_the_first_entry_to_zweryfikuj(people, page, as_person, axe_violations):
    card = people["card"]
    card_url = f"/eks/{card.pk}/"

    # The unit's staff appoint the kierownik specjalizacji.
    as_person(people["staff"]).goto(card_url)
    assert axe_violations() == []
    page.get_by_role("link", name="Wyznacz kierownika specjalizacji").click()
    page.get_by_role("combobox", name="Kierownik specjalizacji").select_option(
        label=f"{people['kierownik'].get_full_name()} (kierownik@example.pl)"
    )
    assert axe_violations() == []
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_text("Kierownik specjalizacji został wyznaczony")).to_be_visible()

    # The diagnostician enters what the programme asks for and passes it on.
    as_person(people["applicant"]).goto("/eks/")
    page.get_by_role("link", name=f"Karta {card.number}").click()
    expect(page.get_by_text("Potwierdzone elementy programu: 0 z 3")).to_be_visible()
    assert axe_violations() == []
    certificate = {"name": "kurs.pdf", "mimeType": "application/pdf", "buffer": PDF}
    add_entry(
        page,
        card,
        "Kurs wprowadzający (kurs specjalizacyjny)",
        days=2,
        place="CMKP, Warszawa",
        upload=certificate,
    )
    add_entry(
        page,
        card,
        "Staż w pracowni (staż kierunkowy)",
        days=13,
        place="Pracownia Mikrobiologii, Radom",
        upload={"name": "staz.jpg", "mimeType": "image/jpeg", "buffer": JPG},
    )
    add_entry(page, card, "Walidacja metody (procedura)", days=5, place="Laboratorium", count=3)
    assert axe_violations() == []
    page.get_by_role("button", name="Przekaż do potwierdzenia").click()
    expect(page.get_by_text("Przekazano do potwierdzenia wpisów: 3")).to_be_visible()

    # The kierownik confirms the entries at once, then the end.
    as_person(people["kierownik"]).goto("/eks/do-potwierdzenia/")
    expect(page.get_by_role("heading", name=f"{card.first_name} {card.last_name}")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Potwierdź zaznaczone").click()
    expect(page.get_by_text("Potwierdzono wpisów: 3")).to_be_visible()
    page.goto(card_url)
    expect(page.get_by_text("Potwierdzone elementy programu: 3 z 3")).to_be_visible()
    page.get_by_role("link", name="Potwierdź zakończenie specjalizacji").click()
    assert axe_violations() == []
    page.get_by_role("button", name="Potwierdź zakończenie specjalizacji").click()
    expect(page.get_by_text("czeka na weryfikację urzędu")).to_be_visible()

    # The office finds it waiting and verifies it.
    as_person(people["office"]).goto("/eks/")
    expect(page.get_by_role("link", name="Do weryfikacji")).to_have_attribute(
        "aria-current", "page"
    )
    assert axe_violations() == []
    page.get_by_role("link", name=f"Karta {card.number}").click()
    page.get_by_role("link", name="Zweryfikuj").click()
    expect(page.get_by_role("heading", name="Zweryfikuj")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Zweryfikuj").click()
    expect(page.get_by_text("Karta została zweryfikowana")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("link", name="Historia EKS").click()
    expect(
        page.get_by_role("rowheader", name="Weryfikacja EKS przez Urząd Wojewódzki")
    ).to_be_visible()
    assert axe_violations() == []

    assert Card.objects.get(pk=card.pk).status == EKSStatus.VERIFIED
    assert RegisterEntry.objects.filter(referral=card.referral, kind=EntryKind.COMPLETION).exists()
