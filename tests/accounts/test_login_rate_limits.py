"""Login rate limits (issue 14, item 1): a stranger's failed logins with made-up e-mails never
lock another account out, the attacked account waits after five failures whatever address the
attacker claims, the client's address comes from the proxy only when it is trusted, and the
counters are shared by every worker process."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "haslo-testowe-123"  # the factories' password
TOO_MANY = "Zbyt wiele nieudanych prób logowania. Spróbuj ponownie później."
PER_ACCOUNT = 5  # failures in 5 minutes (smk/settings.py, ACCOUNT_RATE_LIMITS)
PER_ADDRESS = 50
PROXY = "10.0.0.1"  # the reverse proxy's address: every request's REMOTE_ADDR behind it


@pytest.fixture(autouse=True)
def _no_counters_of_earlier_tests(db):
    cache.clear()


def log_in(client, email, password=PASSWORD, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def flood(count, headers_of):
    """``count`` failed logins with made-up e-mails; ``headers_of(n)`` gives each its headers."""
    for n in range(count):
        response = log_in(Client(), f"nieistniejacy{n}@example.pl", "zgadywane-1", **headers_of(n))
        assert response.status_code == 200, n
        assert TOO_MANY not in response.content.decode(), n


def logged_in(client):
    return "_auth_user_id" in client.session


def test_after_a_flood_of_failed_logins_with_made_up_emails_another_person_still_logs_in():
    person = UserFactory()
    flood(30, headers_of=lambda n: {"REMOTE_ADDR": PROXY})

    client = Client(REMOTE_ADDR=PROXY)
    response = log_in(client, person.email)

    assert response.status_code == 302
    assert logged_in(client)


def test_the_attacked_account_waits_after_five_failures_whatever_address_the_attacker_claims(
    settings,
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    victim, other = UserFactory(), UserFactory()
    for n in range(PER_ACCOUNT):
        response = log_in(
            Client(REMOTE_ADDR=PROXY),
            victim.email,
            "zgadywane-1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
        assert TOO_MANY not in response.content.decode(), n

    victims_client = Client(REMOTE_ADDR=PROXY)
    response = log_in(victims_client, victim.email, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not logged_in(victims_client)

    # Only that account waits: another person logs in from the attacker's last address.
    client = Client(REMOTE_ADDR=PROXY)
    assert log_in(client, other.email, HTTP_X_FORWARDED_FOR="203.0.113.4").status_code == 302
    assert logged_in(client)


def test_the_attacked_account_waits_whatever_port_the_host_header_names():
    # Django checks the Host against ALLOWED_HOSTS without its port, so a client may send any.
    victim = UserFactory()
    for n in range(PER_ACCOUNT):
        log_in(Client(), victim.email, "zgadywane-1", HTTP_HOST=f"testserver:{8000 + n}")

    client = Client()
    response = log_in(client, victim.email, HTTP_HOST="testserver:9999")
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)


def test_without_a_trusted_proxy_a_forged_x_forwarded_for_is_ignored():
    person = UserFactory()
    flood(
        PER_ADDRESS,
        headers_of=lambda n: {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"},
    )

    # The failures were counted against the connection's address, not the forged ones.
    client = Client(REMOTE_ADDR=PROXY)
    response = log_in(client, person.email, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert TOO_MANY in response.content.decode()
    assert not logged_in(client)

    client = Client(REMOTE_ADDR="10.0.0.2")
    assert log_in(client, person.email).status_code == 302


def test_with_a_trusted_proxy_the_client_it_forwards_is_limited_not_the_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    person = UserFactory()
    # The attacker puts a different address of their own in front each time; the proxy appends
    # the one it saw, and that is what counts.
    flood(
        PER_ADDRESS,
        headers_of=lambda n: {
            "REMOTE_ADDR": PROXY,
            "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}, 203.0.113.9",
        },
    )

    attacker = Client(REMOTE_ADDR=PROXY)
    response = log_in(attacker, person.email, HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.9")
    assert TOO_MANY in response.content.decode()
    assert not logged_in(attacker)

    client = Client(REMOTE_ADDR=PROXY)
    assert log_in(client, person.email, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    assert logged_in(client)


def test_with_a_trusted_client_ip_header_that_header_is_the_client(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    person = UserFactory()
    flood(PER_ADDRESS, headers_of=lambda n: {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": "203.0.113.9"})

    attacker = Client(REMOTE_ADDR=PROXY)
    response = log_in(attacker, person.email, HTTP_X_REAL_IP="203.0.113.9")
    assert TOO_MANY in response.content.decode()

    client = Client(REMOTE_ADDR=PROXY)
    assert log_in(client, person.email, HTTP_X_REAL_IP="198.51.100.7").status_code == 302


# ---- Two worker processes ---------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_url():
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_gunicorn(port, log):
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env |= {"DJANGO_SETTINGS_MODULE": "smk.settings_test", "DATABASE_URL": _test_database_url()}
    return subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "smk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _wait_until_it_answers(port, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited; see its log"
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn on port {port} did not answer /healthz")


@pytest.fixture
def two_workers(transactional_db, tmp_path):
    """Two gunicorn processes, each with its own memory, serving the test database."""
    ports, servers = [_free_port(), _free_port()], []
    log = (tmp_path / "gunicorn.log").open("w")
    try:
        for port in ports:
            servers.append(_start_gunicorn(port, log))
        for port, server in zip(ports, servers, strict=True):
            _wait_until_it_answers(port, server)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        log.close()
        cache.clear()  # the counters were committed: nothing rolls them back


def log_in_over_http(port, email, password=PASSWORD):
    """The login form as a browser fills it: the page (and its CSRF cookie), then the POST."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/konto/login/", headers={"Host": "localhost"})
    page = conn.getresponse()
    html = page.read().decode()
    cookie = next(c for c in page.headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"login": email, "password": password, "csrfmiddlewaretoken": token}
    conn.request(
        "POST",
        "/konto/login/",
        urlencode(form),
        {
            "Host": "localhost",  # as the proxy sends it, whichever worker serves
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie.split(";")[0],
        },
    )
    answer = conn.getresponse()
    return answer.status, answer.read().decode()


@pytest.mark.postgres
def test_failures_spread_over_two_worker_processes_add_up_to_the_limit(two_workers):
    victim = UserFactory()
    for n in range(PER_ACCOUNT):  # 3 failures in one process, 2 in the other
        status, html = log_in_over_http(two_workers[n % 2], victim.email, "zgadywane-1")
        assert status == 200 and TOO_MANY not in html, n

    for port in two_workers:
        status, html = log_in_over_http(port, victim.email)
        assert status == 200, port
        assert TOO_MANY in html, port
