"""Over HTTP: gunicorn on loopback and wrk with the session cookies of logged-in clerks."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.run.common import BASE_DIR, BENCH_ENV, HTTP_CONNECTIONS, HTTP_LATENCY_CONNECTIONS

WRK_SCRIPT = """\
local cookies = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", nil, {["Cookie"] = cookies[(counter %% #cookies) + 1]})
end
"""


def session_cookies(users, per_user: int) -> list[str]:
    """Log ``users`` in (``per_user`` sessions each) by writing sessions as login() does."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    cookies = []
    for _ in range(per_user):
        for user in users:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return cookies


def wrk_script(cookies: list[str]) -> str:
    return WRK_SCRIPT % ", ".join(json.dumps(c) for c in cookies)


_DURATION = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles (ms) and errors from ``wrk --latency`` output."""

    def ms(text):
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return round(float(number) * _DURATION[unit], 2)

    result = {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }
    for p, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE):
        result[f"p{p}_ms"] = ms(value)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors: (.*)", output)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, cookie: str | None = None, timeout: float = 10) -> tuple[int, str]:
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our loopback server
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return response.status, response.read().decode("utf-8", "replace")


def measure_http(
    seconds: int,
    *,
    workers: int | None = None,
    path: str | None = None,
    environment: dict | None = None,
    log=print,
) -> dict:
    """gunicorn on 127.0.0.1 and wrk on the referral list (or ``path``): at 32 connections
    (as many requests as the server can answer: the throughput), then at 8 (a busy moment of
    all the offices together: the latency, ``at_low_concurrency``); ``environment`` is added
    to the server's."""
    from django.db import connection
    from django.urls import reverse

    from accounts.models import User
    from bench.generate import clerk_email
    from reference.models import Voivodeship

    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    workers = workers or int(os.environ.get("BENCH_HTTP_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    clerks = [
        User.objects.get(email=clerk_email(v.teryt)) for v in Voivodeship.objects.order_by("teryt")
    ]
    cookies = session_cookies(clerks, per_user=max(1, HTTP_CONNECTIONS // len(clerks)))
    connection.close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    path = path or reverse("referrals:referral_list")
    env = {**os.environ, **BENCH_ENV, "ALLOWED_HOSTS": "127.0.0.1", **(environment or {})}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server_log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - read back and closed below
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [
            str(gunicorn),
            "smk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,  # a file: a pipe nobody reads would stall the workers once full
    )
    try:
        for _ in range(100):
            try:
                if _get(f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        status, body = _get(base + path, cookies[0])
        if status != 200 or (path == reverse("referrals:referral_list") and "<table" not in body):
            raise RuntimeError(f"the list answered {status} without a table: not logged in?")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(wrk_script(cookies))

        def wrk_at(connections: int, duration: str) -> dict:
            command = [wrk, "-t2", f"-c{connections}", "--latency", "-s", script.name]
            run = subprocess.run(  # noqa: S603 - our loopback server, fixed arguments
                [*command, f"-d{duration}", "--timeout", "5s", base + path],
                capture_output=True,
                check=True,
                text=True,
            )
            return parse_wrk(run.stdout)

        wrk_at(HTTP_CONNECTIONS, "3s")  # warm-up: workers load code and fill their connections
        result = wrk_at(HTTP_CONNECTIONS, f"{seconds}s")
        log(f"  {result['requests_per_second']} requests/s, p99 {result.get('p99_ms')} ms")
        low = wrk_at(HTTP_LATENCY_CONNECTIONS, f"{seconds}s")
        result["at_low_concurrency"] = {"connections": HTTP_LATENCY_CONNECTIONS, **low}
        log(
            f"  at {HTTP_LATENCY_CONNECTIONS} connections: {low['requests_per_second']} "
            f"requests/s, p99 {low.get('p99_ms')} ms"
        )
        os.unlink(script.name)
        server_log.seek(0)
        result["server_log_tail"] = server_log.read()[-2000:]
        return {
            "url": path,
            "workers": workers,
            "connections": HTTP_CONNECTIONS,
            "seconds": seconds,
            "sessions": len(cookies),
            **result,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
