"""Two mazowieckie units with an accreditation each, and the staff of the first."""

import datetime

import pytest

from accounts.models import Role
from tests.factories import (
    AccreditationFactory,
    FieldFactory,
    TrainingUnitFactory,
    person_with_role,
)

#: Dates the tests use: after "today" of the tests' clock is irrelevant where they are past.
NEXT_YEAR = datetime.date.today().year + 1


@pytest.fixture
def field(db):
    return FieldFactory(code="mikrobiologia-medyczna", name="mikrobiologia medyczna")


@pytest.fixture
def accreditation(unit_mazowieckie, field):
    return AccreditationFactory(
        unit=unit_mazowieckie, field=field, places=3, valid_to=datetime.date(NEXT_YEAR + 5, 12, 31)
    )


@pytest.fixture
def other_accreditation(mazowieckie, field):
    """The same field at another unit of the voivodeship."""
    return AccreditationFactory(
        unit=TrainingUnitFactory(voivodeship=mazowieckie),
        field=field,
        places=3,
        valid_to=datetime.date(NEXT_YEAR + 5, 12, 31),
    )


@pytest.fixture
def staff(unit_staff):
    return unit_staff.profiles.get()


@pytest.fixture
def other_staff(other_accreditation):
    return person_with_role(Role.UNIT_STAFF, unit=other_accreditation.unit)
