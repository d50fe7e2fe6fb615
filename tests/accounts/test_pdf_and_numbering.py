"""Request numbers (U000593/2026) and the one PDF covering every requested role."""

import datetime
import io
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.institutions import Institution
from accounts.models import Role, RoleRequestBatch
from accounts.services import reserve_request_numbers
from smk.audit import history
from tests.accounts.conftest import malopolskie_office
from tests.factories import TrainingUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


class TestNumbering:
    def test_numbers_look_like_u000593_slash_year_and_follow_each_other(self):
        with transaction.atomic():
            first = reserve_request_numbers(2, year=2026)
            second = reserve_request_numbers(1, year=2026)
        assert first == ["U000001/2026", "U000002/2026"]
        assert second == ["U000003/2026"]

    def test_each_year_counts_from_one(self):
        with transaction.atomic():
            reserve_request_numbers(3, year=2026)
            assert reserve_request_numbers(1, year=2027) == ["U000001/2027"]

    def test_each_role_of_a_request_gets_its_own_number(self, submit, office_mazowieckie):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        year = timezone.localdate().year
        numbers = sorted(batch.requests.values_list("number", flat=True))
        assert numbers == [f"U000001/{year}", f"U000002/{year}"]
        other = submit(malopolskie_office(), [Role.UW], user=UserFactory())
        assert other.requests.get().number == f"U000003/{year}"

    def test_numbers_are_not_reused_after_a_refused_request(self, submit, office_mazowieckie):
        from accounts.services import AccountsError

        submit(office_mazowieckie, [Role.UW])
        with pytest.raises(AccountsError):
            submit(office_mazowieckie, [Role.UW])  # already asked for
        nxt = submit(office_mazowieckie, [Role.WOJEWODA]).requests.get().number
        assert re.fullmatch(r"U00000[2]/\d{4}", nxt)


class TestPdf:
    def test_one_pdf_lists_every_role_with_its_number_and_the_institution(
        self, client_of, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])
        response = client_of(requester).get(reverse("accounts:request_pdf", args=[batch.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response)
        for request in batch.requests.all():
            assert request.number in text
        for expected in (
            "Wniosek o dostęp użytkownika do systemu SMK",
            "Urząd Wojewódzki",
            "Wojewoda",
            "Mazowiecki Urząd Wojewódzki w Warszawie",
            "7010140002",
            "Żółkiewska",  # Polish letters survive
            "Potwierdzam zgodność danych ze stanem faktycznym",
            "Podpis kierownika jednostki",
            "Miejsce przekazania wniosku",
        ):
            assert expected in text, expected

    def test_a_training_unit_request_names_the_unit_with_nip_and_regon(
        self, client_of, requester, submit
    ):
        unit = TrainingUnitFactory(name="Laboratorium Szpitala Świętej Łucji")
        batch = submit(Institution.training_unit(unit), [Role.UNIT_STAFF])
        text = pdf_text(client_of(requester).get(reverse("accounts:request_pdf", args=[batch.pk])))
        assert "Laboratorium Szpitala Świętej Łucji" in text
        assert unit.nip in text and unit.regon in text
        assert "Jednostka szkoleniowa" in text

    def test_downloading_is_remembered_and_needed_before_zakoncz(
        self, client_of, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW])
        client = client_of(requester)
        step4 = reverse("accounts:request_download", args=[batch.pk])
        refused = client.post(step4, {"when": "pozniej"})
        assert refused.status_code == 200
        assert "pobierz wniosek dla wszystkich wnioskowanych ról" in refused.content.decode()
        pdf = reverse("accounts:request_pdf", args=[batch.pk])
        assert client.post(pdf).url == pdf  # "Pobierz" records, then hands out the PDF
        batch.refresh_from_db()
        assert batch.downloaded_at is not None
        finished = client.post(step4, {"when": "pozniej"})
        assert finished.url == reverse("accounts:my_account")

    def test_opening_the_pdf_link_downloads_it_without_counting_as_pobierz(
        self, client_of, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW])
        client = client_of(requester)
        response = client.get(reverse("accounts:request_pdf", args=[batch.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert RoleRequestBatch.objects.get(pk=batch.pk).downloaded_at is None
        assert not history(batch).filter(action="role_request.downloaded").exists()
        refused = client.post(
            reverse("accounts:request_download", args=[batch.pk]), {"when": "pozniej"}
        )
        assert "pobierz wniosek dla wszystkich wnioskowanych ról" in refused.content.decode()

    def test_pobierz_on_step_4_is_a_form_that_records_the_download_once(
        self, client_of, requester, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW])
        client = client_of(requester)
        pdf = reverse("accounts:request_pdf", args=[batch.pk])
        step4 = client.get(reverse("accounts:request_download", args=[batch.pk])).content.decode()
        assert f'<form method="post" action="{pdf}">' in step4
        response = client.post(pdf, follow=True)
        assert response["Content-Type"] == "application/pdf"
        client.post(pdf)
        downloads = history(batch).filter(action="role_request.downloaded")
        assert downloads.count() == 1

    def test_another_persons_pdf_answers_404(self, client_of, submit, office_mazowieckie):
        batch = submit(office_mazowieckie, [Role.UW])
        stranger = client_of(UserFactory())
        assert stranger.get(reverse("accounts:request_pdf", args=[batch.pk])).status_code == 404
        assert (
            stranger.get(reverse("accounts:request_download", args=[batch.pk])).status_code == 404
        )

    def test_the_administrator_downloads_the_same_pdf(
        self, admin_client, submit, office_mazowieckie
    ):
        batch = submit(office_mazowieckie, [Role.UW])
        response = admin_client.get(reverse("accounts:admin_pdf", args=[batch.pk]))
        assert batch.requests.get().number in pdf_text(response)
        assert RoleRequestBatch.objects.get(pk=batch.pk).downloaded_at is None

    def test_the_date_of_submission_is_printed(self, client_of, requester, submit):
        batch = submit(malopolskie_office(), [Role.UW])
        RoleRequestBatch.objects.filter(pk=batch.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 12, 0))
        )
        text = pdf_text(client_of(requester).get(reverse("accounts:request_pdf", args=[batch.pk])))
        assert "02.03.2026" in text
