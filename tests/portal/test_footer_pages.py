"""The footer of every page (seed 003 "Warunki korzystania z systemu") and its pages."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from portal.help import MANUALS

pytestmark = pytest.mark.django_db

FOOTER = {
    "Informacje o przetwarzaniu danych osobowych": "portal:personal_data",
    "Deklaracja dostępności": "portal:accessibility",
    "Polityka prywatności": "portal:privacy",
    "Mapa strony": "portal:sitemap",
    "Warunki korzystania z serwisu": "portal:terms",
    "Przeczytaj jak z niego korzystać": "portal:help",
    "Skontaktuj się z nami": "portal:contact",
    "Opublikowane listy miejsc szkoleniowych": "qualification:published_slot_lists",
    "Wykaz jednostek akredytowanych": "accreditation:public_list",
    "Statystyka złożonych wniosków": "qualification:statistics",
}


def footer_of(response) -> str:
    return re.search(r"<footer.*?</footer>", response.content.decode(), re.S).group(0)


@pytest.mark.parametrize("url", ["/", "/konto/login/", "/mapa-strony/", "/moje-konto/"])
def test_every_page_has_the_footer_links_before_and_after_logging_in(
    client_of, uw_mazowieckie, client, url
):
    for visitor in (client, client_of(uw_mazowieckie)):
        response = visitor.get(url)
        if response.status_code == 302:  # /moje-konto/ for the anonymous visitor
            response = visitor.get(response["Location"])
        footer = footer_of(response)
        for label, name in FOOTER.items():
            assert f'<a href="{reverse(name)}">{label}</a>' in footer, (url, label)


@pytest.mark.parametrize("name", sorted(set(FOOTER.values())))
def test_every_footer_page_answers_an_anonymous_visitor(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_the_accessibility_statement_follows_the_statutory_structure_from_settings(
    client, settings
):
    settings.OPERATOR_NAME = "Urząd Testowy w Warszawie"
    settings.OPERATOR_EMAIL = "dostepnosc@example.gov.pl"
    settings.OPERATOR_PHONE = "22 123 45 67"
    settings.ACCESSIBILITY_CONTACT_PERSON = "Anna Dostępna"
    settings.SITE_URL = "https://smk.example.gov.pl"
    import datetime

    settings.ACCESSIBILITY_PUBLISHED_ON = datetime.date(2026, 9, 1)
    settings.ACCESSIBILITY_REVIEWED_ON = datetime.date(2026, 12, 2)
    page = client.get(reverse("portal:accessibility")).content.decode()
    for element in (
        "a11y-wstep",
        "a11y-podmiot",
        "a11y-url",
        "a11y-data-publikacja",
        "a11y-data-aktualizacja",
        "a11y-status",
        "a11y-data-sporzadzenie",
        "a11y-kontakt",
        "a11y-osoba",
        "a11y-email",
        "a11y-telefon",
        "a11y-procedura",
        "a11y-architektura",
        "a11y-aplikacje",
    ):
        assert f'id="{element}"' in page, element
    assert '<span id="a11y-podmiot">Urząd Testowy w Warszawie</span>' in page
    assert "zobowiązuje się zapewnić dostępność swojej strony internetowej" in page
    assert 'href="https://smk.example.gov.pl"' in page
    assert 'datetime="2026-09-01"' in page
    assert "Data ostatniego przeglądu deklaracji:" in page
    assert 'datetime="2026-12-02"' in page
    assert "dostepnosc@example.gov.pl" in page
    assert "Anna Dostępna" in page
    assert "Rzecznika Praw Obywatelskich" in page


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("zgodna", "Strona internetowa jest zgodna z ustawą"),
        ("częściowo zgodna", "Strona internetowa jest częściowo zgodna z ustawą"),
        ("niezgodna", "Strona internetowa jest niezgodna z ustawą"),
    ],
)
def test_the_accessibility_status_is_the_one_configured(client, settings, status, sentence):
    settings.ACCESSIBILITY_STATUS = status
    page = client.get(reverse("portal:accessibility")).content.decode()
    assert sentence in page
    assert ("Treści niedostępne" in page) is (status != "zgodna")


def test_every_page_links_to_the_accessibility_statement_in_its_head(client):
    page = client.get(reverse("portal:terms")).content.decode()
    assert (
        '<meta name="deklaracja-dostępności" content="http://testserver/deklaracja-dostepnosci/">'
        in page
    )


def test_the_personal_data_notice_names_the_configured_operator(client, settings):
    settings.OPERATOR_NAME = "Urząd Testowy w Warszawie"
    settings.DATA_PROTECTION_OFFICER_EMAIL = "iod@example.gov.pl"
    page = client.get(reverse("portal:personal_data")).content.decode()
    assert "Administratorem danych osobowych przetwarzanych w systemie jest Urząd Testowy" in page
    assert "iod@example.gov.pl" in page
    assert "Prezesa Urzędu Ochrony Danych Osobowych" in page


def test_the_help_lists_every_manual_as_a_page_and_a_pdf(client):
    page = client.get(reverse("portal:help")).content.decode()
    for manual in MANUALS:
        assert reverse("portal:help_page", args=[manual.slug]) in page
        assert reverse("portal:help_pdf", args=[manual.slug]) in page


@pytest.mark.parametrize("manual", MANUALS, ids=lambda m: m.slug)
def test_each_manual_reads_the_same_as_a_page_and_as_a_pdf(client, manual):
    page = client.get(reverse("portal:help_page", args=[manual.slug]))
    assert page.status_code == 200
    response = client.get(reverse("portal:help_pdf", args=[manual.slug]))
    assert response["Content-Type"] == "application/pdf"
    assert manual.filename in response["Content-Disposition"]
    pdf_text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    pdf_words = " ".join(pdf_text.split())
    assert " ".join(str(manual.title).split()) in pdf_words
    # The first paragraph of the page is in the PDF too.
    first = re.search(r"<(?:li|p)>([^<]{30,})</(?:li|p)>", page.content.decode()).group(1)
    assert " ".join(first.split()[:6]) in pdf_words


def test_an_unknown_manual_is_not_found(client):
    assert client.get(reverse("portal:help_page", args=["nie-ma"])).status_code == 404
    assert client.get(reverse("portal:help_pdf", args=["nie-ma"])).status_code == 404
