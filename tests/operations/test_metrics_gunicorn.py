"""Under gunicorn with several workers, /metrics adds up every worker's requests, whichever
worker answers the scrape (PROMETHEUS_MULTIPROC_DIR and gunicorn.conf.py)."""

import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.accounts.test_login_rate_limits import _free_port, _test_database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode()


def wait_for_every_worker(port, server, workers):
    """Until each worker has booted (a shared CI machine may take a minute for each)."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited; see its log"
        try:
            if get(port, "/healthz")[0] == 200 and workers():
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("gunicorn's workers did not all boot")


def test_the_scrape_adds_up_every_workers_requests(tmp_path):
    port = _free_port()
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "smk.settings_test",
        "DATABASE_URL": _test_database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "smk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,  # gunicorn.conf.py is read from here, as from /app in the image
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        folder = tmp_path / "prometheus"
        # Each worker writes its own file once it has answered a request; several files mean
        # several workers answered.
        wait_for_every_worker(port, server, lambda: len(list(folder.glob("histogram_*.db"))) >= 2)
        for _ in range(30):
            assert get(port, "/healthz")[0] == 200
        scrapes = [get(port, "/metrics") for _ in range(3)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for status, page in scrapes:
        assert status == 200
        [count] = re.findall(
            r'smk_http_request_duration_seconds_count\{[^}]*view="healthz"[^}]*\} (\S+)', page
        )
        # 30 here, plus the ones made while waiting (at least two: one per worker).
        assert float(count) >= 32
