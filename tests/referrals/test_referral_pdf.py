"""Pobierz skierowanie (PDF): the referral document, from Wystawione on."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from referrals.models import DecidedBy, DecisionKind, ReferralStatus
from smk.audit import log_event
from tests.factories import (
    AccreditationFactory,
    ApplicationFactory,
    ProgrammeFactory,
    ReferralFactory,
    TrainingUnitFactory,
    mode,
)

pytestmark = pytest.mark.django_db

S = ReferralStatus


@pytest.fixture
def referral_in(mazowieckie, field):
    unit = TrainingUnitFactory(
        voivodeship=mazowieckie,
        name="Szpital Bielański — Zakład Diagnostyki Laboratoryjnej",
        street="ul. Cegłowska 80",
        postal_code="01-809",
        city="Warszawa",
    )
    AccreditationFactory(unit=unit, field=field)
    programme = ProgrammeFactory(
        field=field, mode=mode(), name="Program specjalizacji — wersja 2023", duration_months=48
    )

    def build(status, **extra):
        application = ApplicationFactory(
            field=field, first_name="Łucja", last_name="Źdźbło-Wąsowska", address="ul. Żytnia 5"
        )
        data = {
            "application": application,
            "field": field,
            "mode": mode(),
            "status": status,
            "sent_at": timezone.make_aware(datetime.datetime(2026, 7, 3, 10, 0)),
        }
        if status != S.DRAFT:
            data |= {
                "unit": unit,
                "programme": programme,
                "planned_start": datetime.date(2026, 10, 1),
                "planned_end": datetime.date(2030, 9, 30),
            }
        return ReferralFactory(**(data | extra))

    return build


def pdf_url(referral):
    return reverse("referrals:referral_pdf", args=[referral.pk])


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_referral_pdf_carries_the_document_in_polish(client_of, uw_mazowieckie, referral_in):
    referral = referral_in(S.ISSUED)
    response = client_of(uw_mazowieckie).get(pdf_url(referral))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected_name = "skierowanie-" + referral.number.replace("/", "-") + ".pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{expected_name}"'
    content = pdf_text(response)
    for expected in [
        "Skierowanie do odbycia szkolenia specjalizacyjnego",
        referral.number,
        "mazowieckie",
        "Łucja Źdźbło-Wąsowska",
        referral.application.pesel,
        referral.application.licence_number,
        "laboratoryjna diagnostyka medyczna",
        "rezydentura",
        "Szpital Bielański",
        "ul. Cegłowska 80, 01-809 Warszawa",
        "Program specjalizacji — wersja 2023",
        "01.10.2026",
        "30.09.2030",
        "03.07.2026",  # date of issue
    ]:
        assert expected in content, expected


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        (S.STARTED, {}),
        (S.REJECTED, {}),
        (S.NOT_STARTED, {"decision": DecisionKind.NOT_STARTED, "decided_by_kind": DecidedBy.UNIT}),
    ],
)
def test_the_pdf_stays_available_after_the_units_decision(
    client_of, wojewoda_mazowieckie, referral_in, status, extra
):
    referral = referral_in(status, **extra)
    client = client_of(wojewoda_mazowieckie)
    assert client.get(pdf_url(referral)).status_code == 200
    form = client.get(reverse("referrals:referral_form", args=[referral.pk]))
    assert "Pobierz skierowanie (PDF)" in form.content.decode()


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        (S.DRAFT, {"sent_at": None}),
        (S.ASSIGNED, {"sent_at": None}),
        # The office's non-commencement of a referral that was never sent.
        (
            S.NOT_STARTED,
            {
                "sent_at": None,
                "decision": DecisionKind.NOT_STARTED,
                "decided_by_kind": DecidedBy.OFFICE,
            },
        ),
    ],
)
def test_there_is_no_pdf_before_the_referral_is_issued(
    client_of, uw_mazowieckie, referral_in, status, extra
):
    referral = referral_in(status, **extra)
    client = client_of(uw_mazowieckie)
    assert client.get(pdf_url(referral)).status_code == 404
    form = client.get(reverse("referrals:referral_form", args=[referral.pk]))
    assert "Pobierz skierowanie (PDF)" not in form.content.decode()


def test_the_pdf_of_another_voivodeship_answers_404(client_of, uw_malopolskie, referral_in):
    assert client_of(uw_malopolskie).get(pdf_url(referral_in(S.ISSUED))).status_code == 404


def test_the_issue_date_falls_back_to_the_sending_event(client_of, uw_mazowieckie, referral_in):
    referral = referral_in(S.ISSUED, sent_at=None)
    log_event(referral, "referral.sent", old_status=S.ASSIGNED, new_status=S.ISSUED)
    content = pdf_text(client_of(uw_mazowieckie).get(pdf_url(referral)))
    assert timezone.localdate().strftime("%d.%m.%Y") in content
