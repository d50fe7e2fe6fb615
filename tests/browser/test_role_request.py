"""Seed 003 "Składam wniosek" walked in a real browser: the four steps by their labels."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_TOTP_SECRET
from accounts.models import (
    AttachmentState,
    RoleRequest,
    RoleRequestAttachment,
    RoleRequestStatus,
)
from tests.accounts.conftest import totp_code
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def newcomer(demo_data):
    return UserFactory(email="nowa.osoba@example.pl", first_name="Łucja", last_name="Źrebięcka")


def test_four_steps_of_a_role_request(newcomer, login, page, axe_violations, tmp_path):
    login(newcomer.email, password="haslo-testowe-123")
    expect(page.get_by_role("heading", name="Moje konto")).to_be_visible()
    page.get_by_role("link", name="Składam wniosek").click()

    # 1 "Wybór jednostki"
    expect(page.locator("[aria-current=step]")).to_contain_text("Wybór jednostki")
    page.get_by_label("Rodzaj").select_option(label="Urząd wojewódzki")
    page.get_by_label("Nazwa jednostki").fill("mazowiecki")
    page.get_by_role("button", name="Szukaj").click()
    assert axe_violations() == []
    page.get_by_role("button", name=re.compile("^Wybierz.*Mazowiecki Urząd Wojewódzki")).click()

    # 2 "Wybór ról i dane kontaktowe"
    expect(page.locator("[aria-current=step]")).to_contain_text("Wybór ról i dane kontaktowe")
    page.get_by_label("Telefon").fill("600 100 200")
    page.get_by_label("E-mail").fill("l.zrebiecka@example.pl")
    page.get_by_role("button", name="Dalej").click()
    expect(page.get_by_text("Wybierz co najmniej jedną rolę.")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Urząd Wojewódzki", exact=True).check()
    page.get_by_label("Wojewoda", exact=True).check()
    page.get_by_role("button", name="Dalej").click()

    # 3 "Podsumowanie i zapisanie wniosku"
    expect(page.locator("[aria-current=step]")).to_contain_text("Podsumowanie i zapisanie")
    for link in ("Wybierz inną jednostkę", "Wybierz inne role", "Popraw dane"):
        expect(page.get_by_role("link", name=link)).to_be_visible()
    page.get_by_role("button", name="Zapisz wniosek").click()
    expect(page.get_by_text("Zapoznaj się z treścią oświadczenia")).to_be_visible()
    assert axe_violations() == []
    page.get_by_label("Potwierdzam zgodność danych ze stanem faktycznym").check()
    page.get_by_role("button", name="Zapisz wniosek").click()

    # 4 "Pobranie wniosku"
    expect(page.locator("[aria-current=step]")).to_contain_text("Pobranie wniosku")
    numbers = sorted(
        RoleRequest.objects.filter(batch__user=newcomer).values_list("number", flat=True)
    )
    assert len(numbers) == 2 and all(re.fullmatch(r"U\d{6}/\d{4}", n) for n in numbers)
    for number in numbers:
        expect(page.get_by_role("cell", name=number)).to_be_visible()
    page.get_by_label("Teraz załączę plik").check()
    page.get_by_role("button", name="Zakończ").click()
    expect(page.get_by_text("pobierz wniosek dla wszystkich wnioskowanych ról")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Pobierz").click()
    pdf = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert all(n in text for n in numbers) and "Źrebięcka" in text
    assert axe_violations() == []
    scan = tmp_path / "wniosek-podpisany.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("Teraz załączę plik").check()
    page.get_by_label("Podpisany wniosek").set_input_files(str(scan))
    page.get_by_role("button", name="Zakończ").click()

    # Back in "Moje konto": both requests wait, with the signed file.
    expect(page.get_by_role("heading", name="Oczekujące wnioski")).to_be_visible()
    for number in numbers:
        expect(page.get_by_role("heading", name=number)).to_be_visible()
    attachment = RoleRequestAttachment.objects.get(batch__user=newcomer)
    assert attachment.state == AttachmentState.SAFE
    assert axe_violations() == []


def test_the_administrator_approves_a_waiting_request(demo_data, login, page, axe_violations):
    login(DEMO_ADMIN_EMAIL, code=totp_code(DEMO_ADMIN_TOTP_SECRET))
    page.get_by_role("link", name="Wnioski o role").first.click()
    expect(page.get_by_role("heading", name="Wnioski o role")).to_be_visible()
    assert axe_violations() == []
    waiting = RoleRequest.objects.filter(batch__user__email="wnioskujacy@smk.local")
    request = waiting.filter(role="uw").get()
    page.get_by_role("link", name=request.number).click()
    assert axe_violations() == []
    page.get_by_role("button", name="Zatwierdź").click()
    expect(page.get_by_text("jest aktywna")).to_be_visible()
    assert RoleRequest.objects.get(pk=request.pk).status == RoleRequestStatus.APPROVED


def test_moje_konto_of_a_requester_is_accessible(demo_data, login, page, axe_violations):
    login("wnioskujacy@smk.local")
    expect(page.get_by_role("heading", name="Brak załączników do wniosków o rolę")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role("button", name="Przypomnij mi przy kolejnym logowaniu").click()
    page.goto("/moje-konto/")
    expect(page.get_by_role("heading", name="Oczekujące wnioski")).to_be_visible()
    assert axe_violations() == []
