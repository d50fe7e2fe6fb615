"""The EKS's screens (issue 17, item 3), scoped like everything else: the diagnostician's own
card, the kierownik's trainees, the unit's staff, the office's voivodeship. Another scope's
card answers 404, a wrong role 403, a GET on a POST-only view 405."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from eks.models import Entry, PlanItem
from eks.statuses import EntryStatus
from reference.models import ElementKind
from registry.models import EKSStatus, EntryKind, RegisterEntry
from smk.scanning import EICAR
from tests.eks.conftest import (
    JPG,
    PDF,
    add,
    appoint,
    element_of,
    fill,
    fresh,
    started_card,
    submit,
)
from tests.factories import TrainingUnitFactory, person_with_role

pytestmark = pytest.mark.django_db


def url(name, obj):
    return reverse(f"eks:{name}", args=[obj.pk])


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def following(response) -> str:
    """The page a redirect leads to (with its messages)."""
    return page(response)


class TestTheDiagnosticiansCard:
    def test_shows_the_programme_with_progress_and_the_entries(
        self, client_of, appointed, applicant, kierownik
    ):
        course = add(appointed, applicant)
        submit(appointed, applicant, course)
        body = page(client_of(applicant).get(url("card_detail", appointed)))
        for text in (
            appointed.number,
            "otwarta",
            "Moduł podstawowy",
            "Kurs wprowadzający",
            "Staż w pracowni",
            "2 tyg.",
            "3 wykonań",
            "Potwierdzone elementy programu: 0 z 3",
            kierownik.get_full_name(),
            "przekazany",
            "Dodaj wpis",
            "Historia EKS",
        ):
            assert text in body, text

    def test_adds_an_entry_with_a_jpg_certificate_and_passes_it_on(
        self, client_of, appointed, applicant
    ):
        client = client_of(applicant)
        form = page(client.get(url("entry_add", appointed)))
        assert "Staż w pracowni (staż kierunkowy)" in form
        start = appointed.start_date
        response = client.post(
            url("entry_add", appointed),
            {
                "element": element_of(appointed, ElementKind.INTERNSHIP).pk,
                "date_from": start.isoformat(),
                "date_to": (start + datetime.timedelta(days=13)).isoformat(),
                "place": "Pracownia Mikrobiologii, Radom",
                "certificate": SimpleUploadedFile("staz.jpg", JPG, content_type="image/jpeg"),
            },
            follow=True,
        )
        body = following(response)
        assert "Wpis został dodany" in body
        entry = Entry.objects.get()
        assert (entry.status, entry.certificate_type) == (EntryStatus.ENTERED, "image/jpeg")
        assert "Przekaż do potwierdzenia" in body
        response = client.post(
            url("entries_submit", appointed),
            {"entries": [f"{entry.pk}:{entry.version}"]},
            follow=True,
        )
        assert "Przekazano do potwierdzenia wpisów: 1" in following(response)
        assert Entry.objects.get().status == EntryStatus.SUBMITTED

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (SimpleUploadedFile("program.pdf", b"MZ\x90\x00binary"), "Dozwolone są tylko pliki"),
            (SimpleUploadedFile("wirus.pdf", PDF + EICAR), "skaner bezpieczeństwa"),
            (SimpleUploadedFile("pusty.pdf", b""), "pusty"),
        ],
    )
    def test_an_unsafe_or_wrong_certificate_is_refused_next_to_the_field(
        self, client_of, appointed, applicant, upload, message
    ):
        start = appointed.start_date
        response = client_of(applicant).post(
            url("entry_add", appointed),
            {
                "element": element_of(appointed, ElementKind.COURSE).pk,
                "date_from": start.isoformat(),
                "date_to": start.isoformat(),
                "place": "CMKP",
                "certificate": upload,
            },
        )
        body = page(response)
        assert message in body
        assert "certificate" in response.context["form"].errors
        assert not Entry.objects.exists()

    def test_the_services_rules_show_next_to_the_fields(self, client_of, appointed, applicant):
        response = client_of(applicant).post(
            url("entry_add", appointed),
            {
                "element": element_of(appointed, ElementKind.PROCEDURE).pk,
                "date_from": (appointed.start_date - datetime.timedelta(days=3)).isoformat(),
                "date_to": appointed.start_date.isoformat(),
                "place": "Laboratorium",
            },
        )
        errors = response.context["form"].errors
        assert "wcześniejsza niż rozpoczęcie" in str(errors["date_from"])
        assert "liczbę wykonanych procedur" in str(errors["count"])

    def test_corrects_and_deletes_an_entered_entry(self, client_of, appointed, applicant):
        entry = add(appointed, applicant, ElementKind.PROCEDURE, count=1)
        client = client_of(applicant)
        form = page(client.get(url("entry_edit", entry)))
        assert "Walidacja metody" in form
        response = client.post(
            url("entry_edit", entry),
            {
                "version": entry.version,
                "date_from": entry.date_from.isoformat(),
                "date_to": entry.date_to.isoformat(),
                "place": "Inna pracownia",
                "count": 2,
            },
            follow=True,
        )
        assert "Wpis został poprawiony" in following(response)
        entry = Entry.objects.get()
        assert (entry.place, entry.count) == ("Inna pracownia", 2)
        response = client.post(url("entry_delete", entry), {"version": entry.version}, follow=True)
        assert "Wpis został usunięty" in following(response)
        assert not Entry.objects.exists()

    def test_a_stale_correction_is_refused_with_a_message(self, client_of, appointed, applicant):
        entry = add(appointed, applicant)
        response = client_of(applicant).post(
            url("entry_edit", entry),
            {
                "version": entry.version - 1 or 99,
                "date_from": entry.date_from.isoformat(),
                "date_to": entry.date_to.isoformat(),
                "place": "Zmienione",
            },
            follow=True,
        )
        assert "zmieniona przez innego użytkownika" in following(response)
        assert Entry.objects.get().place != "Zmienione"

    def test_downloads_the_certificate_of_an_entry(self, client_of, appointed, applicant):
        entry = add(appointed, applicant)
        response = client_of(applicant).get(url("certificate", entry))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]


class TestTheKierownik:
    def test_confirms_many_entries_in_the_queue_of_all_trainees(
        self, client_of, unit_mazowieckie, unit_staff, kierownik, applicant
    ):
        first = started_card(unit_mazowieckie, applicant)
        other_trainee = person_with_role(Role.APPLICANT)
        second = started_card(unit_mazowieckie, other_trainee)
        for card, person in ((first, applicant), (second, other_trainee)):
            appoint(card, kierownik, unit_staff)
            submit(card, person, add(card, person), add(card, person, ElementKind.PROCEDURE))
        client = client_of(kierownik)
        body = page(client.get(reverse("eks:queue")))
        assert first.number in body and second.number in body
        assert "Wpisy do potwierdzenia" in page(client.get(reverse("home")))  # the menu
        waiting = Entry.objects.filter(card=first)
        response = client.post(
            url("entries_confirm", first),
            {"entries": [f"{e.pk}:{e.version}" for e in waiting], "next": "queue"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("eks:queue")
        assert "Potwierdzono wpisów: 2" in following(response)
        assert set(Entry.objects.filter(card=first).values_list("status", flat=True)) == {
            EntryStatus.CONFIRMED
        }
        assert set(Entry.objects.filter(card=second).values_list("status", flat=True)) == {
            EntryStatus.SUBMITTED
        }

    def test_rejects_an_entry_with_a_reason_the_diagnostician_then_sees(
        self, client_of, appointed, applicant, kierownik
    ):
        entry = add(appointed, applicant)
        submit(appointed, applicant, entry)
        entry = Entry.objects.get()
        client = client_of(kierownik)
        assert "Powód odrzucenia" in page(client.get(url("entry_reject", entry)))
        refused = client.post(url("entry_reject", entry), {"version": entry.version})
        assert "reason" in refused.context["form"].errors
        response = client.post(
            url("entry_reject", entry),
            {"version": entry.version, "reason": "Zaświadczenie nieczytelne"},
            follow=True,
        )
        assert "Wpis został odrzucony" in following(response)
        body = page(client_of(applicant).get(url("card_detail", appointed)))
        assert "Zaświadczenie nieczytelne" in body and "Popraw" in body

    def test_plans_the_years_on_the_plan_page(
        self, client_of, unit_mazowieckie, unit_staff, kierownik, applicant
    ):
        card = started_card(
            unit_mazowieckie, applicant, start=datetime.date.today() + datetime.timedelta(days=3)
        )
        appoint(card, kierownik, unit_staff)
        client = client_of(kierownik)
        form = page(client.get(url("plan", card)))
        assert "rok 2" in form
        course = element_of(card, ElementKind.COURSE)
        response = client.post(
            url("plan", card),
            {"version": fresh(card).version, f"element_{course.pk}": "2"},
            follow=True,
        )
        assert "Zapisano roczny plan szkolenia" in following(response)
        assert PlanItem.objects.get().year == 2

    def test_confirming_the_end_is_offered_only_when_every_element_is_confirmed(
        self, client_of, appointed, applicant, kierownik
    ):
        client = client_of(kierownik)
        body = page(client.get(url("card_detail", appointed)))
        assert url("complete", appointed) not in body
        assert "będzie dostępne, gdy wszystkie elementy" in body
        response = client.get(url("complete", appointed), follow=True)
        assert "Tej czynności nie można wykonać" in following(response)

        fill(appointed, applicant, kierownik)
        body = page(client.get(url("card_detail", appointed)))
        assert url("complete", appointed) in body
        assert "Potwierdź zakończenie specjalizacji" in page(client.get(url("complete", appointed)))
        response = client.post(
            url("complete", appointed), {"version": fresh(appointed).version}, follow=True
        )
        assert "czeka na weryfikację urzędu" in following(response)
        assert fresh(appointed).status == EKSStatus.SUBMITTED

    def test_the_kierownik_sees_no_card_of_someone_elses_trainee(
        self, client_of, card, unit_mazowieckie, applicant
    ):
        not_appointed = person_with_role(Role.KIEROWNIK, unit=unit_mazowieckie)
        elsewhere = person_with_role(Role.KIEROWNIK, unit=TrainingUnitFactory())
        for person in (not_appointed, elsewhere):
            client = client_of(person)
            assert client.get(url("card_detail", card)).status_code == 404
            assert client.get(url("card_history", card)).status_code == 404
            assert card.number not in page(client.get(reverse("eks:card_list")))
            entry = add(card, applicant)
            assert client.get(url("entry_reject", entry)).status_code == 404
            assert client.get(url("certificate", entry)).status_code == 404
            Entry.objects.all().delete()


class TestTheUnitsStaff:
    def test_appoint_a_kierownik_on_the_card(self, client_of, card, unit_staff, kierownik):
        client = client_of(unit_staff)
        assert "Wyznacz kierownika specjalizacji" in page(client.get(url("card_detail", card)))
        form = page(client.get(url("appoint", card)))
        assert kierownik.email in form
        response = client.post(
            url("appoint", card),
            {
                "version": fresh(card).version,
                "kierownik": kierownik.profiles.get().pk,
                "since": datetime.date.today().isoformat(),
            },
            follow=True,
        )
        assert "Kierownik specjalizacji został wyznaczony" in following(response)
        assert fresh(card).kierownik.user == kierownik

    def test_a_unit_without_a_kierownik_is_told_how_to_get_one(self, client_of, card, unit_staff):
        body = page(client_of(unit_staff).get(url("appoint", card)))
        assert "nie ma jeszcze osoby z rolą „Kierownik specjalizacji”" in body

    def test_another_unit_gets_404(self, client_of, card):
        stranger = person_with_role(Role.UNIT_STAFF, unit=TrainingUnitFactory())
        assert client_of(stranger).get(url("card_detail", card)).status_code == 404
        assert client_of(stranger).get(url("appoint", card)).status_code == 404


class TestTheOffice:
    @pytest.fixture
    def submitted(self, appointed, applicant, kierownik, client_of):
        fill(appointed, applicant, kierownik)
        client_of(kierownik).post(url("complete", appointed), {"version": fresh(appointed).version})
        assert fresh(appointed).status == EKSStatus.SUBMITTED
        return fresh(appointed)

    def test_the_list_opens_on_the_cards_waiting_for_verification(
        self, client_of, submitted, unit_mazowieckie, uw_mazowieckie
    ):
        still_open = started_card(unit_mazowieckie, person_with_role(Role.APPLICANT))
        client = client_of(uw_mazowieckie)
        body = page(client.get(reverse("eks:card_list")))
        assert submitted.number in body and still_open.number not in body
        everything = page(client.get(reverse("eks:card_list") + "?status="))
        assert still_open.number in everything

    def test_zweryfikuj_makes_the_register_entry(self, client_of, submitted, uw_mazowieckie):
        client = client_of(uw_mazowieckie)
        assert "Zweryfikuj" in page(client.get(url("card_detail", submitted)))
        response = client.post(
            url("verify", submitted), {"version": submitted.version}, follow=True
        )
        assert "Karta została zweryfikowana" in following(response)
        assert fresh(submitted).status == EKSStatus.VERIFIED
        entry = RegisterEntry.objects.get(kind=EntryKind.COMPLETION)
        register = page(client.get(reverse("registry:entry_list")))
        assert entry.number in register and "Ukończenie szkolenia specjalizacyjnego" in register

    def test_zwroc_do_poprawy_needs_a_reason_and_shows_it_to_the_diagnostician(
        self, client_of, submitted, uw_mazowieckie, applicant
    ):
        client = client_of(uw_mazowieckie)
        refused = client.post(url("return", submitted), {"version": submitted.version})
        assert "reason" in refused.context["form"].errors
        client.post(
            url("return", submitted),
            {"version": submitted.version, "reason": "Brak zaświadczenia ze stażu"},
        )
        card = fresh(submitted)
        assert card.status == EKSStatus.OPEN
        body = page(client_of(applicant).get(url("card_detail", card)))
        assert "zwrócił kartę do poprawy: Brak zaświadczenia ze stażu" in body

    def test_a_stale_verification_is_refused(self, client_of, submitted, uw_mazowieckie):
        response = client_of(uw_mazowieckie).post(
            url("verify", submitted), {"version": submitted.version - 1}, follow=True
        )
        assert "zmieniona przez innego użytkownika" in following(response)
        assert fresh(submitted).status == EKSStatus.SUBMITTED

    def test_another_voivodeship_gets_404(self, client_of, submitted, uw_malopolskie):
        client = client_of(uw_malopolskie)
        for name in ("card_detail", "verify", "return", "card_history"):
            assert client.get(url(name, submitted)).status_code == 404
        assert submitted.number not in page(client.get(reverse("eks:card_list") + "?status="))


@pytest.mark.parametrize(
    ("person", "name"),
    [
        ("applicant", "verify"),
        ("applicant", "plan"),
        ("unit_staff", "complete"),
        ("kierownik", "verify"),
        ("kierownik", "entry_add"),
        ("uw_mazowieckie", "appoint"),
        ("uw_mazowieckie", "entry_add"),
    ],
)
def test_a_wrong_role_gets_403(request, client_of, appointed, person, name):
    response = client_of(request.getfixturevalue(person)).get(url(name, appointed))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["entries_submit", "entries_confirm"])
def test_post_only_views_refuse_a_get(client_of, appointed, applicant, kierownik, name):
    person = applicant if name == "entries_submit" else kierownik
    assert client_of(person).get(url(name, appointed)).status_code == 405


def test_another_applicant_gets_404_and_a_visitor_the_login_page(client_of, card):
    assert (
        client_of(person_with_role(Role.APPLICANT)).get(url("card_detail", card)).status_code == 404
    )
    response = Client().get(url("card_detail", card))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_the_history_page_lists_who_did_what(client_of, appointed, applicant, unit_staff):
    add(appointed, applicant)
    body = page(client_of(unit_staff).get(url("card_history", appointed)))
    for text in (
        "Historia EKS",
        "Wyznaczenie kierownika specjalizacji",
        "Wprowadzenie wpisu",
        applicant.get_full_name(),
        "Kurs wprowadzający",
    ):
        assert text in body, text
