"""Shared rows for the referral tests: a field, training units and sessions of two years."""

import datetime

import pytest

from tests.factories import FieldFactory, SessionFactory, TrainingUnitFactory


def session_of_year(year: int, name: str | None = None):
    """A session whose applications open on 30 April of ``year`` (newer years sort first)."""
    return SessionFactory(
        name=name or f"Sesja wiosenna {year}",
        applications_from=datetime.date(year, 4, 30),
        applications_to=datetime.date(year, 5, 31),
        procedure_from=datetime.date(year, 6, 1),
        procedure_to=datetime.date(year, 6, 30),
    )


@pytest.fixture
def field(db):
    return FieldFactory(
        code="laboratoryjna-diagnostyka-medyczna", name="laboratoryjna diagnostyka medyczna"
    )


@pytest.fixture
def older_session(db):
    return session_of_year(2025)


@pytest.fixture
def newer_session(db):
    return session_of_year(2026)


@pytest.fixture
def unit_malopolskie(malopolskie):
    return TrainingUnitFactory(voivodeship=malopolskie, city="Kraków")
