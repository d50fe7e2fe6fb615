import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_RECOVERY_CODES

OFFICE_MENU = [
    "Do obsłużenia",
    "Postępowanie kwalifikacyjne",
    "Skierowania na specjalizację",
    "Rejestr",
    "Elektroniczna Karta Specjalizacji",
    "Jednostki szkoleniowe",
    "Moje konto",
    "Klienci API",
]
MENUS = {
    "admin@smk.local": ["Jednostki szkoleniowe", "Wnioski o role", "Moje konto"],
    "uw.mazowieckie@smk.local": OFFICE_MENU,
    "wojewoda.mazowieckie@smk.local": OFFICE_MENU,
    "uw.malopolskie@smk.local": OFFICE_MENU,
    "jednostka@smk.local": [
        "Skierowania do jednostki",
        "Szkolenie w jednostce",
        "Akredytacja jednostki",
        "Rejestr",
        "Elektroniczna Karta Specjalizacji",
        "Jednostki szkoleniowe",
        "Moje konto",
        "Klienci API",
    ],
    "kierownik@smk.local": [
        "Wpisy do potwierdzenia",
        "Elektroniczna Karta Specjalizacji",
        "Moje konto",
    ],
    "diagnosta@smk.local": [
        "Moje wnioski",
        "Listy miejsc szkoleniowych",
        "Elektroniczna Karta Specjalizacji",
        "Moje konto",
    ],
}


@pytest.mark.parametrize("email", list(MENUS))
def test_each_demo_account_logs_in_and_sees_its_menu(demo_data, login, page, email):
    login(email, code=DEMO_ADMIN_RECOVERY_CODES[0] if email == DEMO_ADMIN_EMAIL else None)
    nav = page.get_by_role("navigation", name="Menu główne")
    expect(nav).to_be_visible()
    links = [text.strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert links == MENUS[email]
    expect(nav.get_by_role("button", name="Wyloguj")).to_be_visible()


def test_the_demo_administrator_reaches_the_admin_with_a_published_recovery_code(
    demo_data, login, page
):
    login(DEMO_ADMIN_EMAIL, code=DEMO_ADMIN_RECOVERY_CODES[1])
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Słowniki, użytkownicy i profile")).to_be_visible()


def test_a_clerk_of_malopolskie_gets_404_on_a_mazowieckie_unit(demo_data, login, page):
    login("uw.mazowieckie@smk.local")
    page.get_by_role("link", name="Jednostki szkoleniowe").first.click()
    page.get_by_role("link", name="Wojewódzki Szpital Specjalistyczny").first.click()
    unit_url = page.url
    page.get_by_role("button", name="Wyloguj").click()
    login("uw.malopolskie@smk.local")
    response = page.goto(unit_url)
    assert response.status == 404


def test_a_person_with_two_profiles_switches_with_pracuj_w_profilu(demo_data, login, page):
    login("uw.dwa.profile@smk.local")
    # After the login the person chooses a profile first (seed 003), the last used one offered.
    expect(page.get_by_role("heading", name="Wybierz profil")).to_be_visible()
    page.get_by_role("main").get_by_role("button", name="Pracuj w profilu").click()
    switcher = page.locator("form.profile-switcher")
    switcher.get_by_label("Profil").select_option(
        label="Urząd Wojewódzki — małopolskie (Urząd Wojewódzki)"
    )
    switcher.get_by_role("button", name="Pracuj w profilu").click()
    expect(page.get_by_text("Pracujesz teraz w profilu")).to_be_visible()
    page.get_by_role("link", name="Jednostki szkoleniowe").first.click()
    expect(page.get_by_role("cell", name="małopolskie").first).to_be_visible()
    expect(page.get_by_role("cell", name="mazowieckie", exact=True)).to_have_count(0)


def test_a_wrong_password_shows_a_message_next_to_the_form(demo_data, login, page):
    login("uw.mazowieckie@smk.local", password="nie-to-haslo")
    expect(page.get_by_role("alert")).to_contain_text("niepoprawne")


@pytest.mark.parametrize("path", ["/konto/login/", "/", "/jednostki/", "/moje-konto/"])
def test_pages_have_no_wcag_aa_violations(demo_data, login, page, axe_violations, path):
    if path != "/konto/login/":
        login("uw.dwa.profile@smk.local")
    page.goto(path)
    assert axe_violations() == []


def test_the_page_works_with_keyboard_only_from_the_skip_link(demo_data, login, page):
    login("uw.mazowieckie@smk.local")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Przejdź do treści")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
