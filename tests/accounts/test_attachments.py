"""Signed scans: PDF or JPG by content, size-limited, scanned before they are kept."""

import io
import os
import socket

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.models import AttachmentState, Role, RoleRequestAttachment
from smk.audit import history
from tests.accounts.conftest import JPG, PDF, eicar_pdf, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(submit, office_mazowieckie):
    return submit(office_mazowieckie, [Role.UW, Role.WOJEWODA])


def attachments_url(batch):
    return reverse("accounts:batch_attachments", args=[batch.pk])


@pytest.fixture
def unreachable_scanner(settings):
    """clamd configured on a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", port


class TestAccepted:
    @pytest.mark.parametrize(
        ("name", "content", "label"), [("skan.pdf", PDF, "PDF"), ("zdjęcie.JPG", JPG, "JPG")]
    )
    def test_a_clean_pdf_or_jpg_is_kept_as_safe(
        self, client_of, requester, batch, name, content, label
    ):
        client = client_of(requester)
        response = client.post(attachments_url(batch), {"file": upload(name, content)})
        assert response.status_code == 302
        attachment = RoleRequestAttachment.objects.get()
        assert attachment.state == AttachmentState.SAFE
        assert attachment.original_name == name and attachment.type_label == label
        page = client.get(attachments_url(batch)).content.decode()
        assert "Bezpieczne pliki załączone do wniosku" in page
        assert name in page and "Pobierz" in page and "Usuń" in page
        download = client.get(reverse("accounts:download_attachment", args=[attachment.pk]))
        assert b"".join(download.streaming_content) == content
        assert [e.action for e in history(batch)] == ["role_request.file_attached"]

    def test_teraz_zalacze_plik_attaches_and_finishes(self, client_of, requester, batch):
        client = client_of(requester)
        client.post(reverse("accounts:request_pdf", args=[batch.pk]))  # "Pobierz"
        response = client.post(
            reverse("accounts:request_download", args=[batch.pk]),
            {"when": "teraz", "file": upload()},
        )
        assert response.url == reverse("accounts:my_account")
        assert RoleRequestAttachment.objects.filter(state=AttachmentState.SAFE).count() == 1

    def test_teraz_zalacze_plik_needs_a_file(self, client_of, requester, batch):
        client = client_of(requester)
        client.post(reverse("accounts:request_pdf", args=[batch.pk]))  # "Pobierz"
        response = client.post(
            reverse("accounts:request_download", args=[batch.pk]), {"when": "teraz"}
        )
        assert response.status_code == 200
        assert "Wybierz plik z podpisanym wnioskiem" in response.content.decode()


class TestRefused:
    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("wniosek.pdf", b"GIF89a not a pdf at all", "tylko pliki PDF lub JPG"),
            ("wniosek.docx", PDF, "tylko pliki PDF lub JPG"),  # PDF content, wrong name
            ("wniosek.pdf", b"", "pusty"),
        ],
    )
    def test_wrong_type_or_empty_is_refused_next_to_the_field(
        self, client_of, requester, batch, name, content, message
    ):
        response = client_of(requester).post(
            attachments_url(batch), {"file": upload(name, content)}
        )
        assert response.status_code == 200
        assert message in str(response.context["form"].errors["file"])
        assert not RoleRequestAttachment.objects.exists()
        assert not mail.outbox

    def test_a_file_over_the_limit_is_refused(self, client_of, requester, batch, settings):
        settings.MAX_UPLOAD_BYTES = 1024
        big = upload(content=PDF + b"0" * 2048)
        response = client_of(requester).post(attachments_url(batch), {"file": big})
        assert "za duży" in str(response.context["form"].errors["file"])
        assert not RoleRequestAttachment.objects.exists()

    def test_an_unsafe_file_is_not_kept_and_the_requester_is_emailed(
        self, client_of, requester, batch, settings, django_capture_on_commit_callbacks
    ):
        client = client_of(requester)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(attachments_url(batch), {"file": eicar_pdf()}, follow=True)
        assert "Niebezpieczne pliki zostały usunięte z wniosku" in response.content.decode()
        assert not RoleRequestAttachment.objects.exists()
        assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
        (message,) = mail.outbox
        assert message.to == [requester.email]
        assert "negatywnie zweryfikowany pod kątem bezpieczeństwa" in message.body
        assert "wniosek-podpisany.pdf" in message.body
        for request in batch.requests.all():
            assert request.number in message.body
        assert "Mazowiecki Urząd Wojewódzki w Warszawie" in message.body
        assert [e.action for e in history(batch)] == ["role_request.file_removed_unsafe"]

    def test_nothing_is_attached_to_requests_already_decided(self, client_of, requester, batch):
        for request in batch.requests.all():
            services.withdraw_request(request.pk, user=requester)
        response = client_of(requester).post(
            attachments_url(batch), {"file": upload()}, follow=True
        )
        assert "zostały już rozpatrzone" in response.content.decode()
        assert not RoleRequestAttachment.objects.exists()

    def test_another_persons_batch_and_file_answer_404(self, client_of, requester, batch):
        services.attach_signed_file(batch.pk, user=requester, upload=upload())
        attachment = RoleRequestAttachment.objects.get()
        stranger = client_of(UserFactory())
        assert stranger.get(attachments_url(batch)).status_code == 404
        assert stranger.post(attachments_url(batch), {"file": upload()}).status_code == 404
        url = reverse("accounts:download_attachment", args=[attachment.pk])
        assert stranger.get(url).status_code == 404
        delete = reverse("accounts:delete_attachment", args=[attachment.pk])
        assert stranger.post(delete).status_code == 404


class TestScannerUnreachable:
    def test_the_file_waits_for_scanning_and_is_not_downloadable(
        self, client_of, requester, batch, unreachable_scanner
    ):
        client = client_of(requester)
        response = client.post(attachments_url(batch), {"file": upload()}, follow=True)
        page = response.content.decode()
        assert "Pliki oczekujące na skanowanie pod kątem bezpieczeństwa" in page
        attachment = RoleRequestAttachment.objects.get()
        assert attachment.state == AttachmentState.PENDING_SCAN
        url = reverse("accounts:download_attachment", args=[attachment.pk])
        assert client.get(url).status_code == 404

    def test_a_rescan_makes_a_clean_file_safe(
        self, requester, batch, settings, unreachable_scanner
    ):
        services.attach_signed_file(batch.pk, user=requester, upload=upload())
        assert services.rescan_pending_attachments() == {"safe": 0, "removed": 0, "waiting": 1}
        settings.CLAMD_HOST = ""  # the scanner is back (built-in)
        assert services.rescan_pending_attachments() == {"safe": 1, "removed": 0, "waiting": 0}
        assert RoleRequestAttachment.objects.get().state == AttachmentState.SAFE

    def test_a_rescan_removes_an_unsafe_file_and_emails_the_requester(
        self, requester, batch, settings, unreachable_scanner, django_capture_on_commit_callbacks
    ):
        services.attach_signed_file(batch.pk, user=requester, upload=eicar_pdf())
        stored = RoleRequestAttachment.objects.get().file.path
        settings.CLAMD_HOST = ""
        with django_capture_on_commit_callbacks(execute=True):
            assert services.rescan_pending_attachments()["removed"] == 1
        assert not RoleRequestAttachment.objects.exists()
        assert not os.path.exists(stored)
        assert len(mail.outbox) == 1


class TestDelete:
    def test_usun_removes_the_file(
        self, client_of, requester, batch, settings, django_capture_on_commit_callbacks
    ):
        attachment = services.attach_signed_file(batch.pk, user=requester, upload=upload())
        path = attachment.file.path
        client = client_of(requester)
        url = reverse("accounts:delete_attachment", args=[attachment.pk])
        assert client.get(url).status_code == 405
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.url == attachments_url(batch)
        assert not RoleRequestAttachment.objects.exists()
        assert not os.path.exists(path)


def test_the_rescan_command_reports_what_it_did(requester, batch, settings, unreachable_scanner):
    services.attach_signed_file(batch.pk, user=requester, upload=upload())
    settings.CLAMD_HOST = ""
    out = io.StringIO()
    call_command("scan_pending_attachments", stdout=out)
    assert "safe: 1, removed: 0, still waiting: 0" in out.getvalue()
