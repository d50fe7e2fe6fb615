"""Cards made the way the referral services make them, a programme with one element of each
kind, and the people around a card: its diagnostician, the unit's staff and kierownik."""

import datetime
import itertools

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from eks.models import Card
from reference.models import ElementKind, ProgrammeElement, ProgrammeModule
from referrals.models import ReferralStatus
from registry.services import create_eks, make_start_entry
from tests.factories import ProgrammeFactory, ReferralFactory, person_with_role

_numbers = itertools.count(1)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"


def programme_with_elements(**kwargs):
    """A 24-month programme asking for one course, a 2-week internship and 3 procedures."""
    return add_elements(ProgrammeFactory(duration_months=24, **kwargs))


def add_elements(programme):
    """One module with a course, a 2-week internship and 3 procedures."""
    module = ProgrammeModule.objects.create(programme=programme, name="Moduł podstawowy")
    ProgrammeElement.objects.create(
        module=module, number=1, kind=ElementKind.COURSE, name="Kurs wprowadzający"
    )
    ProgrammeElement.objects.create(
        module=module, number=2, kind=ElementKind.INTERNSHIP, name="Staż w pracowni", weeks=2
    )
    ProgrammeElement.objects.create(
        module=module,
        number=3,
        kind=ElementKind.PROCEDURE,
        name="Walidacja metody",
        required_count=3,
    )
    return programme


def started_card(unit, applicant, *, programme=None, start=None) -> Card:
    """The EKS of a referral the unit accepted (with its start entry), as ``accept`` makes it.
    The training started a year ago unless ``start`` says otherwise."""
    start = start or timezone.localdate() - datetime.timedelta(days=365)
    programme = programme or programme_with_elements()
    referral = ReferralFactory(
        number=f"SK/EKS/{next(_numbers):05d}",
        status=ReferralStatus.STARTED,
        voivodeship=unit.voivodeship,
        unit=unit,
        field=programme.field,
        mode=programme.mode,
        programme=programme,
        planned_start=start,
        planned_end=programme.planned_end_from(start),
        application__applicant=applicant,
        application__email=applicant.email,
    )
    with transaction.atomic():  # numbering needs one (the acceptance's, in real use)
        eks = create_eks(referral)
        make_start_entry(referral, user=None)
    return Card.objects.get(pk=eks.pk)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def kierownik(unit_mazowieckie):
    return person_with_role(Role.KIEROWNIK, unit=unit_mazowieckie, email="kierownik@lab.example.pl")


@pytest.fixture
def card(unit_mazowieckie, applicant):
    return started_card(unit_mazowieckie, applicant)


def profile_of(user):
    return user.profiles.get()


def certificate(name="zaswiadczenie.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def element_of(card, kind):
    return ProgrammeElement.objects.get(module__programme_id=card.programme_id, kind=kind)


def fresh(card) -> Card:
    """The card as saved (``refresh_from_db`` cannot reload a protected status)."""
    return Card.objects.get(pk=card.pk)


def add(card, applicant, kind=ElementKind.COURSE, **values):
    """An entry of the card's element of ``kind`` made through the service: done within the
    training's first weeks, with a certificate (procedures: 3 of them)."""
    from eks import services

    start = card.start_date
    values.setdefault("date_from", start + datetime.timedelta(days=10))
    values.setdefault("date_to", start + datetime.timedelta(days=23))
    values.setdefault("place", "Laboratorium Centralne, Warszawa")
    if kind == ElementKind.PROCEDURE:
        values.setdefault("count", 3)
    else:
        values.setdefault("certificate", certificate())
        values.setdefault("content_type", "application/pdf")
    return services.add_entry(
        card.pk,
        element_id=element_of(card, kind).pk,
        user=applicant,
        profile=profile_of(applicant),
        **values,
    )


def versions(*entries) -> dict:
    from eks.models import Entry

    return {e.pk: Entry.objects.get(pk=e.pk).version for e in entries}


def appoint(card, kierownik, staff):
    from eks import services

    return services.appoint_kierownik(
        card.pk,
        version=fresh(card).version,
        kierownik_id=profile_of(kierownik).pk,
        since=timezone.localdate(),
        user=staff,
        profile=profile_of(staff),
    )


def submit(card, applicant, *entries):
    from eks import services

    return services.submit_entries(
        card.pk, versions=versions(*entries), user=applicant, profile=profile_of(applicant)
    )


def confirm(card, kierownik, *entries):
    from eks import services

    return services.confirm_entries(
        card.pk, versions=versions(*entries), user=kierownik, profile=profile_of(kierownik)
    )


def fill(card, applicant, kierownik):
    """Every element of the card's programme entered, passed on and confirmed."""
    entries = [add(card, applicant, kind) for kind in ElementKind.values]
    submit(card, applicant, *entries)
    confirm(card, kierownik, *entries)
    return entries


@pytest.fixture
def appointed(card, unit_staff, kierownik):
    """The card with its kierownik appointed."""
    appoint(card, kierownik, unit_staff)
    return fresh(card)
