"""Formularz skierowania (seed 000 §5.2–§7): who may open the office's screens, and what the
form shows."""

import re

import pytest
from django.urls import reverse

from referrals.models import DecidedBy
from tests.referrals.form.common import S, buttons, text, url

pytestmark = pytest.mark.django_db

# ---- Who may open what ----------------------------------------------------------------------

OFFICE_VIEWS = [
    "referral_form",
    "referral_choose_unit",
    "referral_choose_programme",
    "referral_not_started",
    "referral_strike_off",
    "referral_history",
    "referral_pdf",
    "decision_attachment",
]


@pytest.mark.parametrize("name", OFFICE_VIEWS)
@pytest.mark.parametrize("who", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_office_of_the_voivodeship_opens_every_screen(
    request, client_of, decided_referral, name, who
):
    client = client_of(request.getfixturevalue(who))
    response = client.get(url(name, decided_referral))
    # Screens that do not apply in this status send the clerk back to the form with a message.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] == url("referral_form", decided_referral)


@pytest.mark.parametrize("name", OFFICE_VIEWS)
def test_another_voivodeships_office_gets_404(client_of, uw_malopolskie, decided_referral, name):
    assert client_of(uw_malopolskie).get(url(name, decided_referral)).status_code == 404


@pytest.mark.parametrize("name", [n for n in OFFICE_VIEWS if n != "decision_attachment"])
@pytest.mark.parametrize("who", ["staff", "applicant", "administrator"])
def test_other_roles_get_403_on_the_office_screens(request, client_of, decided_referral, name, who):
    client = client_of(request.getfixturevalue(who))
    assert client.get(url(name, decided_referral)).status_code == 403


@pytest.mark.parametrize("name", OFFICE_VIEWS)
def test_anonymous_is_sent_to_the_login_page(client, decided_referral, name):
    response = client.get(url(name, decided_referral))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("referral_form", "put"),
        ("referral_form", "delete"),
        ("referral_choose_unit", "post"),
        ("referral_choose_programme", "post"),
        ("referral_history", "post"),
        ("referral_pdf", "post"),
        ("decision_attachment", "post"),
        ("referral_strike_off", "put"),
    ],
)
def test_methods_a_screen_does_not_take_answer_405(
    client_of, uw_mazowieckie, decided_referral, name, method
):
    client = client_of(uw_mazowieckie)
    assert getattr(client, method)(url(name, decided_referral)).status_code == 405


# ---- The page -------------------------------------------------------------------------------


def test_the_form_shows_every_section_of_the_seed(client_of, uw_mazowieckie, make):
    referral = make(S.ASSIGNED)
    response = client_of(uw_mazowieckie).get(url("referral_form", referral))
    assert response.status_code == 200
    page = text(response)
    for label in [
        "Formularz skierowania",
        "Powrót do listy skierowań",
        "Numer skierowania",
        "Numer wniosku",
        "Tryb",
        "Sesja",
        "Dziedzina medycyny laboratoryjnej",
        "Dane osobowe Diagnosty",
        "Dane dotyczące uprawnień zawodowych",
        "Numer wpisu na listę diagnostów laboratoryjnych",
        "Jednostka wskazana do prowadzenia specjalizacji",
        "Wybierz jednostkę",
        "Program specjalizacji",
        "Wybierz program",
        "Planowana data rozpoczęcia",
        "Planowana data zakończenia",
        "Decyzja",
        "Historia skierowania",
        "Anuluj",
    ]:
        assert label in page, label
    assert referral.number in page
    assert referral.application.number in page
    assert referral.application.licence_number in page
    assert "Szpital Bródnowski — Zakład Diagnostyki" in page
    assert "Przydzielone" in page
    assert page.count("<fieldset") >= 6
    assert 'value="2026-10-01"' in page  # the date input carries the saved date
    assert "Pobierz skierowanie (PDF)" not in page


def test_dates_are_editable_only_once_a_programme_is_chosen(client_of, uw_mazowieckie, make):
    client = client_of(uw_mazowieckie)
    page = text(client.get(url("referral_form", make(S.DRAFT))))
    assert 'name="planned_start"' not in page
    assert "można wprowadzić po wybraniu programu" in page
    issued = text(client.get(url("referral_form", make(S.ISSUED))))
    assert 'name="planned_start"' not in issued
    assert "01.10.2026" in issued
    assert "Wybierz jednostkę" not in issued
    assert "Wybierz program" not in issued


@pytest.mark.parametrize(
    ("status", "extra", "expected"),
    [
        (S.DRAFT, {}, ["Zapisz wersję roboczą", "Niepodjęcie szkolenia"]),
        (
            S.DRAFT,
            {"with_unit": True},
            ["Zapisz wersję roboczą", "Przydziel", "Niepodjęcie szkolenia"],
        ),
        (S.ASSIGNED, {}, ["Zapisz wersję roboczą", "Przydziel", "Wyślij", "Niepodjęcie szkolenia"]),
        (S.ISSUED, {}, ["Wycofaj", "Niepodjęcie szkolenia"]),
        (S.STARTED, {}, []),
        (S.REJECTED, {}, []),
        (S.NOT_STARTED, {}, ["Wycofaj", "Wpisz do rejestru"]),
        (S.NOT_STARTED, {"decided_by": DecidedBy.OFFICE}, []),
    ],
)
@pytest.mark.parametrize("who", ["uw_mazowieckie", "wojewoda_mazowieckie"])
def test_the_buttons_are_exactly_the_transitions_allowed_in_the_status(
    request, client_of, make, unit, status, extra, expected, who
):
    user = request.getfixturevalue(who)
    extra = dict(extra)
    with_unit = extra.pop("with_unit", False)
    referral = make(status, **extra, **({"unit": unit} if with_unit else {}))
    if extra.get("decided_by") == DecidedBy.OFFICE:
        from registry.services import make_strike_off_entry

        make_strike_off_entry(referral, user=None, reason="x")
    response = client_of(user).get(url("referral_form", referral))
    assert buttons(response) == expected
    profile = user.profiles.get()
    allowed = sorted(
        referral.get_available_user_status_transitions(profile), key=lambda t: t.custom["order"]
    )
    assert [str(t.custom["label"]) for t in allowed] == expected


def test_a_chosen_unit_not_saved_yet_already_offers_przydziel(
    client_of, uw_mazowieckie, make, unit
):
    referral = make(S.DRAFT)
    response = client_of(uw_mazowieckie).get(url("referral_form", referral, f"jednostka={unit.pk}"))
    page = text(response)
    assert "Szpital Bródnowski — Zakład Diagnostyki" in page
    assert "Zmiana niezapisana — zapisz wersję roboczą" in page
    assert "Przydziel" in buttons(response)
    assert f'name="unit" value="{unit.pk}"' in page
    referral.refresh_from_db()
    assert referral.unit is None  # choosing is not saving


def test_anuluj_and_the_top_link_return_to_the_list_with_its_filters(
    client_of, uw_mazowieckie, make
):
    client = client_of(uw_mazowieckie)
    session = client.session
    session["referral_list_url"] = "/skierowania/?status=przydzielone&page=2"
    session.save()
    page = client.get(url("referral_form", make())).content.decode()
    assert back_links(page) == ["/skierowania/?status=przydzielone&amp;page=2"] * 2


def back_links(page):
    """Where "Powrót do listy skierowań" (top) and "Anuluj" (bottom) lead."""
    top = re.findall(r'<a href="([^"]*)">Powrót do listy skierowań</a>', page)
    bottom = re.findall(r'<a class="button button--secondary" href="([^"]*)">Anuluj</a>', page)
    return top + bottom


@pytest.mark.parametrize(
    "stored",
    ["https://zly.example/skierowania/", "//zly.example/", "/\\zly.example", "javascript:alert(1)"],
)
def test_a_stored_list_url_leading_off_the_site_is_not_used(
    client_of, uw_mazowieckie, make, stored
):
    client = client_of(uw_mazowieckie)
    session = client.session
    session["referral_list_url"] = stored
    session.save()
    page = client.get(url("referral_form", make())).content.decode()
    assert "zly.example" not in page
    assert "javascript:" not in page
    assert back_links(page) == [reverse("referrals:referral_list")] * 2
