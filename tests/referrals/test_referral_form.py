"""Formularz skierowania and the screens reached from it, as the voivodeship office uses them
(seed 000 §5.2–§14)."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from qualification.models import PreferredUnit
from referrals import planned_dates, services
from referrals.models import DecidedBy, DecisionKind, Referral, ReferralStatus
from referrals.places import free_places
from registry.models import EntryKind, RegisterEntry
from smk.models import Event
from smk.scanning import EICAR
from tests.factories import (
    AccreditationFactory,
    ProgrammeFactory,
    ReferralFactory,
    SessionFactory,
    TrainingUnitFactory,
    mode,
    person_with_role,
)

pytestmark = pytest.mark.django_db

S = ReferralStatus
START = datetime.date(2026, 10, 1)
END = datetime.date(2030, 9, 30)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Decision attachments written by these tests go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


# ---- Data -----------------------------------------------------------------------------------


@pytest.fixture
def unit(mazowieckie):
    return TrainingUnitFactory(
        voivodeship=mazowieckie, name="Szpital Bródnowski — Zakład Diagnostyki", city="Warszawa"
    )


@pytest.fixture
def accreditation(unit, field):
    return AccreditationFactory(unit=unit, field=field, places=2)


@pytest.fixture
def programme(field):
    return ProgrammeFactory(
        field=field, mode=mode(), name="Program specjalizacji LDM 2023", duration_months=48
    )


@pytest.fixture
def staff(unit):
    return person_with_role(Role.UNIT_STAFF, unit=unit)


@pytest.fixture
def full_form(unit, programme):
    """The editable part of the form, filled in."""
    return {
        "unit": unit.pk,
        "programme": programme.pk,
        "planned_start": "2026-10-01",
        "planned_end": "2030-09-30",
    }


@pytest.fixture
def make(field, unit, accreditation, programme):
    """``make(status, **fields)``: a referral of mazowieckie with what its status implies."""

    def build(status=S.DRAFT, *, decided_by=DecidedBy.UNIT, **extra):
        data = {"field": field, "mode": mode(), "status": status}
        if status != S.DRAFT:
            data |= {
                "unit": unit,
                "programme": programme,
                "planned_start": START,
                "planned_end": END,
            }
        if status in (S.ISSUED, S.STARTED, S.REJECTED, S.NOT_STARTED):
            data["sent_at"] = timezone.now()
        if status == S.NOT_STARTED:
            data |= {
                "decision": DecisionKind.NOT_STARTED,
                "decided_by_kind": decided_by,
                "decision_justification": "Diagnosta nie zgłosił się w jednostce.",
                "decided_at": timezone.now(),
            }
        return ReferralFactory(**(data | extra))

    return build


def url(name, referral, query=""):
    return reverse(f"referrals:{name}", args=[referral.pk]) + (f"?{query}" if query else "")


def text(response) -> str:
    return html.unescape(response.content.decode())


BUTTON = re.compile(r'<button type="submit" name="action" value="([a-z_]+)"[^>]*>([^<]+)</button>')


def buttons(response) -> list[str]:
    return [html.unescape(label) for _action, label in BUTTON.findall(response.content.decode())]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def post_action(client, referral, action, **data):
    payload = {"action": action, "version": referral.version} | data
    return client.post(url("referral_form", referral), payload)


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


@pytest.fixture
def decided_referral(make):
    """Specjalizacja nierozpoczęta by the unit, with an attachment: every screen has content."""
    referral = make(S.NOT_STARTED)
    referral.decision_attachment.save("decyzja.pdf", SimpleUploadedFile("d.pdf", PDF))
    return referral


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


# ---- Actions --------------------------------------------------------------------------------


def test_zapisz_wersje_robocza_saves_unit_programme_and_dates(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    response = post_action(
        client,
        referral,
        "save_draft",
        unit=unit.pk,
        programme=programme.pk,
        planned_start="2026-10-01",
        planned_end="2030-09-30",
    )
    assert response.status_code == 302
    assert response["Location"] == url("referral_form", referral)
    referral.refresh_from_db()
    assert (referral.unit, referral.programme, referral.planned_start, referral.planned_end) == (
        unit,
        programme,
        START,
        END,
    )
    assert referral.status == S.DRAFT
    page = client.get(response["Location"])
    assert "Wersja robocza skierowania została zapisana." in messages_of(page)
    assert "Zmiana niezapisana" not in text(page)


def test_przydziel_then_wyslij_then_wycofaj(
    client_of, uw_mazowieckie, make, full_form, accreditation
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    form = full_form | {"planned_start": "01.10.2026", "planned_end": "30.09.2030"}
    response = post_action(client, referral, "assign", **form)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ASSIGNED
    assert free_places(accreditation) == 1
    assert "Skierowanie zostało przydzielone." in messages_of(client.get(response["Location"]))

    post_action(client, referral, "send", **form)
    referral.refresh_from_db()
    assert referral.status == S.ISSUED

    response = post_action(client, referral, "withdraw")
    referral.refresh_from_db()
    assert referral.status == S.DRAFT
    assert free_places(accreditation) == 2
    assert "Skierowanie zostało wycofane i wróciło do wersji roboczej." in messages_of(
        client.get(response["Location"])
    )


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DRAFT, "send"),
        (S.DRAFT, "withdraw"),
        (S.STARTED, "save_draft"),
        (S.STARTED, "withdraw"),
        (S.ISSUED, "accept"),
        (S.ISSUED, "reject"),
        (S.ISSUED, "assign"),
        (S.ISSUED, "nonsense"),
        (S.ISSUED, ""),
    ],
)
def test_an_action_not_allowed_in_the_status_is_refused_with_a_message(
    client_of, uw_mazowieckie, make, status, action
):
    referral = make(status)
    client = client_of(uw_mazowieckie)
    response = post_action(client, referral, action)
    assert response.status_code in (200, 302)
    after = Referral.objects.get(pk=referral.pk)
    assert (after.status, after.version) == (referral.status, referral.version)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert any("nie można wykonać" in m or "nie można zmieniać" in m for m in messages_of(page))


def test_a_stale_form_is_refused_with_the_message_and_changes_nothing(
    client_of, uw_mazowieckie, make, unit
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    stale_version = referral.version
    other_clerk = person_with_role(Role.UW, voivodeship=unit.voivodeship)
    services.save_draft(
        referral.pk,
        version=stale_version,
        changes=services.Changes(unit=unit, fields={"unit"}),
        user=other_clerk,
        profile=other_clerk.profiles.get(),
    )
    referral.refresh_from_db()
    before = (referral.status, referral.version)
    response = client.post(
        url("referral_form", referral),
        {"action": "assign", "version": stale_version, "unit": unit.pk},
    )
    assert response.status_code == 302
    assert messages_of(client.get(response["Location"])) == [
        "Skierowanie zostało zmienione przez innego użytkownika — odśwież i spróbuj ponownie"
    ]
    referral.refresh_from_db()
    assert (referral.status, referral.version) == before


def test_a_missing_version_is_refused_and_changes_nothing(client_of, uw_mazowieckie, make, unit):
    referral = make(S.DRAFT)
    response = client_of(uw_mazowieckie).post(
        url("referral_form", referral), {"action": "save_draft", "unit": unit.pk}
    )
    assert response.status_code == 200
    assert "Brak wersji formularza — odśwież stronę i spróbuj ponownie." in text(response)
    assert Referral.objects.get(pk=referral.pk).version == referral.version


def _field_error(response, section_id):
    """The error text rendered inside the section of the field."""
    page = text(response)
    start = page.index(f'id="{section_id}"')
    section = page[start : page.index("</fieldset>", start)]
    return re.findall(r'class="field__error"[^>]*>([^<]+)<', section)


@pytest.mark.parametrize(
    ("tamper", "section"),
    [
        ("unit_of_malopolskie", "unit-section"),
        ("unit_without_accreditation", "unit-section"),
        ("unit_with_expired_accreditation", "unit-section"),
        ("unit_missing", "unit-section"),
        ("unit_not_a_number", "unit-section"),
        ("programme_of_another_field", "programme-section"),
        ("programme_of_another_mode", "programme-section"),
        ("programme_not_in_force", "programme-section"),
        ("programme_missing", "programme-section"),
    ],
)
def test_tampered_unit_or_programme_ids_are_refused_next_to_the_field(
    client_of, uw_mazowieckie, make, unit, programme, field, malopolskie, tamper, section
):
    referral = make(S.DRAFT)
    data = {"unit": unit.pk, "programme": programme.pk}
    if tamper == "unit_of_malopolskie":
        other = TrainingUnitFactory(voivodeship=malopolskie)
        AccreditationFactory(unit=other, field=field)
        data["unit"] = other.pk
    elif tamper == "unit_without_accreditation":
        data["unit"] = TrainingUnitFactory().pk
    elif tamper == "unit_with_expired_accreditation":
        expired = TrainingUnitFactory()
        AccreditationFactory(
            unit=expired,
            field=field,
            valid_from=datetime.date(2015, 1, 1),
            valid_to=datetime.date(2020, 12, 31),
        )
        data["unit"] = expired.pk
    elif tamper == "unit_missing":
        data["unit"] = 987654
    elif tamper == "unit_not_a_number":
        data["unit"] = "1 OR 1=1"
    elif tamper == "programme_of_another_field":
        data["programme"] = ProgrammeFactory().pk
    elif tamper == "programme_of_another_mode":
        data["programme"] = ProgrammeFactory(field=field, mode=mode("poza-rezydentura")).pk
    elif tamper == "programme_not_in_force":
        data["programme"] = ProgrammeFactory(
            field=field,
            mode=mode(),
            valid_from=datetime.date(2010, 1, 1),
            valid_to=datetime.date(2015, 1, 1),
        ).pk
    elif tamper == "programme_missing":
        data["programme"] = 987654
    response = post_action(client_of(uw_mazowieckie), referral, "assign", **data)
    assert response.status_code == 200
    errors = _field_error(response, section)
    assert errors and "Wybierz" in errors[0]
    assert 'id="error-summary"' in response.content.decode()
    after = Referral.objects.get(pk=referral.pk)
    assert (after.status, after.version, after.unit, after.programme) == (
        S.DRAFT,
        referral.version,
        None,
        None,
    )


def test_a_tampered_unit_in_the_link_back_from_the_choice_is_refused_on_the_form(
    client_of, uw_mazowieckie, make, malopolskie
):
    referral = make(S.DRAFT)
    other = TrainingUnitFactory(voivodeship=malopolskie, name="Jednostka Krakowska")
    response = client_of(uw_mazowieckie).get(
        url("referral_form", referral, f"jednostka={other.pk}")
    )
    assert response.status_code == 200
    assert _field_error(response, "unit-section")
    assert "Jednostka Krakowska" not in text(response)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"planned_start": "2026-10-01", "planned_end": "2026-09-01"},
            "Planowana data zakończenia musi być późniejsza niż data rozpoczęcia.",
        ),
        ({"planned_start": "31.02.2026"}, "Podaj datę w formacie dd.mm.rrrr."),
    ],
)
def test_bad_planned_dates_are_refused_next_to_the_field_and_shown_again(
    client_of, uw_mazowieckie, make, unit, programme, dates, message
):
    referral = make(S.DRAFT)
    response = post_action(
        client_of(uw_mazowieckie),
        referral,
        "save_draft",
        unit=unit.pk,
        programme=programme.pk,
        **dates,
    )
    assert response.status_code == 200
    page = text(response)
    assert message in " ".join(_field_error(response, "programme-section"))
    for value in dates.values():
        assert f'value="{value}"' in page  # the posted values are shown again
    after = Referral.objects.get(pk=referral.pk)
    assert (after.version, after.planned_start, after.planned_end) == (referral.version, None, None)


def test_wyslij_without_programme_and_dates_says_what_is_missing(
    client_of, uw_mazowieckie, make, unit, programme
):
    referral = make(S.ASSIGNED, programme=None, planned_start=None, planned_end=None)
    response = post_action(client_of(uw_mazowieckie), referral, "send", unit=unit.pk)
    # Without a programme and dates the model does not offer "Wyślij"; a forged post is refused.
    assert response.status_code in (200, 302)
    assert Referral.objects.get(pk=referral.pk).status == S.ASSIGNED


def test_przydziel_with_no_free_place_says_so_next_to_the_unit(
    client_of, uw_mazowieckie, make, unit, accreditation
):
    accreditation.places = 1
    accreditation.save()
    make(S.ASSIGNED)  # holds the only place
    referral = make(S.DRAFT)
    response = post_action(client_of(uw_mazowieckie), referral, "assign", unit=unit.pk)
    assert response.status_code == 200
    assert "nie ma wolnych miejsc" in " ".join(_field_error(response, "unit-section"))
    assert Referral.objects.get(pk=referral.pk).status == S.DRAFT


# ---- Wybierz jednostkę ----------------------------------------------------------------------


def test_with_one_accredited_unit_it_is_chosen_at_once(
    client_of, uw_mazowieckie, make, unit, accreditation
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    response = client.get(url("referral_choose_unit", referral))
    assert response.status_code == 302
    assert response["Location"] == url("referral_form", referral, f"jednostka={unit.pk}")
    page = client.get(response["Location"])
    assert "wybrano ją automatycznie" in " ".join(messages_of(page))
    assert "Zmiana niezapisana — zapisz wersję roboczą" in text(page)
    assert Referral.objects.get(pk=referral.pk).unit is None


def test_with_several_units_the_preferred_come_first_then_the_list(
    client_of, uw_mazowieckie, make, unit, accreditation, field, mazowieckie, malopolskie
):
    second = TrainingUnitFactory(voivodeship=mazowieckie, name="Instytut Hematologii")
    AccreditationFactory(unit=second, field=field, places=5)
    not_accredited = TrainingUnitFactory(
        voivodeship=mazowieckie, name="Laboratorium Bez Akredytacji"
    )
    krakow = TrainingUnitFactory(voivodeship=malopolskie, name="Szpital Krakowski")
    AccreditationFactory(unit=krakow, field=field)
    referral = make(S.DRAFT)
    for position, preferred in enumerate([second, not_accredited, unit], start=1):
        PreferredUnit.objects.create(
            application=referral.application, unit=preferred, position=position
        )
    response = client_of(uw_mazowieckie).get(
        url("referral_choose_unit", referral, "program=5&od=2026-10-01")
    )
    assert response.status_code == 200
    page = text(response)
    preferred_part, list_part = page.split("Lista jednostek szkoleniowych", 1)
    assert "Preferowana jednostka szkoleniowa" in preferred_part
    order = [
        preferred_part.index(n)
        for n in ("Instytut Hematologii", "Laboratorium Bez", "Szpital Bródnowski")
    ]
    assert order == sorted(order)
    assert "Niedostępna" in preferred_part
    assert "Instytut Hematologii" in list_part and "Szpital Bródnowski" in list_part
    assert "Laboratorium Bez Akredytacji" not in list_part
    assert "Szpital Krakowski" not in page
    assert "5 / 5" in list_part and "2 / 2" in list_part  # free places / places
    # "Wybierz" goes back to the form with the choice and keeps the pending programme and date.
    choice = reverse("referrals:referral_form", args=[referral.pk]) + (
        f"?program=5&amp;od=2026-10-01&amp;jednostka={second.pk}"
    )
    assert choice in response.content.decode()


def test_units_are_chosen_only_in_wersja_robocza_or_przydzielone(client_of, uw_mazowieckie, make):
    referral = make(S.ISSUED)
    client = client_of(uw_mazowieckie)
    for name in ("referral_choose_unit", "referral_choose_programme"):
        response = client.get(url(name, referral))
        assert response.status_code == 302
        assert "tylko w statusie Wersja robocza lub Przydzielone" in " ".join(
            messages_of(client.get(response["Location"]))
        )
    # A pending value in the query string of a sent referral changes nothing on the page.
    page = text(client.get(url("referral_form", referral, "jednostka=1")))
    assert "Zmiana niezapisana" not in page


# ---- Wybierz program ------------------------------------------------------------------------


def test_with_one_programme_in_force_it_is_chosen_with_proposed_dates(
    client_of, uw_mazowieckie, make, programme, field
):
    ProgrammeFactory(field=field, mode=mode("poza-rezydentura"))  # another mode
    ProgrammeFactory(
        field=field,
        mode=mode(),
        valid_from=datetime.date(2010, 1, 1),
        valid_to=datetime.date(2012, 1, 1),
    )  # no longer in force
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    response = client.get(url("referral_choose_programme", referral))
    assert response.status_code == 302
    start, end = planned_dates.proposed_dates(referral.session, programme)
    assert response["Location"] == url(
        "referral_form",
        referral,
        f"program={programme.pk}&od={start.isoformat()}&do={end.isoformat()}",
    )
    page = client.get(response["Location"])
    content = text(page)
    assert "Program specjalizacji LDM 2023" in content
    assert f'value="{start.isoformat()}"' in content
    assert 'name="planned_start"' in content  # the dates became editable
    assert 'data-duration-months="48"' in content
    assert Referral.objects.get(pk=referral.pk).programme is None


def test_with_several_programmes_a_list_is_shown_and_saved_dates_are_kept(
    client_of, uw_mazowieckie, make, programme, field
):
    newer = ProgrammeFactory(field=field, mode=mode(), name="Program specjalizacji LDM 2025")
    referral = make(S.ASSIGNED)
    response = client_of(uw_mazowieckie).get(url("referral_choose_programme", referral))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lista programów obowiązujących" in page
    assert "Program specjalizacji LDM 2025" in page and "Program specjalizacji LDM 2023" in page
    assert url("referral_form", referral, f"program={newer.pk}").replace("&", "&amp;") in page
    assert "&amp;od=" not in page  # saved dates exist: nothing proposed


def test_the_proposed_end_is_start_plus_duration_minus_one_day():
    programme = ProgrammeFactory.build(duration_months=48)
    session = SessionFactory.build(procedure_to=datetime.date(2026, 6, 30))
    proposed_dates = planned_dates.proposed_dates
    assert proposed_dates(session, programme, today=datetime.date(2026, 6, 15)) == (
        datetime.date(2026, 7, 1),
        datetime.date(2030, 6, 30),
    )
    assert proposed_dates(session, programme, today=datetime.date(2026, 12, 31)) == (
        datetime.date(2027, 1, 1),
        datetime.date(2030, 12, 31),
    )


# ---- Niepodjęcie szkolenia ------------------------------------------------------------------


def test_niepodjecie_szkolenia_opens_the_decision_section(client_of, uw_mazowieckie, make):
    referral = make(S.ISSUED)
    client = client_of(uw_mazowieckie)
    response = post_action(client, referral, "not_started")
    assert response.status_code == 302
    assert response["Location"] == url("referral_not_started", referral)
    page = client.get(response["Location"]).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Uzasadnienie decyzji" in page
    assert 'name="justification"' in page and 'name="attachment"' in page
    assert ">Zapisz</button>" in page
    assert 'name="action"' not in page  # the other buttons wait until the decision is saved


def test_niepodjecie_szkolenia_with_justification_and_attachment_is_final(
    client_of, uw_mazowieckie, make, accreditation
):
    referral = make(S.ISSUED)
    client = client_of(uw_mazowieckie)
    response = client.post(
        url("referral_not_started", referral),
        {
            "version": referral.version,
            "justification": "Diagnosta zrezygnował ze szkolenia.",
            "attachment": SimpleUploadedFile("pismo rezygnacja.PDF", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.NOT_STARTED
    assert referral.decided_by_kind == DecidedBy.OFFICE
    assert referral.decision_attachment.name.endswith(".pdf")
    assert RegisterEntry.objects.get(referral=referral).kind == EntryKind.STRIKE_OFF
    assert free_places(accreditation) == 2
    page = client.get(response["Location"])
    content = text(page)
    assert "Wprowadzono informację o niepodjęciu szkolenia" in " ".join(messages_of(page))
    assert "Diagnosta zrezygnował ze szkolenia." in content
    assert "Dokonano wpisu w rejestrze o skreśleniu" in content
    assert buttons(page) == []
    download = client.get(url("decision_attachment", referral))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF


def test_niepodjecie_szkolenia_needs_a_justification(client_of, uw_mazowieckie, make):
    referral = make(S.DRAFT)
    response = client_of(uw_mazowieckie).post(
        url("referral_not_started", referral), {"version": referral.version, "justification": "  "}
    )
    assert response.status_code == 200
    assert "Podaj uzasadnienie decyzji." in text(response)
    assert Referral.objects.get(pk=referral.pk).status == S.DRAFT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("decyzja.pdf", PNG, "Dozwolone są tylko pliki PDF lub JPG"),
        ("skan.jpg", EXE, "Dozwolone są tylko pliki PDF lub JPG"),
        ("decyzja.exe", PDF, "Dozwolone są tylko pliki PDF lub JPG"),
        ("skan.pdf", JPG, "Dozwolone są tylko pliki PDF lub JPG"),
        ("decyzja.pdf", PDF + EICAR, "złośliwe oprogramowanie"),
        ("decyzja.pdf", PDF + b"x" * 2048, "za duży"),
        ("decyzja.pdf", b"", "pusty"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_changes(
    client_of, uw_mazowieckie, make, settings, name, content, message
):
    settings.MAX_UPLOAD_BYTES = 1024
    referral = make(S.ISSUED)
    response = client_of(uw_mazowieckie).post(
        url("referral_not_started", referral),
        {
            "version": referral.version,
            "justification": "Rezygnacja",
            "attachment": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert message in text(response)
    after = Referral.objects.get(pk=referral.pk)
    assert (after.status, after.version, after.decision_attachment.name) == (
        S.ISSUED,
        referral.version,
        "",
    )
    assert not RegisterEntry.objects.exists()


def test_niepodjecie_szkolenia_is_not_offered_once_the_training_started(
    client_of, uw_mazowieckie, make
):
    referral = make(S.STARTED)
    client = client_of(uw_mazowieckie)
    response = client.get(url("referral_not_started", referral))
    assert response.status_code == 302
    response = client.post(
        url("referral_not_started", referral),
        {"version": referral.version, "justification": "Rezygnacja"},
    )
    assert response.status_code == 302
    assert "nie można wykonać" in " ".join(messages_of(client.get(response["Location"])))
    assert Referral.objects.get(pk=referral.pk).status == S.STARTED


# ---- Wpisz do rejestru ----------------------------------------------------------------------


def test_the_units_non_commencement_shows_that_no_register_entry_was_made(
    client_of, uw_mazowieckie, make
):
    page = text(client_of(uw_mazowieckie).get(url("referral_form", make(S.NOT_STARTED))))
    assert "Niepodjęcie szkolenia" in page
    assert "Jednostka szkoleniowa" in page
    assert "Diagnosta nie zgłosił się w jednostce." in page
    assert "Brak dokonania wpisu w rejestrze" in page
    assert 'id="strike-off-dialog"' in page


def test_wpisz_do_rejestru_asks_first_then_makes_the_entry(client_of, uw_mazowieckie, make):
    referral = make(S.NOT_STARTED)
    client = client_of(uw_mazowieckie)
    response = post_action(client, referral, "strike_off")
    assert response["Location"] == url("referral_strike_off", referral)
    confirmation = client.get(response["Location"])
    assert confirmation.status_code == 200
    assert "Tak, wpisz do rejestru" in text(confirmation)
    assert not RegisterEntry.objects.exists()
    response = client.post(url("referral_strike_off", referral), {"version": referral.version})
    assert response.status_code == 302
    entry = RegisterEntry.objects.get(referral=referral)
    assert entry.kind == EntryKind.STRIKE_OFF
    page = client.get(response["Location"])
    assert "Dokonano wpisu w rejestrze o skreśleniu." in messages_of(page)
    assert entry.number in text(page)
    assert buttons(page) == []


def test_wpisz_do_rejestru_is_refused_where_it_does_not_apply(client_of, uw_mazowieckie, make):
    referral = make(S.ISSUED)
    client = client_of(uw_mazowieckie)
    assert client.get(url("referral_strike_off", referral)).status_code == 302
    response = client.post(url("referral_strike_off", referral), {"version": referral.version})
    assert response.status_code == 302
    assert "nie można wykonać" in " ".join(messages_of(client.get(response["Location"])))
    assert not RegisterEntry.objects.exists()


def test_wpisz_do_rejestru_from_a_stale_page_is_refused(client_of, uw_mazowieckie, make):
    referral = make(S.NOT_STARTED)
    client = client_of(uw_mazowieckie)
    response = client.post(url("referral_strike_off", referral), {"version": referral.version + 1})
    assert messages_of(client.get(response["Location"])) == [
        "Skierowanie zostało zmienione przez innego użytkownika — odśwież i spróbuj ponownie"
    ]
    assert not RegisterEntry.objects.exists()


# ---- Decyzja of the unit --------------------------------------------------------------------


def test_the_units_acceptance_shows_the_eks_and_the_register_entry(
    client_of, uw_mazowieckie, make, staff
):
    referral = make(S.ISSUED)
    profile = staff.profiles.get()
    services.accept(referral.pk, version=referral.version, user=staff, profile=profile)
    page = text(client_of(uw_mazowieckie).get(url("referral_form", referral)))
    assert "Akceptacja skierowania" in page
    assert "Numer EKS" in page
    assert "Rozpoczęcie szkolenia: nr" in page


def test_a_rejection_links_to_the_new_referral(client_of, uw_mazowieckie, make, staff):
    referral = make(S.ISSUED)
    services.reject(
        referral.pk,
        version=referral.version,
        justification="Brak miejsca w pracowni.",
        user=staff,
        profile=staff.profiles.get(),
    )
    referral.refresh_from_db()
    page = text(client_of(uw_mazowieckie).get(url("referral_form", referral)))
    assert "Odrzucenie skierowania" in page
    assert "Brak miejsca w pracowni." in page
    assert referral.replaced_by.number in page


# ---- Historia skierowania -------------------------------------------------------------------


def test_the_history_lists_every_event_oldest_first_with_what_changed(
    client_of, uw_mazowieckie, make, full_form, staff
):
    referral = make(S.DRAFT)
    client = client_of(uw_mazowieckie)
    form = full_form
    post_action(client, referral, "assign", **form)
    referral.refresh_from_db()
    post_action(client, referral, "send", **form)
    referral.refresh_from_db()
    services.unit_register_not_started(
        referral.pk,
        version=referral.version,
        justification="Nie stawił się w jednostce.",
        user=staff,
        profile=staff.profiles.get(),
    )
    referral.refresh_from_db()
    post_action(client, referral, "withdraw")
    response = client.get(url("referral_history", referral))
    assert response.status_code == 200
    page = text(response)
    order = [
        page.index(label)
        for label in (
            "Przydzielenie skierowania",
            "Wysłanie skierowania do jednostki",
            "Niepodjęcie szkolenia (jednostka szkoleniowa)",
            "Wycofanie skierowania",
        )
    ]
    assert order == sorted(order)
    assert "— → Szpital Bródnowski — Zakład Diagnostyki" in page
    assert "— → 01.10.2026" in page
    assert "Nie stawił się w jednostce." in page
    assert "Wersja robocza" in page and "Specjalizacja nierozpoczęta" in page
    assert uw_mazowieckie.get_full_name() in page
    assert "Urząd Wojewódzki — mazowieckie" in page
    assert Event.objects.for_object(referral).count() == 4
    assert url("referral_form", referral) in page


# ---- The decision's attachment --------------------------------------------------------------


def test_the_attachment_is_served_to_the_unit_it_was_sent_to(client_of, staff, decided_referral):
    response = client_of(staff).get(url("decision_attachment", decided_referral))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_attachment_is_hidden_from_everyone_else(
    client_of, decided_referral, uw_malopolskie, unit_staff, applicant
):
    target = url("decision_attachment", decided_referral)
    assert client_of(uw_malopolskie).get(target).status_code == 404
    assert client_of(unit_staff).get(target).status_code == 404  # staff of another unit
    assert client_of(applicant).get(target).status_code == 403


def test_no_attachment_answers_404(client_of, uw_mazowieckie, make):
    assert (
        client_of(uw_mazowieckie).get(url("decision_attachment", make(S.NOT_STARTED))).status_code
        == 404
    )


def test_a_jpg_attachment_is_served_as_jpeg(client_of, uw_mazowieckie, make):
    referral = make(S.NOT_STARTED)
    referral.decision_attachment.save("decyzja.jpg", SimpleUploadedFile("d.jpg", JPG))
    response = client_of(uw_mazowieckie).get(url("decision_attachment", referral))
    assert response["Content-Type"] == "image/jpeg"
    assert ".jpg" in response["Content-Disposition"]
