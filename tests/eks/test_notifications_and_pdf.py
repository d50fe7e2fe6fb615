"""The EKS's e-mails through the outbox (issue 17, item 5) and the card as a PDF (item 6),
read back with pypdf."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from eks import services
from reference.models import ElementKind
from smk.models import Notification
from tests.eks.conftest import (
    add,
    appoint,
    confirm,
    fill,
    fresh,
    profile_of,
    submit,
    versions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``sent(action)``: run the action, send the outbox, return the addresses written to."""

    def run(action, *args, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action(*args, **kwargs)
        return sorted(address for message in mail.outbox for address in message.to)

    return run


def message_to(address):
    (message,) = [m for m in mail.outbox if address in m.to]
    return message


def test_the_kierownik_hears_of_the_appointment_and_of_entries_waiting(
    sent, card, applicant, unit_staff, kierownik
):
    assert sent(appoint, card, kierownik, unit_staff) == [kierownik.email]
    assert "wyznaczyła Cię kierownikiem specjalizacji" in message_to(kierownik.email).body
    entry = add(card, applicant)
    assert sent(submit, card, applicant, entry) == [kierownik.email]
    message = message_to(kierownik.email)
    assert card.number in message.subject and "oczekują na potwierdzenie" in message.subject
    assert "Kurs wprowadzający" in message.body
    assert reverse("eks:queue") in message.body


def test_without_a_kierownik_the_units_staff_are_told_entries_wait(
    sent, card, applicant, unit_staff
):
    entry = add(card, applicant)
    assert sent(submit, card, applicant, entry) == [unit_staff.email]
    assert "nie ma wyznaczonego kierownika" in message_to(unit_staff.email).body


def test_the_diagnostician_hears_of_every_decision_on_entries(
    sent, appointed, applicant, kierownik
):
    card = appointed
    first, second = add(card, applicant), add(card, applicant, ElementKind.PROCEDURE)
    submit(card, applicant, first, second)
    assert sent(confirm, card, kierownik, first) == [applicant.email]
    assert "potwierdził wpisy" in message_to(applicant.email).body
    addresses = sent(
        services.reject_entry,
        second.pk,
        version=versions(second)[second.pk],
        reason="Za mało procedur",
        user=kierownik,
        profile=profile_of(kierownik),
    )
    assert addresses == [applicant.email]
    body = message_to(applicant.email).body
    assert "odrzucił wpis" in body and "Za mało procedur" in body


def test_the_office_hears_of_a_card_to_verify_and_both_of_the_outcome(
    sent, appointed, applicant, kierownik, uw_mazowieckie, wojewoda_mazowieckie
):
    card = appointed
    fill(card, applicant, kierownik)
    addresses = sent(
        services.confirm_completion,
        card.pk,
        version=fresh(card).version,
        user=kierownik,
        profile=profile_of(kierownik),
    )
    assert uw_mazowieckie.email in addresses and wojewoda_mazowieckie.email in addresses
    assert kierownik.email not in addresses
    assert "czeka na weryfikację" in message_to(uw_mazowieckie.email).subject
    addresses = sent(
        services.return_for_correction,
        card.pk,
        version=fresh(card).version,
        reason="Brak podpisu kierownika",
        user=uw_mazowieckie,
        profile=profile_of(uw_mazowieckie),
    )
    assert addresses == sorted([applicant.email, kierownik.email])
    assert "Brak podpisu kierownika" in message_to(applicant.email).body
    services.confirm_completion(
        card.pk, version=fresh(card).version, user=kierownik, profile=profile_of(kierownik)
    )
    addresses = sent(
        services.verify,
        card.pk,
        version=fresh(card).version,
        user=uw_mazowieckie,
        profile=profile_of(uw_mazowieckie),
    )
    assert addresses == sorted([applicant.email, kierownik.email])
    assert "wpisano do rejestru pod numerem REJ/" in message_to(applicant.email).body


def test_a_refused_action_leaves_nothing_in_the_outbox(appointed, applicant, kierownik):
    entry = add(appointed, applicant)
    submit(appointed, applicant, entry)
    before = Notification.objects.count()
    with pytest.raises(services.StaleEKS):
        services.confirm_entries(
            appointed.pk,
            versions={entry.pk: 1},
            user=kierownik,
            profile=profile_of(kierownik),
        )
    assert Notification.objects.count() == before


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_card_as_a_pdf_lists_every_confirmed_element_and_who_confirmed_it(
    client_of, appointed, applicant, kierownik, uw_mazowieckie
):
    card = appointed
    fill(card, applicant, kierownik)
    waiting = add(card, applicant, ElementKind.PROCEDURE, place="Pracownia niepotwierdzona")
    submit(card, applicant, waiting)
    response = client_of(uw_mazowieckie).get(reverse("eks:card_pdf", args=[card.pk]))
    assert "attachment" in response["Content-Disposition"]
    assert card.number.replace("/", "-") in response["Content-Disposition"]
    text = pdf_text(response)
    for expected in (
        "Elektroniczna Karta Specjalizacji",
        card.number,
        f"{card.first_name} {card.last_name}",
        card.pesel,
        "Kurs wprowadzający",
        "Staż w pracowni",
        "Walidacja metody",
        "Zrealizowane elementy programu: 3 z 3",
        f"potwierdził(a): {kierownik.get_full_name()}",
        "Laboratorium Centralne, Warszawa",
        "3 wykonań",
    ):
        assert expected in text, expected
    assert "Pracownia niepotwierdzona" not in text  # waiting, not confirmed


def test_another_voivodeship_gets_404_for_the_pdf(client_of, card, uw_malopolskie):
    response = client_of(uw_malopolskie).get(reverse("eks:card_pdf", args=[card.pk]))
    assert response.status_code == 404
