"""The demo roles as fixtures, in one place (healthchecks ``hc/test.py``)."""

import pytest
from django.db import connection

from accounts.models import Role
from reference.demo import seed_fixed_rows
from tests.factories import TrainingUnitFactory, person_with_role, voivodeship


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (row locks, real concurrency "
        "and database triggers are what this test checks; SQLite has none of them)"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _rows_loaded_by_migrations(request):
    """Give a transactional test the voivodeships and modes the data migration loads.

    Such tests end with a flush that empties every table, including rows that came from
    data migrations; the next one would find no voivodeship.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        seed_fixed_rows()


@pytest.fixture
def mazowieckie(db):
    return voivodeship("mazowieckie")


@pytest.fixture
def malopolskie(db):
    return voivodeship("małopolskie")


@pytest.fixture
def uw_mazowieckie(mazowieckie):
    return person_with_role(Role.UW, voivodeship=mazowieckie)


@pytest.fixture
def wojewoda_mazowieckie(mazowieckie):
    return person_with_role(Role.WOJEWODA, voivodeship=mazowieckie)


@pytest.fixture
def uw_malopolskie(malopolskie):
    return person_with_role(Role.UW, voivodeship=malopolskie)


@pytest.fixture
def unit_mazowieckie(mazowieckie):
    return TrainingUnitFactory(voivodeship=mazowieckie)


@pytest.fixture
def unit_staff(unit_mazowieckie):
    return person_with_role(Role.UNIT_STAFF, unit=unit_mazowieckie)


@pytest.fixture
def applicant(db):
    return person_with_role(Role.APPLICANT)


@pytest.fixture
def administrator(db):
    user = person_with_role(Role.ADMINISTRATOR)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def client_of(client):
    """``client_of(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login
