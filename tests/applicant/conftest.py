"""Rows for the applicant portal's tests: a session accepting applications today, two fields
with accredited units in two voivodeships, and helpers that create applications through the
service as an applicant would."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Profile
from qualification.services.applicant import create_application
from tests.factories import (
    AccreditationFactory,
    FieldFactory,
    SessionFactory,
    TrainingUnitFactory,
    mode,
    valid_pesel,
    voivodeship,
)


def open_session_around(day: datetime.date, name: str = "Sesja testowa — nabór trwa"):
    """A session whose application window is open on ``day`` (from 5 days before to 10 after)."""
    return SessionFactory(
        name=name,
        applications_from=day - datetime.timedelta(days=5),
        applications_to=day + datetime.timedelta(days=10),
        procedure_from=day + datetime.timedelta(days=11),
        procedure_to=day + datetime.timedelta(days=40),
    )


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def session(db, today):
    return open_session_around(today)


@pytest.fixture
def residency(db):
    return mode("rezydentura")


@pytest.fixture
def non_residency(db):
    return mode("poza-rezydentura")


@pytest.fixture
def field(db):
    return FieldFactory(
        code="laboratoryjna-diagnostyka-medyczna", name="laboratoryjna diagnostyka medyczna"
    )


@pytest.fixture
def other_field(db):
    return FieldFactory(code="mikrobiologia-medyczna", name="mikrobiologia medyczna")


def accredited_unit(field, voivodeship_name="mazowieckie", **kwargs):
    unit = TrainingUnitFactory(voivodeship=voivodeship(voivodeship_name), **kwargs)
    AccreditationFactory(unit=unit, field=field, valid_from=datetime.date(2020, 1, 1))
    return unit


@pytest.fixture
def units(field, other_field):
    """Accredited units: three in mazowieckie and one in małopolskie in ``field``, one in
    mazowieckie in ``other_field``."""
    return {
        "maz1": accredited_unit(field, name="Szpital Bródnowski — Laboratorium Żółte"),
        "maz2": accredited_unit(field, name="Instytut Hematologii — Pracownia Łąkowa"),
        "maz3": accredited_unit(field, name="Centrum Onkologii — Laboratorium Śląskie"),
        "mal": accredited_unit(field, "małopolskie", name="Szpital Uniwersytecki w Krakowie"),
        "maz_other": accredited_unit(other_field, name="Wojewódzka Stacja Sanitarna"),
    }


def applicant_data(**overrides) -> dict:
    data = {
        "first_name": "Żaneta",
        "last_name": "Gęślińska",
        "pesel": valid_pesel(),
        "licence_number": "DL/012345",
        "email": "zaneta.geslinska@example.pl",
        "phone": "+48 501 234 567",
        "address": "ul. Łąkowa 5/2, 00-950 Warszawa",
        "university": "Warszawski Uniwersytet Medyczny",
        "graduation_year": 2019,
        "study_result": Decimal("4.50"),
    }
    data.update(overrides)
    return data


def profile_of(user):
    return Profile.objects.prefetch_related("roles").get(user=user)


def create(user, session, voivodeship_name, field, mode, units, *, day=None, **kwargs):
    """Create an application through the service, as the applicant (returns the result)."""
    kwargs.setdefault("data", applicant_data())
    return create_application(
        user=user,
        profile=profile_of(user),
        session=session,
        voivodeship=voivodeship(voivodeship_name),
        field=field,
        mode=mode,
        unit_ids=[unit.pk for unit in units],
        day=day or session.applications_from,
        **kwargs,
    )
