"""The applicant portal end to end in a real browser: register ("Rejestracja — jestem nowym
użytkownikiem"), confirm the e-mail address through the link, log in, create an application
in two steps and confirm it, approve it ("Zatwierdź") — and the clerk of that voivodeship
finds it among the procedure's applications."""

import re

import pytest
from django.core import mail

from qualification.models import Application, ApplicationStatus, Procedure
from qualification.services.applicant import sessions_accepting
from tests.applicant.signup import signup_open

EMAIL = "nowa.wnioskodawczyni@example.pl"
PASSWORD = "Bardzo-Dlugie-Haslo-2026"


@pytest.fixture
def open_signup():
    with signup_open():
        yield


def test_register_apply_approve_and_the_clerk_sees_the_application(
    page, demo_data, open_signup, login, axe_violations
):
    # Rejestracja — jestem nowym użytkownikiem
    page.goto("/konto/signup/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Rejestracja — jestem nowym użytkownikiem"
    )
    assert axe_violations() == []
    page.get_by_label("Adres e-mail").fill(EMAIL)
    page.get_by_label("Imię").fill("Ewelina")
    page.get_by_label("Nazwisko").fill("Źrebiec-Łągiewka")
    page.get_by_label("PESEL").fill("02070803628")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Hasło (powtórz)").fill(PASSWORD)
    page.get_by_role("button", name="Zarejestruj się").click()
    page.wait_for_load_state()

    # The link from the e-mail confirms the address.
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    link = re.search(r"https?://[^/\s]+(/konto/confirm-email/[^\s]+/)", message.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Potwierdź").click()
    page.wait_for_load_state()

    # Logowanie — mam już konto
    login(EMAIL, PASSWORD)
    page.get_by_role("link", name="Moje wnioski").first.click()
    assert axe_violations() == []
    page.get_by_role("link", name="Utwórz wniosek").click()

    # Step 1: where and what.
    page.get_by_label("Województwo").select_option(label="mazowieckie")
    page.get_by_label("Dziedzina").select_option(label="laboratoryjna diagnostyka medyczna")
    page.get_by_label("rezydentura", exact=True).check()
    page.get_by_role("button", name="Dalej").click()

    # Step 2: the data (name and PESEL come from the registration) and the units.
    assert page.get_by_label("PESEL").input_value() == "02070803628"
    assert page.get_by_label("Nazwisko").input_value() == "Źrebiec-Łągiewka"
    assert axe_violations() == []
    page.get_by_label("Numer wpisu na listę diagnostów laboratoryjnych").fill("DL/778899")
    page.get_by_label("Telefon").fill("+48 601 222 333")
    page.get_by_label("Adres korespondencyjny").fill("ul. Marszałkowska 10/4, 00-590 Warszawa")
    page.get_by_label("Uczelnia").fill("Warszawski Uniwersytet Medyczny")
    page.get_by_label("Rok ukończenia studiów").fill("2020")
    page.get_by_label("Wynik studiów").fill("4,75")
    first_unit = page.get_by_label("Preferowana jednostka szkoleniowa — 1. wybór")
    first_unit.select_option(index=1)
    page.get_by_role("button", name="Dalej — sprawdź wniosek").click()

    # Step 3: the confirmation says nothing becomes inactive.
    assert page.get_by_text("Żaden z Twoich wcześniejszych wniosków nie zostanie dezaktywowany")
    assert axe_violations() == []
    page.get_by_role("button", name="Utwórz wniosek").click()
    page.wait_for_load_state()
    assert "Utworzono wniosek" in page.inner_text("main")
    assert axe_violations() == []

    # Zatwierdź: the confirmation page, then the number.
    page.get_by_role("link", name="Zatwierdź").click()
    assert axe_violations() == []
    page.get_by_role("button", name="Zatwierdź").click()
    page.wait_for_load_state()
    application = Application.objects.get(email=EMAIL)
    assert application.status == ApplicationStatus.APPROVED
    assert f"otrzymał numer {application.number}" in page.inner_text("main")
    assert page.get_by_role("link", name="Drukuj").is_visible()
    assert axe_violations() == []

    # The clerk of mazowieckie finds it among the procedure's applications.
    page.get_by_role("button", name="Wyloguj").click()
    page.wait_for_load_state()
    login("uw.mazowieckie@smk.local")
    procedure = Procedure.objects.get(
        session=sessions_accepting().get(pk=application.session_id),
        voivodeship=application.voivodeship,
    )
    page.goto(f"/postepowanie/{procedure.pk}/")
    page.get_by_role("link", name="Wnioski", exact=True).click()
    page.wait_for_load_state()
    assert application.number in page.inner_text("main")
    assert "Źrebiec-Łągiewka" in page.inner_text("main")
