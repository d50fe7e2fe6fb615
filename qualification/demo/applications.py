"""The planned demo applications and their creation (found again by session and PESEL)."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from qualification.demo.people import Person, make_person
from qualification.models import Application, ApplicationStatus, PreferredUnit, Session
from qualification.services.closing import application_number_prefix
from reference.models import Accreditation, Field, Mode, Voivodeship
from smk.numbering import reserve_numbers

DEMO_APPLICANT_EMAIL = "diagnosta@smk.local"


@dataclass(frozen=True)
class PlannedApplication:
    person: Person
    field_code: str
    mode_code: str
    study_result: Decimal
    #: What the office decides: "" (not evaluated yet), positive, negative.
    evaluation: str = ""
    reason: str = ""
    #: (years of employment, publications, courses, other) for the points form.
    points: tuple[int, Decimal, Decimal, Decimal] | None = None
    approved_day: int = 0
    status: str = ApplicationStatus.APPROVED
    applicant_email: str = ""
    preferred: int = 1


def _half_points(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randint(0, top * 2)) / 2


def random_points(rng: random.Random) -> tuple[int, Decimal, Decimal, Decimal]:
    return (
        rng.randint(0, 12),
        _half_points(rng, 10),
        _half_points(rng, 8),
        _half_points(rng, 5),
    )


def _study_result(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(300, 500)) / 100


def planned(key: str, serial: int, city: str, field_code: str, mode_code: str, **kwargs):
    rng = random.Random(f"demo-application-{key}")
    kwargs.setdefault("study_result", _study_result(rng))
    kwargs.setdefault("approved_day", rng.randint(0, 30))
    kwargs.setdefault("preferred", rng.randint(1, 3))
    person = make_person(key, serial, city)
    return PlannedApplication(
        person=person, field_code=field_code, mode_code=mode_code, **kwargs
    ), rng


def demo_applicant_plan(field_and_mode: tuple[str, str], **kwargs) -> PlannedApplication:
    """An application of diagnosta@smk.local (the same person in every session)."""
    user = User.objects.get(email=DEMO_APPLICANT_EMAIL)
    person = make_person(
        "diagnosta",
        999,
        "Warszawa",
        first_name=user.first_name,
        last_name=user.last_name,
        email=DEMO_APPLICANT_EMAIL,
        female=False,  # Damian Nowak: the PESEL's sex digit must agree
    )
    field_code, mode_code = field_and_mode
    return PlannedApplication(
        person=person,
        field_code=field_code,
        mode_code=mode_code,
        study_result=Decimal("4.75"),
        applicant_email=DEMO_APPLICANT_EMAIL,
        **kwargs,
    )


def _approved_at(session: Session, day: int, rng: random.Random) -> datetime.datetime:
    """A moment in the application window ``day`` days after it opened, never in the future."""
    last_day = min(session.applications_to, timezone.localdate())
    date = min(session.applications_from + datetime.timedelta(days=day), last_day)
    moment = timezone.make_aware(
        datetime.datetime.combine(date, datetime.time(rng.randint(7, 22), rng.randint(0, 59)))
    )
    return min(moment, timezone.now() - datetime.timedelta(minutes=5))


def units_by_field(voivodeship: Voivodeship) -> dict[str, list]:
    """Units with an active accreditation, per field code, in a stable order."""
    units: dict[str, list] = {}
    accreditations = (
        Accreditation.objects.active()
        .filter(unit__voivodeship=voivodeship)
        .select_related("unit", "field")
        .order_by("field__code", "unit__name", "unit_id")
    )
    for accreditation in accreditations:
        units.setdefault(accreditation.field.code, []).append(accreditation.unit)
    return units


def ensure_applications(
    session: Session, voivodeship: Voivodeship, plans: list[PlannedApplication]
) -> int:
    """Create the planned applications an earlier run did not (found by session and PESEL)."""
    existing = set(
        Application.objects.filter(session=session, voivodeship=voivodeship).values_list(
            "pesel", flat=True
        )
    )
    missing = [plan for plan in plans if plan.person.pesel not in existing]
    if not missing:
        return 0
    fields = {f.code: f for f in Field.objects.all()}
    modes = {m.code: m for m in Mode.objects.all()}
    units = units_by_field(voivodeship)
    applicants = {u.email: u for u in User.objects.filter(email=DEMO_APPLICANT_EMAIL)}
    with transaction.atomic():
        numbers = reserve_numbers(application_number_prefix(session, voivodeship), len(missing))
        applications, preferences = [], []
        for number, plan in zip(numbers, missing, strict=True):
            rng = random.Random(f"demo-approval-{session.name}-{plan.person.pesel}")
            person = plan.person
            application = Application(
                number=number,
                session=session,
                voivodeship=voivodeship,
                field=fields[plan.field_code],
                mode=modes[plan.mode_code],
                applicant=applicants.get(plan.applicant_email),
                first_name=person.first_name,
                last_name=person.last_name,
                pesel=person.pesel,
                licence_number=person.licence_number,
                email=person.email,
                phone=person.phone,
                address=person.address,
                university=person.university,
                graduation_year=person.graduation_year,
                study_result=plan.study_result,
                status=plan.status,
                approved_at=_approved_at(session, plan.approved_day, rng)
                if plan.status == ApplicationStatus.APPROVED
                else None,
            )
            applications.append(application)
            candidates = units.get(plan.field_code, [])
            chosen = rng.sample(candidates, min(plan.preferred, len(candidates)))
            preferences.append(chosen)
        Application.objects.bulk_create(applications)
        PreferredUnit.objects.bulk_create(
            PreferredUnit(application=application, unit=unit, position=position)
            for application, chosen in zip(applications, preferences, strict=True)
            for position, unit in enumerate(chosen, start=1)
        )
    return len(missing)
