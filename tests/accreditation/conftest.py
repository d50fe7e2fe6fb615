"""The accreditation procedure's world: the demo unit's staff, the accrediting body, a
programme with an internship, and requests in each status (through the services)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accreditation.models import AttachmentKind, RequestKind
from accreditation.services import decisions, requests
from reference.models import ElementKind, ProgrammeElement, ProgrammeModule
from tests.factories import FieldFactory, ProgrammeFactory, TrainingUnitFactory, person_with_role

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

CONTENT = {
    "manager_name": "dr Anna Kierownicza",
    "manager_qualifications": "Specjalista w dziedzinie od 2010 r.",
    "staff": "Dwóch specjalistów i technik analityki.",
    "equipment": "Analizator hematologiczny, cytometr przepływowy.",
    "training_plan": "Moduł podstawowy w pierwszym roku, specjalistyczny w kolejnych.",
}


def pdf(name="dokument.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def body(db):
    """akredytacja@: a person of the accrediting body (CMKP) with its role."""
    return person_with_role(Role.ACCREDITATION)


@pytest.fixture
def body_profile(body):
    return body.profiles.get()


@pytest.fixture
def staff_profile(unit_staff):
    return unit_staff.profiles.get()


@pytest.fixture
def other_unit_staff(malopolskie):
    return person_with_role(Role.UNIT_STAFF, unit=TrainingUnitFactory(voivodeship=malopolskie))


@pytest.fixture
def field(db):
    return FieldFactory(name="laboratoryjna hematologia medyczna (test)")


@pytest.fixture
def programme(field):
    return ProgrammeFactory(field=field)


@pytest.fixture
def internship(programme):
    module = ProgrammeModule.objects.create(programme=programme, name="Moduł specjalistyczny")
    return ProgrammeElement.objects.create(
        module=module, kind=ElementKind.INTERNSHIP, name="Staż w ośrodku referencyjnym", weeks=4
    )


def field_data(field, **extra) -> dict:
    return {"kind": RequestKind.FIELD, "field": field, "places_requested": 4, **CONTENT, **extra}


def make_request(profile, field, *, documented=True, submitted=False, **extra):
    """A request of ``profile``'s unit, with its required files and submitted if asked."""
    user = profile.user
    request = requests.create_request(data=field_data(field, **extra), user=user, profile=profile)
    if documented:
        for kind in (AttachmentKind.MANAGER_CONSENT, AttachmentKind.STAFF):
            requests.add_attachment(
                request.pk,
                kind=kind,
                upload=pdf(f"{kind}.pdf"),
                content_type="application/pdf",
                user=user,
                profile=profile,
            )
    request.refresh_from_db()
    if submitted:
        request = requests.submit(request.pk, version=request.version, user=user, profile=profile)
    return request


def grant(request, body_profile, *, places=None, valid_to=None):
    request.refresh_from_db()
    return decisions.grant(
        request.pk,
        version=request.version,
        places=places or request.places_requested,
        valid_from=timezone.localdate(),
        valid_to=valid_to or timezone.localdate() + datetime.timedelta(days=5 * 365),
        decision_number="CMKP/AK/2026/001",
        user=body_profile.user,
        profile=body_profile,
    )


@pytest.fixture
def submitted(staff_profile, field):
    return make_request(staff_profile, field, submitted=True)
