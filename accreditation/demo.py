"""Demo data of the accreditation procedure (README "Akredytacja jednostek"):

- the demo unit (jednostka@smk.local) has a request waiting for the accrediting body's
  decision — "zdrowie publiczne", the one field it is not accredited in — and a request for an
  internship that akredytacja@smk.local asked it to complete, with a deadline two weeks away;
- one accreditation of another mazowieckie unit expires within 90 days, so the office's "Do
  obsłużenia" lists it and ``notify_expiring_accreditations`` tells the office.

The requests go through the services (each has its history); a second run finds them by
their unit and subject and adds nothing.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import DEMO_SCAN
from accounts.models import InstitutionKind, Profile, Role
from accreditation.models import AccreditationRequest, AttachmentKind, RequestKind
from accreditation.services import decisions, requests
from reference.models import Accreditation, ElementKind, Field, ProgrammeElement

BODY_EMAIL = "akredytacja@smk.local"
UNIT_EMAIL = "jednostka@smk.local"
WAITING_FIELD = "zdrowie-publiczne"
#: The internship the demo unit asks to run (an element of every demo programme).
INTERNSHIP_NAME = "Staż kierunkowy w ośrodku referencyjnym"
#: The mazowieckie unit whose accreditation in this field expires within 90 days.
EXPIRING_UNIT = "Centrum Medyczne — Pracownia Mikrobiologii, Płock"
EXPIRING_FIELD = "laboratoryjna-diagnostyka-medyczna"

CONTENT = {
    "manager_name": "dr n. med. Joanna Laboratoryjna",
    "manager_qualifications": "Specjalista laboratoryjnej diagnostyki medycznej, 15 lat pracy.",
    "staff": "Trzech specjalistów w dziedzinie, dwóch diagnostów w trakcie specjalizacji.",
    "equipment": "Analizatory biochemiczne i immunochemiczne, pracownia mikrobiologiczna.",
    "training_plan": "Szkolenie według programu specjalizacji: moduł podstawowy w pierwszym "
    "roku, moduł specjalistyczny w kolejnych latach, staże kierunkowe w ośrodku partnerskim.",
}


def _profile(email, kind):
    return Profile.objects.get(user__email=email, kind=kind)


def _scan(name):
    return SimpleUploadedFile(name, DEMO_SCAN, content_type="application/pdf")


def _documented_request(unit_profile, *, data):
    """A request with its required documents, submitted (made once)."""
    user = unit_profile.user
    request = requests.create_request(data=data, user=user, profile=unit_profile)
    for kind in (AttachmentKind.MANAGER_CONSENT, AttachmentKind.STAFF):
        requests.add_attachment(
            request.pk,
            kind=kind,
            upload=_scan(f"{kind}.pdf"),
            content_type="application/pdf",
            user=user,
            profile=unit_profile,
        )
    request.refresh_from_db()
    return requests.submit(request.pk, version=request.version, user=user, profile=unit_profile)


def seed_requests() -> int:
    unit_profile = _profile(UNIT_EMAIL, InstitutionKind.TRAINING_UNIT)
    body_profile = _profile(BODY_EMAIL, InstitutionKind.ACCREDITING_BODY)
    if not body_profile.has_role(Role.ACCREDITATION):
        return 0
    made = 0
    waiting_field = Field.objects.get(code=WAITING_FIELD)
    mine = AccreditationRequest.objects.filter(unit_id=unit_profile.unit_id)
    if not mine.filter(kind=RequestKind.FIELD, field=waiting_field).exists():
        _documented_request(
            unit_profile,
            data={
                "kind": RequestKind.FIELD,
                "field": waiting_field,
                "places_requested": 3,
                **CONTENT,
            },
        )
        made += 1
    internship = (
        ProgrammeElement.objects.filter(
            kind=ElementKind.INTERNSHIP,
            name=INTERNSHIP_NAME,
            module__programme__field__code=EXPIRING_FIELD,
            module__programme__valid_to__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if internship is not None and not mine.filter(kind=RequestKind.INTERNSHIP).exists():
        request = _documented_request(
            unit_profile,
            data={
                "kind": RequestKind.INTERNSHIP,
                "field": internship.module.programme.field,
                "internship": internship,
                "places_requested": 2,
                **CONTENT,
            },
        )
        decisions.ask_to_complete(
            request.pk,
            version=request.version,
            note="Dołącz wykaz wyposażenia pracowni referencyjnej i harmonogram stażu.",
            deadline=timezone.localdate() + datetime.timedelta(days=14),
            user=body_profile.user,
            profile=body_profile,
        )
        made += 1
    return made


def seed_expiring_accreditation() -> Accreditation | None:
    """Bring one mazowieckie accreditation's end within 90 days (60 days from today), unless
    it already ends within them."""
    today = timezone.localdate()
    accreditation = (
        Accreditation.objects.filter(
            unit__name=EXPIRING_UNIT,
            unit__voivodeship__name="mazowieckie",
            field__code=EXPIRING_FIELD,
        )
        .order_by("-valid_from")
        .first()
    )
    if accreditation is None:
        return None
    soon = Accreditation.objects.expiring(today).filter(pk=accreditation.pk).exists()
    if not soon:
        Accreditation.objects.filter(pk=accreditation.pk).update(
            valid_to=today + datetime.timedelta(days=60)
        )
    return accreditation


def seed() -> str:
    made = seed_requests()
    seed_expiring_accreditation()
    return f"Accreditation requests made: {made} (one waiting, one asked to complete)."
