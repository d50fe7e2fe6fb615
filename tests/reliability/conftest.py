import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from tests.reliability.world import build_world, rolled_back


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two-voivodeship world, built once per module inside a transaction that is rolled
    back at the end; each test runs in a savepoint of it (pytest-django's ``db``)."""
    name = str(connection.settings_dict["NAME"])
    if not name.startswith("test_") and "memory" not in name:
        # pytest-django sets up the test database only for sessions with a django_db test.
        pytest.fail(f"refusing to build test data in {name!r}: mark the test django_db")
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock(), rolled_back():
        built = build_world()
        yield built
    media.disable()


@pytest.fixture
def fresh_cache():
    """Rate-limit counters and other cached state start empty."""
    cache.clear()
    yield
    cache.clear()
