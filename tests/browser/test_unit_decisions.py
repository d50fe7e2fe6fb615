"""In a real browser, without JavaScript doing the work: the unit decides, the register and the
EKS card show the result, and every page passes axe-core's WCAG 2.1 AA rules."""

import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from referrals import services
from referrals.models import Referral, ReferralStatus
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
    voivodeship,
)

PASSWORD = "haslo-testowe-123"


@pytest.fixture
def sent(transactional_db):
    """A referral the mazowieckie office sent to a unit, and that unit's staff member."""
    mazowieckie = voivodeship("mazowieckie")
    unit = TrainingUnitFactory(voivodeship=mazowieckie, name="Szpital Bródnowski — Laboratorium")
    accreditation = AccreditationFactory(unit=unit, places=2)
    programme = ProgrammeFactory(field=accreditation.field, mode=mode())
    office = person_with_role(Role.UW, voivodeship=mazowieckie)
    staff = person_with_role(Role.UNIT_STAFF, unit=unit)
    referral = ReferralFactory(
        number="TEST/00001",
        field=accreditation.field,
        application__first_name="Łucja",
        application__last_name="Świątek",
    )
    changes = services.Changes(
        unit=unit,
        programme=programme,
        planned_start=datetime.date(2026, 10, 1),
        planned_end=datetime.date(2030, 9, 30),
        fields={"unit", "programme", "planned_start", "planned_end"},
    )
    profile = office.profiles.get()
    services.assign(referral.pk, version=1, changes=changes, user=office, profile=profile)
    services.send(referral.pk, version=2, changes=None, user=office, profile=profile)
    return Referral.objects.get(pk=referral.pk), staff


@pytest.fixture
def on_referral_page(sent, page, login):
    """The unit's staff member, logged in, on the referral's page."""
    referral, staff = sent
    login(staff.email, password=PASSWORD)
    page.goto(f"/skierowania/jednostka/{referral.pk}/")
    return referral


def test_the_unit_accepts_and_finds_the_eks_and_the_register_entry(
    sent, page, login, axe_violations
):
    referral, staff = sent
    login(staff.email, password=PASSWORD)
    page.goto("/skierowania/jednostka/")
    expect(page.get_by_role("link", name="Do decyzji (1)")).to_have_attribute(
        "aria-current", "page"
    )
    assert axe_violations() == []

    page.get_by_role("link", name=f"Skierowanie {referral.number}").click()
    expect(page.get_by_role("heading", name=f"Skierowanie {referral.number}")).to_be_visible()
    expect(page.get_by_text(referral.application.pesel)).to_be_visible()
    assert axe_violations() == []

    page.get_by_role("link", name="Akceptuj").click()
    expect(page.get_by_role("heading", name="Akceptacja skierowania")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Akceptuj").click()

    expect(page.get_by_text("zostało zaakceptowane")).to_be_visible()
    expect(page.get_by_role("link", name="Akceptuj")).to_have_count(0)
    accepted = Referral.objects.get(pk=referral.pk)
    assert accepted.status == ReferralStatus.STARTED

    # The card's own link on the referral (the menu has an entry of the same words).
    page.get_by_role(
        "link", name=f"Elektroniczna Karta Specjalizacji {accepted.eks.number}", exact=True
    ).click()
    expect(page.get_by_text("Świątek")).to_be_visible()
    assert axe_violations() == []

    page.goto("/rejestr/")
    expect(page.get_by_role("cell", name="Rozpoczęcie szkolenia")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("link", name="REJ/").first.click()
    expect(page.get_by_text("Wpisów w rejestrze nie można zmieniać ani usuwać.")).to_be_visible()
    assert axe_violations() == []


def test_a_rejection_without_justification_shows_the_message_next_to_the_field(
    on_referral_page, page, axe_violations
):
    referral = on_referral_page
    page.get_by_role("link", name="Odrzuć").click()
    # Only spaces pass the browser's own "required" check; the server refuses them.
    page.get_by_label("Uzasadnienie decyzji").fill("   ")
    page.get_by_role("button", name="Odrzuć").click()
    expect(page.locator(".field__error")).to_have_text("Podaj uzasadnienie decyzji.")
    assert axe_violations() == []
    page.get_by_label("Uzasadnienie decyzji").fill("Brak opiekuna w tej dziedzinie")
    page.get_by_role("button", name="Odrzuć").click()
    expect(page.get_by_text("zostało odrzucone")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REJECTED
    assert Referral.objects.filter(replaces=referral, status=ReferralStatus.DRAFT).exists()


def test_the_units_niepodjecie_szkolenia_page_with_an_attachment(
    on_referral_page, page, axe_violations
):
    referral = on_referral_page
    page.get_by_role("link", name="Niepodjęcie szkolenia").click()
    assert axe_violations() == []
    page.get_by_label("Uzasadnienie decyzji").fill("Diagnosta nie zgłosił się")
    page.get_by_label("Załącznik").set_input_files(
        files=[{"name": "pismo.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF"}]
    )
    page.get_by_role("button", name="Zapisz").click()
    expect(page.get_by_text("Brak wpisu w rejestrze")).to_be_visible()
    assert axe_violations() == []
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.NOT_STARTED
