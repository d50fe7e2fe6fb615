"""The unit's request: written as a draft, documented, submitted, withdrawn — and the pages
it does it on, which a unit opens only for its own requests."""

import io

import pytest
from django.urls import reverse
from django_fsm import TransitionNotAllowed
from pypdf import PdfReader

from accreditation.models import AccreditationRequest, AttachmentKind, RequestKind, RequestStatus
from accreditation.services import AccreditationError, StaleVersion, requests
from smk.audit import history
from smk.scanning import EICAR
from tests.accreditation.conftest import CONTENT, PDF, field_data, make_request, pdf

pytestmark = pytest.mark.django_db


def test_a_new_request_is_a_numbered_draft_of_the_staffs_unit(
    client_of, unit_staff, staff_profile, field
):
    response = client_of(unit_staff).post(
        reverse("accreditation:unit_request_create"),
        {
            "kind": RequestKind.FIELD,
            "field": field.pk,
            "places_requested": 3,
            **CONTENT,
        },
    )
    request = AccreditationRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accreditation:unit_request_detail", args=[request.pk])
    assert request.unit_id == staff_profile.unit_id
    assert request.status == RequestStatus.DRAFT
    assert request.number.startswith("WA/")
    assert [e.action for e in history(request)] == ["accreditation_request.created"]


def test_an_internship_request_takes_the_programme_and_field_of_its_internship(
    staff_profile, internship
):
    other_field_data = field_data(
        internship.module.programme.field, kind=RequestKind.INTERNSHIP, internship=internship
    )
    request = requests.create_request(
        data=other_field_data, user=staff_profile.user, profile=staff_profile
    )
    assert request.programme == internship.module.programme
    assert request.field == internship.module.programme.field
    assert "Staż w ośrodku referencyjnym" in request.subject


def test_a_programme_of_another_field_is_refused_next_to_the_programme(
    staff_profile, field, programme
):
    other = programme.__class__.objects.create(
        field=programme.field.__class__.objects.create(code="inna", name="inna dziedzina"),
        mode=programme.mode,
        name="Program innej dziedziny",
        duration_months=48,
        valid_from=programme.valid_from,
    )
    with pytest.raises(AccreditationError) as refused:
        requests.create_request(
            data=field_data(field, programme=other), user=staff_profile.user, profile=staff_profile
        )
    assert "programme" in refused.value.field_errors


def test_submitting_without_the_required_documents_lists_what_is_missing(staff_profile, field):
    request = make_request(staff_profile, field, documented=False)
    with pytest.raises(AccreditationError) as refused:
        requests.submit(
            request.pk, version=request.version, user=staff_profile.user, profile=staff_profile
        )
    assert "zgoda kierownika specjalizacji" in refused.value.field_errors["attachments"]
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def test_submitting_without_the_plan_names_the_empty_field(staff_profile, field):
    request = make_request(staff_profile, field, training_plan="")
    with pytest.raises(AccreditationError) as refused:
        requests.submit(
            request.pk, version=request.version, user=staff_profile.user, profile=staff_profile
        )
    assert list(refused.value.field_errors) == ["training_plan"]


def test_the_state_machine_refuses_submitting_an_incomplete_request(staff_profile, field):
    request = make_request(staff_profile, field, documented=False)
    with pytest.raises(TransitionNotAllowed):
        request.submit()


def test_a_complete_request_is_submitted_and_the_body_sees_it(
    client_of, unit_staff, staff_profile, body, field
):
    request = make_request(staff_profile, field)
    response = client_of(unit_staff).post(
        reverse("accreditation:unit_request_submit", args=[request.pk]),
        {"version": request.version},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and request.submitted_at
    queue = client_of(body).get(reverse("accreditation:queue"))
    assert request.number in queue.content.decode()


def test_a_submitted_request_can_no_longer_be_edited(client_of, unit_staff, submitted):
    response = client_of(unit_staff).get(
        reverse("accreditation:unit_request_edit", args=[submitted.pk])
    )
    assert response.status_code == 302
    with pytest.raises(AccreditationError):
        requests.save_request(
            submitted.pk,
            version=submitted.version,
            data=field_data(submitted.field),
            user=unit_staff,
            profile=unit_staff.profiles.get(),
        )


def test_editing_records_each_value_changed(client_of, unit_staff, staff_profile, field):
    request = make_request(staff_profile, field)
    response = client_of(unit_staff).post(
        reverse("accreditation:unit_request_edit", args=[request.pk]),
        {
            "version": request.version,
            "kind": RequestKind.FIELD,
            "field": field.pk,
            "places_requested": 6,
            **CONTENT,
        },
    )
    assert response.status_code == 302
    saved = [e for e in history(request) if e.action == "accreditation_request.saved"]
    assert saved[-1].data == {"places_requested": ["4", "6"]}


def test_a_form_from_an_older_page_is_refused(staff_profile, field):
    request = make_request(staff_profile, field)
    with pytest.raises(StaleVersion):
        requests.save_request(
            request.pk,
            version=request.version - 1,
            data=field_data(field, places_requested=9),
            user=staff_profile.user,
            profile=staff_profile,
        )
    request.refresh_from_db()
    assert request.places_requested == 4


def test_the_plan_ties_to_the_elements_of_the_requests_programme(
    client_of, unit_staff, staff_profile, internship
):
    programme = internship.module.programme
    request = make_request(staff_profile, programme.field, programme=programme)
    page = client_of(unit_staff).get(reverse("accreditation:unit_request_edit", args=[request.pk]))
    assert internship.name in page.content.decode()
    requests.save_request(
        request.pk,
        version=request.version,
        data={**field_data(programme.field, programme=programme), "plan_elements": [internship]},
        user=unit_staff,
        profile=staff_profile,
    )
    assert list(request.plan_elements.all()) == [internship]


def test_an_attachment_is_checked_by_content_and_scanned(
    client_of, unit_staff, staff_profile, field
):
    request = make_request(staff_profile, field, documented=False)
    client = client_of(unit_staff)
    url = reverse("accreditation:unit_attachment_add", args=[request.pk])
    fake = io.BytesIO(b"not a pdf at all")
    fake.name = "zgoda.pdf"
    client.post(url, {"kind": AttachmentKind.MANAGER_CONSENT, "file": fake})
    infected = io.BytesIO(PDF + EICAR)
    infected.name = "zgoda.pdf"
    client.post(url, {"kind": AttachmentKind.MANAGER_CONSENT, "file": infected})
    assert request.attachments.count() == 0
    client.post(url, {"kind": AttachmentKind.MANAGER_CONSENT, "file": pdf("zgoda.pdf")})
    assert request.attachments.get().original_name == "zgoda.pdf"


def test_the_unit_withdraws_a_submitted_request(client_of, unit_staff, submitted):
    client = client_of(unit_staff)
    url = reverse("accreditation:unit_request_withdraw", args=[submitted.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": submitted.version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.WITHDRAWN
    # Withdrawn is final: neither submitted again nor withdrawn twice.
    with pytest.raises(TransitionNotAllowed):
        submitted.withdraw()


def test_another_units_request_answers_404(client_of, other_unit_staff, submitted):
    client = client_of(other_unit_staff)
    for name in ("unit_request_detail", "unit_request_edit", "request_pdf"):
        assert client.get(reverse(f"accreditation:{name}", args=[submitted.pk])).status_code == 404
    attachment = submitted.attachments.first()
    assert (
        client.get(reverse("accreditation:attachment_download", args=[attachment.pk])).status_code
        == 404
    )


def test_the_office_may_not_open_the_units_screens(client_of, uw_mazowieckie, submitted):
    client = client_of(uw_mazowieckie)
    assert client.get(reverse("accreditation:unit_home")).status_code == 403
    assert client.get(reverse("accreditation:request_pdf", args=[submitted.pk])).status_code == 403


def test_the_requests_pdf_reads_back_with_its_data(client_of, unit_staff, submitted):
    response = client_of(unit_staff).get(reverse("accreditation:request_pdf", args=[submitted.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Wniosek o udzielenie akredytacji" in text
    assert submitted.number in text
    assert submitted.unit.name in text
    assert "dr Anna Kierownicza" in text
    assert "zgoda kierownika specjalizacji" in text
