"""The demo roles as fixtures, in one place (healthchecks ``hc/test.py``)."""

import pytest
from django.db import connection
from django.test import Client, RequestFactory

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


def log_in(client, user):
    """Log ``client`` in as ``user`` the way the site asks them to: a person with an
    authenticator app (TOTP) also gave a code from it, so the session carries allauth's
    record of that step, which the administration screens require (smk.second_factor).
    For a session of the password only, use ``client.force_login``."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        request = RequestFactory().get("/")
        request.session, request.user = client.session, user
        record_authentication(request, user, "mfa", id=totp.pk, type=totp.type)
        request.session.save()
    return client


@pytest.fixture
def client_of(client):
    """``client_of(user)``: the test client logged in as ``user`` (:func:`log_in`)."""
    return lambda user: log_in(client, user)


@pytest.fixture
def mfa_admin_client(administrator):
    """The central administrator, logged in with the password and the second factor (an
    authenticator app set up), as the administration screens require."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(administrator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return log_in(Client(), administrator)
