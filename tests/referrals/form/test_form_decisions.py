"""After sending (seed 000 §11–§14): "Niepodjęcie szkolenia", "Wpisz do rejestru", the
unit's decision, "Historia skierowania" and the decision's attachment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from referrals import services
from referrals.models import DecidedBy, Referral
from referrals.places import free_places
from registry.models import EntryKind, RegisterEntry
from smk.models import Event
from smk.scanning import EICAR
from tests.referrals.form.common import (
    EXE,
    JPG,
    PDF,
    PNG,
    S,
    buttons,
    messages_of,
    post_action,
    text,
    url,
)

pytestmark = pytest.mark.django_db

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
