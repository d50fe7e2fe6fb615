"""Attachments of an application (diploma, proof of employment): PDF or JPG by content,
size-limited, scanned; added and removed only in a draft; the office sees them once the
application is approved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import Role
from qualification.models import ApplicationAttachment, AttachmentKind
from smk.uploads import EICAR
from tests.applicant.conftest import create
from tests.factories import person_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def draft(applicant, session, field, residency, units):
    return create(applicant, session, "mazowieckie", field, residency, [units["maz1"]]).application


def add(client, application, content=PDF, name="dyplom.pdf", kind=AttachmentKind.DIPLOMA):
    return client.post(
        reverse("qualification:applicant_attachment_add", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def approve(client, application):
    application.refresh_from_db()
    client.post(
        reverse("qualification:applicant_approve", args=[application.pk]),
        {"version": application.version},
    )


def test_a_pdf_and_a_jpg_are_attached_and_listed(client_of, applicant, draft):
    client = client_of(applicant)
    add(client, draft)
    response = add(client, draft, JPG, "zaswiadczenie.jpg", AttachmentKind.EMPLOYMENT)

    page = response.content.decode()
    assert "Dodano załącznik „zaswiadczenie.jpg” (zaświadczenie o zatrudnieniu)" in page
    assert "dyplom.pdf" in page
    kinds = {a.kind: a.content_type for a in draft.attachments.all()}
    assert kinds == {"dyplom": "application/pdf", "zatrudnienie": "image/jpeg"}
    stored = draft.attachments.get(kind="dyplom")
    assert stored.file.name.endswith(".pdf") and "dyplom" not in stored.file.name


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a document", "dyplom.pdf", "Dozwolone są tylko pliki PDF lub JPG"),
        (PDF, "dyplom.exe", "Dozwolone są tylko pliki PDF lub JPG"),
        (b"", "dyplom.pdf", "pusty"),
        (PDF + EICAR, "dyplom.pdf", "skaner bezpieczeństwa"),
    ],
)
def test_a_file_failing_the_upload_checks_is_refused_next_to_the_field(
    client_of, applicant, draft, content, name, message
):
    response = add(client_of(applicant), draft, content, name)
    assert message in " ".join(response.context["attachment_form"].errors["file"])
    assert not ApplicationAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client_of, applicant, draft, settings):
    settings.MAX_UPLOAD_BYTES = 64
    response = add(client_of(applicant), draft, PDF + b"x" * 100)
    assert "za duży" in " ".join(response.context["attachment_form"].errors["file"])
    assert not ApplicationAttachment.objects.exists()


def test_a_file_is_removed_from_a_draft(
    client_of, applicant, draft, media, django_capture_on_commit_callbacks
):
    client = client_of(applicant)
    add(client, draft)
    attachment = draft.attachments.get()
    path = media / attachment.file.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("qualification:applicant_attachment_remove", args=[attachment.pk]),
            follow=True,
        )

    assert "Usunięto załącznik „dyplom.pdf”" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()
    assert not path.exists()


def test_after_approval_no_file_is_added_or_removed(client_of, applicant, draft):
    client = client_of(applicant)
    add(client, draft)
    approve(client, draft)
    attachment = draft.attachments.get()

    page = add(client, draft, JPG, "inny.jpg").content.decode()
    assert "nie można już modyfikować" in page
    client.post(reverse("qualification:applicant_attachment_remove", args=[attachment.pk]))
    assert list(draft.attachments.all()) == [attachment]
    assert (
        'enctype="multipart/form-data"'
        not in client.get(
            reverse("qualification:applicant_detail", args=[draft.pk])
        ).content.decode()
    )


def test_the_office_downloads_the_files_of_approved_applications_of_its_voivodeship(
    client_of, applicant, draft, uw_mazowieckie, uw_malopolskie
):
    client = client_of(applicant)
    add(client, draft)
    attachment = draft.attachments.get()
    url = reverse("qualification:application_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200
    assert client_of(uw_mazowieckie).get(url).status_code == 404  # a draft: not the office's

    approve(client_of(applicant), draft)

    office = client_of(uw_mazowieckie)
    response = office.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    preview = office.get(reverse("qualification:application_detail", args=[draft.pk]))
    assert url in preview.content.decode()
    assert client_of(uw_malopolskie).get(url).status_code == 404


def test_another_applicant_cannot_reach_the_files(client_of, applicant, draft):
    add(client_of(applicant), draft)
    attachment = draft.attachments.get()
    stranger = client_of(person_with_role(Role.APPLICANT))
    assert (
        stranger.get(
            reverse("qualification:application_attachment", args=[attachment.pk])
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            reverse("qualification:applicant_attachment_remove", args=[attachment.pk])
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            reverse("qualification:applicant_attachment_add", args=[draft.pk]),
            {"kind": "dyplom", "file": SimpleUploadedFile("a.pdf", PDF)},
        ).status_code
        == 404
    )


def test_the_attachment_actions_are_post_only_and_for_the_applicant(
    client_of, applicant, draft, unit_staff
):
    client = client_of(applicant)
    add(client, draft)
    attachment = draft.attachments.get()
    add_url = reverse("qualification:applicant_attachment_add", args=[draft.pk])
    remove_url = reverse("qualification:applicant_attachment_remove", args=[attachment.pk])
    assert client.get(add_url).status_code == 405
    assert client.get(remove_url).status_code == 405
    assert client_of(unit_staff).post(remove_url).status_code == 403
    download = reverse("qualification:application_attachment", args=[attachment.pk])
    assert client_of(unit_staff).get(download).status_code == 403
