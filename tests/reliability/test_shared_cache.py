"""The shared cache on Redis (issue 21, item 1): every app server counts the same failed logins,
and with Redis down the pages keep answering, the outage is logged, and nobody logs in until it
is back (login rate limits fail closed). Against the machine's Redis on 127.0.0.1:6379 (database
9, which only these tests use), a port where nothing listens, and a Redis this test starts and
stops itself."""

import hashlib
import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "haslo-testowe-123"  # the factories' password
TOO_MANY = "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie później."
SHARED_REDIS = "redis://127.0.0.1:6379/9"


def redis_cache(url):
    return {
        "default": {
            "BACKEND": "smk.cache.FailSafeRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "default",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def on_shared_redis(settings, db):
    settings.CACHES = redis_cache(SHARED_REDIS)
    cache.clear()
    yield redis.Redis.from_url(SHARED_REDIS)
    cache.clear()


@pytest.fixture
def redis_down(settings, db):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")


class OwnRedis:
    """A redis-server of this test's own, to stop and start again."""

    def __init__(self, port):
        self.port, self.process = port, None

    def start(self):
        self.process = subprocess.Popen(
            [
                *(shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.port)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(settings, db):
    server = OwnRedis(free_port())
    server.start()
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{server.port}/0")
    yield server
    if server.process.poll() is None:
        server.stop()


def test_with_redis_the_failed_logins_are_counted_where_every_app_server_sees_them(
    on_shared_redis,
):
    victim = UserFactory()
    for _ in range(5):
        response = log_in(Client(), victim.email, "zgadywane-1")
        assert TOO_MANY not in response.content.decode()

    # Another app server reads the same Redis: the counter is there, not in this process.
    counter = hashlib.sha256(victim.email.encode()).hexdigest()  # allauth keys it so
    keys = [key.decode() for key in on_shared_redis.scan_iter("default:*")]
    assert any("login_failed" in key and key.endswith(counter) for key in keys), keys
    client = Client()
    response = log_in(client, victim.email)
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


def test_with_redis_down_the_pages_still_answer_and_the_outage_is_logged(
    redis_down, uw_mazowieckie, caplog, monkeypatch
):
    monkeypatch.setattr("smk.cache.FailSafeRedisCache._last_logged", 0.0)
    caplog.set_level(logging.WARNING, logger="smk.cache")
    assert Client().get(reverse("account_login")).status_code == 200
    client = Client()
    client.force_login(uw_mazowieckie)
    assert client.get(reverse("referrals:referral_list")).status_code == 200

    log_in(Client(), uw_mazowieckie.email)  # the login's rate limit asks the cache
    assert any("cache unavailable" in record.getMessage() for record in caplog.records)


def test_with_redis_down_nobody_logs_in_not_even_with_the_right_password(redis_down):
    person = UserFactory()
    client = Client()

    response = log_in(client, person.email)

    assert response.status_code == 429
    assert "Spróbuj ponownie za kilka minut." in response.content.decode()
    assert not logged_in(client)


def test_once_redis_is_back_people_log_in_again_without_restarting_the_app(own_redis):
    person = UserFactory()
    assert log_in(Client(), person.email).status_code == 302

    own_redis.stop()
    client = Client()
    assert log_in(client, person.email).status_code == 429
    assert not logged_in(client)

    own_redis.start()
    client = Client()
    assert log_in(client, person.email).status_code == 302
    assert logged_in(client)
