"""Every footer page answers an anonymous visitor and is axe-clean (issue 20, item 9)."""

import pytest
from playwright.sync_api import expect

FOOTER_LINKS = [
    "Informacje o przetwarzaniu danych osobowych",
    "Deklaracja dostępności",
    "Polityka prywatności",
    "Mapa strony",
    "Warunki korzystania z serwisu",
    "Przeczytaj jak z niego korzystać",
    "Skontaktuj się z nami",
    "Opublikowane listy miejsc szkoleniowych",
    "Wykaz jednostek akredytowanych",
    "Statystyka złożonych wniosków",
]


@pytest.mark.parametrize("label", FOOTER_LINKS)
def test_each_footer_page_opens_for_a_visitor_from_the_start_page_without_wcag_violations(
    demo_data, page, axe_violations, label
):
    response = page.goto("/")
    assert response.status == 200
    footer = page.get_by_role("contentinfo")
    with page.expect_navigation():
        footer.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/konto/login/" not in page.url
    assert axe_violations() == []


def test_the_start_page_and_a_manual_are_axe_clean(demo_data, page, axe_violations):
    page.goto("/")
    expect(page.get_by_role("heading", name="Ostatnie komunikaty")).to_be_visible()
    assert axe_violations() == []
    page.get_by_role(
        "link", name="Pierwsze kroki: rejestracja, logowanie i profile", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Pierwsze kroki: rejestracja, logowanie i profile"
    )
    assert axe_violations() == []


def test_a_visitor_writes_to_the_operator_without_javascript_errors(demo_data, page):
    page.goto("/kontakt/")
    page.get_by_label("Imię i nazwisko").fill("Jan Pytający")
    page.get_by_label("Adres e-mail").fill("jan@example.pl")
    page.get_by_label("Temat").fill("Pytanie")
    page.get_by_label("Treść wiadomości").fill("Jak złożyć wniosek?")
    page.get_by_label("Zapoznałem się z informacjami o przetwarzaniu danych osobowych.").check()
    page.get_by_role("button", name="Wyślij wiadomość").click()
    expect(page.get_by_text("Wiadomość została wysłana do operatora systemu.")).to_be_visible()
