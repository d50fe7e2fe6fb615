"""Soak test: ``python -m soak.run --minutes 10`` (``make soak``; ``make soak-short`` in CI).

1. a dedicated PostgreSQL database (``smk_soak`` on this machine, ``SOAK_DATABASE_URL``;
   ``--fresh`` drops and recreates it), ``migrate``, ``seed_demo``, ``collectstatic``;
2. gunicorn with several workers on 127.0.0.1 with the production settings (DEBUG off,
   plain HTTP on loopback, ``CONN_MAX_AGE=60`` as docker-compose runs it);
3. simulated people, each a thread with its own cookies, logging in through the real login
   form (CSRF included): UW and Wojewoda clerks of mazowieckie working through referrals
   (choose a unit and a programme, Przydziel, Wyślij, Wycofaj, Zapisz wersję roboczą,
   Niepodjęcie szkolenia, Wpisz do rejestru — with the page's version, with a stale one, with
   invalid values), the demo unit's staff deciding (Akceptuj, Odrzuć, Niepodjęcie szkolenia),
   a clerk of małopolskie opening mazowieckie's referrals (404), lists, searches, exports;
4. until ``--minutes`` pass or ``--requests`` are made; then ``check_invariants``.

Prints requests, rates by status code, p50/p95/p99 latency and the action outcomes, writes
them to ``var/soak/last.json``, and exits non-zero on any 5xx, any request that got no answer,
or invariants that do not hold. Only loopback: the server binds 127.0.0.1 and the client
talks to nothing else.

This module sets up and runs; the simulated people are in :mod:`soak.people` (their browser
in :mod:`soak.browser`), the statistics and the report in :mod:`soak.report`.
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from soak.browser import Browser
from soak.people import PEOPLE, ROLES
from soak.report import Stats, print_report, report

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smk_soak"
RESULTS = BASE_DIR / "var" / "soak"

#: The server's environment: production settings, plain HTTP on loopback.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "smk.settings",
    "DEBUG": "0",
    "SECRET_KEY": "soak-only-secret-key-never-used-in-production-0123456789abcdefgh",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CONN_MAX_AGE": "60",
    "STATIC_ROOT": str(BASE_DIR / "var" / "soak-static"),
    "MEDIA_ROOT": str(BASE_DIR / "var" / "soak-media"),
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}


# ---- Setting up ---------------------------------------------------------------------------------


def database_params(url: str) -> dict:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise SystemExit("The soak test runs on PostgreSQL: give a postgres:// DATABASE_URL.")
    if parsed.hostname not in (None, "", "127.0.0.1", "localhost", "::1"):
        raise SystemExit("The soak test uses a database on this machine only.")
    return {
        "host": parsed.hostname or None,
        "port": parsed.port or None,
        "user": urllib.parse.unquote(parsed.username or "") or None,
        "password": urllib.parse.unquote(parsed.password or "") or None,
        "name": parsed.path.lstrip("/"),
    }


def prepare_database(url: str, *, fresh: bool, log) -> bool:
    """Create the database (first dropping it with ``fresh``); True when it is new."""
    import psycopg
    from psycopg import sql

    params = database_params(url)
    name = params.pop("name")
    if fresh and "soak" not in name:
        raise SystemExit(f"--fresh drops the database: refusing for {name!r} (no 'soak' in it)")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            log(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if exists:
            return False
        log(f"creating database {name}")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def manage(*args, env, check=True, capture=False):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=check,
        capture_output=capture,
        text=True,
    )


def static_files_outdated() -> bool:
    """collectstatic (slow: it compresses every file) only when a static file changed."""
    manifest = Path(SERVER_ENV["STATIC_ROOT"]) / "staticfiles.json"
    if not manifest.exists():
        return True
    sources = [BASE_DIR / "uv.lock", *(BASE_DIR / "static").rglob("*")]
    return any(p.stat().st_mtime > manifest.stat().st_mtime for p in sources if p.is_file())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, workers: int, log_path: Path):
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_file = log_path.open("w")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn with fixed arguments
        [
            str(gunicorn),
            "smk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz; see {log_path}")


# ---- The run ------------------------------------------------------------------------------------


def soak(base: str, *, users: int, seconds: float, max_requests: int, seed: int, log) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    logged_in = []

    def person(index: int):
        email, role = PEOPLE[index % len(PEOPLE)]
        browser = Browser(base, stats)
        if not browser.log_in(email):
            stats.outcome(f"login failed: {email}")
            return
        logged_in.append(email)
        worker = ROLES[role](browser, email, random.Random(seed * 1000 + index))  # noqa: S311
        while time.monotonic() < deadline and stats.total < max_requests:
            try:
                worker.step()
            except AssertionError as error:
                stats.outcome(f"harness: {error}")

    threads = [threading.Thread(target=person, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    last = time.monotonic()
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        if time.monotonic() - last >= 15:
            last = time.monotonic()
            failed = sum(n for status, n in stats.statuses.items() if status >= 500 or status == 0)
            log(f"  … {stats.total} requests, {failed} failed")
    stats.logged_in = logged_in
    return stats


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=200_000, help="stop after this many")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--users", type=int, default=len(PEOPLE), help="simulated people")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    args = parser.parse_args(argv)

    def log(line=""):
        print(line, flush=True)

    database_url = os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url}
    created = prepare_database(database_url, fresh=args.fresh, log=log)
    log("migrate, seed_demo, collectstatic …")
    manage("migrate", "--noinput", "-v0", env=env)
    if created:  # a database kept from an earlier run goes on from where that one left it
        manage("seed_demo", env=env, capture=True)
    if static_files_outdated():
        manage("collectstatic", "--noinput", "-v0", env=env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    server_log = RESULTS / "gunicorn.log"
    server, base = start_server(env, args.workers, server_log)
    log(
        f"gunicorn ({args.workers} workers) on {base}; {args.users} people for up to "
        f"{args.minutes} min or {args.requests} requests"
    )
    started = time.monotonic()
    try:
        stats = soak(
            base,
            users=args.users,
            seconds=args.minutes * 60,
            max_requests=args.requests,
            seed=args.seed,
            log=log,
        )
    finally:
        elapsed = time.monotonic() - started
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    checked = manage("check_invariants", env=env, check=False, capture=True)
    result = report(stats, elapsed, checked.stdout + checked.stderr, checked.returncode == 0, args)
    (RESULTS / "last.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_report(result, log)

    failures = []
    failed = sum(v["count"] for c, v in result["statuses"].items() if c == "0" or int(c) >= 500)
    if failed:
        failures.append(f"{failed} requests answered 5xx or not at all (see {server_log})")
    if not result["invariants_ok"]:
        failures.append("check_invariants found violations")
    if len(stats.logged_in) < args.users:
        failures.append("not everyone could log in")
    if any(name.startswith(("outsider saw", "harness:")) for name in result["outcomes"]):
        failures.append("a scope leak or a harness error (see the outcomes)")
    if failures:
        log("\nSOAK FAILED: " + "; ".join(failures))
        if failed:
            log(server_log.read_text()[-4000:])
        return 1
    log(f"\nSOAK PASSED (results in {RESULTS / 'last.json'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
