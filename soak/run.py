"""Soak test: ``python -m soak.run --minutes 10`` (``make soak``; ``make soak-short`` in CI).

1. a dedicated PostgreSQL database (``smk_soak`` on this machine, ``SOAK_DATABASE_URL``;
   ``--fresh`` drops and recreates it), ``migrate``, ``seed_demo``, ``collectstatic``;
2. the compose services natively (:mod:`soak.stack`): gunicorn with several workers on
   127.0.0.1 with the production settings (DEBUG off, plain HTTP on loopback,
   ``CONN_MAX_AGE=60``), the task worker, the scheduler, Redis and an SMTP sink;
3. simulated people, each a thread with its own cookies, logging in through the real login
   form (CSRF included): UW and Wojewoda clerks of mazowieckie working through referrals
   (choose a unit and a programme, Przydziel, Wyślij, Wycofaj, Zapisz wersję roboczą,
   Niepodjęcie szkolenia, Wpisz do rejestru — with the page's version, with a stale one, with
   invalid values), the demo unit's staff deciding (Akceptuj, Odrzuć, Niepodjęcie szkolenia),
   a clerk of małopolskie opening mazowieckie's referrals (404), lists, searches, exports;
4. until ``--minutes`` pass or ``--requests`` are made; with ``--faults`` (``make soak``) the
   fault schedule of :mod:`soak.faults` runs meanwhile (the worker and gunicorn killed and
   started again, Redis restarted, the SMTP sink paused);
5. the e-mails drain: every one sent must have reached the sink exactly once; then
   ``check_invariants``.

Prints requests, rates by status code, p50/p95/p99 latency and the action outcomes, writes
them to ``var/soak/last.json``, and exits non-zero on any 5xx or request that got no answer
outside a fault's window, an e-mail lost or sent twice, or invariants that do not hold. Only
loopback: the servers bind 127.0.0.1 and the client talks to nothing else.

This module sets up and runs; the simulated people are in :mod:`soak.people` (their browser
in :mod:`soak.browser`), the statistics and the report in :mod:`soak.report`.
"""

import argparse
import datetime
import json
import os
import random
import sys
import threading
import time

from soak.browser import Browser
from soak.faults import FaultSchedule, check_deliveries
from soak.people import PEOPLE, ROLES
from soak.report import Stats, print_report, report
from soak.stack import BASE_DIR, Stack, prepare_database

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smk_soak"
RESULTS = BASE_DIR / "var" / "soak"


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
    parser.add_argument(
        "--faults", action="store_true", help="kill and restart services meanwhile (soak.faults)"
    )
    parser.add_argument(
        "--drain-seconds", type=float, default=240, help="how long the outbox may take to empty"
    )
    args = parser.parse_args(argv)

    def log(line=""):
        print(line, flush=True)

    database_url = os.environ.get("SOAK_DATABASE_URL", DEFAULT_DATABASE_URL)
    created = prepare_database(database_url, fresh=args.fresh, log=log)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stack = Stack(database_url, RESULTS, web_workers=args.workers)
    log("migrate, seed_demo, collectstatic …")
    # A database kept from an earlier run goes on from where that one left it.
    stack.prepare(seed=created)
    server_log = stack.services["web"].log_path
    mail_since = datetime.datetime.now(datetime.UTC)
    with stack:
        stack.start()
        base = stack.base
        log(
            f"{', '.join(stack.services)} and an SMTP sink; gunicorn ({args.workers} workers) on "
            f"{base}; {args.users} people for up to {args.minutes} min or {args.requests} requests"
        )
        seconds = args.minutes * 60
        faults = FaultSchedule(stack, seconds, log) if args.faults else None
        started = time.monotonic()
        if faults:
            faults.start()
        try:
            stats = soak(
                base,
                users=args.users,
                seconds=seconds,
                max_requests=args.requests,
                seed=args.seed,
                log=log,
            )
        finally:
            elapsed = time.monotonic() - started
            if faults:
                faults.finish()
        deliveries = check_deliveries(
            stack, database_url, since=mail_since, log=log, drain_seconds=args.drain_seconds
        )
    checked = stack.manage("check_invariants", check=False)
    result = report(stats, elapsed, checked.stdout + checked.stderr, checked.returncode == 0, args)
    result["faults"] = faults.windows_report(stats) if faults else []
    result["emails"] = deliveries
    (RESULTS / "last.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_report(result, log)
    for fault in result["faults"]:
        log(
            f"Fault at {fault['at_second']} s: {fault['fault']}; window "
            f"{fault['window_seconds']} s, {fault['failed_requests']} requests failed inside it"
        )
    log("E-mails: " + ", ".join(f"{k} {v}" for k, v in deliveries.items() if k != "examples"))
    for line in deliveries["examples"]:
        log(f"  {line}")

    failures = []
    failed = len(faults.outside_windows(stats)) if faults else len(stats.error_times)
    if failed:
        where = " outside the faults' windows" if faults else ""
        failures.append(f"{failed} requests answered 5xx or not at all{where} (see {server_log})")
    if any(deliveries[k] for k in ("lost", "duplicated", "unexpected", "pending_left", "failed")):
        failures.append("e-mails lost, sent twice, unexpected or not sent (see emails)")
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
