"""The measurements of issue 7, in one run: ``make bench`` (``python -m bench.run``).

On PostgreSQL (``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/smk_bench``; the
database is created when missing), with production settings (DEBUG off, a throw-away
SECRET_KEY, plain HTTP on loopback, ``CONN_MAX_AGE=60`` as docker-compose runs it):

1. migrate, collect static files, ``bench_data --scale $BENCH_SCALE`` (default 1) unless the
   data exists;
2. pages, in process (Django's test client logged in with ``force_login``; only the request
   is timed, the pages compared with each other taking turns; queries counted with
   ``CaptureQueriesContext`` on one extra request): the
   referral list as a UW clerk opens it (newest session, sorted by points), its last page,
   with a search, and across all sessions — each built (its data version bumped before every
   request, as after any clerk's change) and served again from its cache; the same rows
   through the Django admin changelist of Referral as a superuser; the referral form, its
   history, a ranking list, the register, the application list, the unit's referral list;
3. actions: "Przydziel", "Wyślij" and the unit's "Akceptuj" through ``referrals.services`` by
   8 threads, each with its own database connection, all on one hot unit and then on many
   units (outside mazowieckie, whose pages are measured, so they stay the same run to run);
4. closing procedures of 1,000 / 5,000 / 10,000 / 20,000 applications: seconds, and the peak
   of Python memory (tracemalloc, in a second run of each size), each in a transaction that is
   rolled back afterwards;
5. the referral PDF: ms per document;
6. over HTTP: gunicorn on loopback and ``wrk`` at 32 connections on the list page, with the
   session cookies of 32 logged-in clerks: requests/s and p99; then again with the list's
   cache off, for comparison.

Results go to ``bench/results/<date>.json`` and ``<date>.md``, with every budget of issue 7
marked pass or fail. ``BENCH_QUICK=1`` runs everything briefly (CI-sized: fewer iterations,
small procedures, a short wrk run) and writes ``<date>-quick.*``.
"""

import datetime
import gc
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smk_bench"

#: The environment of every measured process: production settings, plain HTTP on loopback.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "smk.settings",
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-never-used-in-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "CONN_MAX_AGE": "60",
    "STATIC_ROOT": str(BASE_DIR / "var" / "bench-static"),
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}

#: The budgets of issue 7 (they hold at scale 1; other scales are indicative only).
LIST_P95_MS = 25.0
LIST_MAX_QUERIES = 10
ADMIN_SPEEDUP = 3.0
CLOSE_5000_SECONDS = 3.0
#: "Memory does not grow": the largest procedure's peak within this factor of 5,000's.
CLOSE_MEMORY_GROWTH = 1.25
PDF_MS = 300.0
HTTP_RPS = 300.0
HTTP_P99_MS = 150.0
HTTP_CONNECTIONS = 32


@dataclass(frozen=True)
class Settings:
    """How long each part runs."""

    page_iterations: int
    actions_per_thread: int
    threads: int
    closing_sizes: tuple[int, ...]
    pdf_iterations: int
    wrk_seconds: int

    @classmethod
    def of(cls, quick: bool) -> "Settings":
        if quick:
            return cls(5, 3, 8, (200, 1_000, 2_000), 2, 5)
        return cls(40, 20, 8, (1_000, 5_000, 10_000, 20_000), 10, 20)


# ---- Statistics -------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


# ---- What to open -----------------------------------------------------------------------------


class Subjects:
    """The users, sessions and rows the measurements open, found in the benchmark data."""

    def __init__(self):
        from django.db.models import Count, Q

        from accounts.models import User
        from bench.generate import ADMIN_EMAIL, BENCH_TERYT, clerk_email, unit_staff_email
        from qualification.models import Application, FormalEvaluation, Procedure
        from reference.models import Voivodeship
        from referrals.filters import newest_session
        from referrals.models import Referral, ReferralStatus

        self.voivodeship = Voivodeship.objects.get(teryt=BENCH_TERYT)
        self.clerk = User.objects.get(email=clerk_email(BENCH_TERYT))
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        referrals = Referral.objects.filter(voivodeship=self.voivodeship)
        self.session = newest_session(referrals)
        in_session = referrals.filter(session=self.session)
        self.list_rows = in_session.count()
        self.all_rows = referrals.count()

        def first(status):
            return (
                in_session.filter(status=status).order_by("pk").first()
                or referrals.filter(status=status).order_by("-pk").first()
            )

        self.assigned = first(ReferralStatus.ASSIGNED) or first(ReferralStatus.DRAFT)
        self.issued = first(ReferralStatus.ISSUED) or first(ReferralStatus.STARTED)
        # The version counts the referral's events: the longest history there is.
        self.long_history = referrals.order_by("-version", "pk").first()
        self.number_search = f"SK/{self.session.year}/{self.voivodeship.teryt}/000"
        self.procedure = Procedure.objects.get(session=self.session, voivodeship=self.voivodeship)
        biggest = (
            Application.objects.filter(
                session=self.session,
                voivodeship=self.voivodeship,
                formal_evaluation=FormalEvaluation.POSITIVE,
            )
            .values("field_id", "mode_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "field_id", "mode_id")
            .first()
        )
        self.ranking_field, self.ranking_mode = biggest["field_id"], biggest["mode_id"]
        busiest_unit = (
            referrals.filter(sent_at__isnull=False)
            .values("unit_id")
            .annotate(n=Count("pk", filter=Q(status=ReferralStatus.ISSUED)))
            .order_by("-n", "unit_id")
            .first()
        )
        self.unit_staff = User.objects.get(email=unit_staff_email(busiest_unit["unit_id"]))

    def pages(self) -> list[dict]:
        """Our pages, and for the list the admin changelist with the same rows."""
        from django.urls import reverse

        per_page, admin_per_page = 25, 100
        last = max(1, math.ceil(self.list_rows / per_page))
        all_last = max(1, math.ceil(self.all_rows / per_page))
        ours = reverse("referrals:referral_list")
        admin = reverse("admin:referrals_referral_changelist")
        v, s = self.voivodeship.pk, self.session.pk
        in_session = f"voivodeship__id__exact={v}&session__id__exact={s}"

        def admin_page(page):  # the admin page holding the same rows as our ``page``
            return (page - 1) * per_page // admin_per_page + 1

        lists = [
            ("list: newest session, page 1", f"{ours}", f"{admin}?{in_session}"),
            (
                f"list: newest session, last page ({last})",
                f"{ours}?page={last}",
                f"{admin}?{in_session}&p={admin_page(last)}",
            ),
            (
                "list: search by number",
                f"{ours}?number={self.number_search}",
                f"{admin}?{in_session}&q={self.number_search}",
            ),
            ("list: search by name", f"{ours}?name=Kowalsk", None),
            (
                "list: all sessions, page 1",
                f"{ours}?session=",
                f"{admin}?voivodeship__id__exact={v}",
            ),
            (
                f"list: all sessions, last page ({all_last})",
                f"{ours}?session=&page={all_last}",
                f"{admin}?voivodeship__id__exact={v}&p={admin_page(all_last)}",
            ),
        ]
        pages = [
            {"name": name, "url": url, "admin_url": admin_url, "user": self.clerk, "list": True}
            for name, url, admin_url in lists
        ]
        pages += [
            {
                "name": "referral form",
                "url": reverse("referrals:referral_form", args=[self.assigned.pk]),
                "user": self.clerk,
            },
            {
                "name": f"referral history ({self.long_history.version} events)",
                "url": reverse("referrals:referral_history", args=[self.long_history.pk]),
                "user": self.clerk,
            },
            {
                "name": "ranking list",
                "url": reverse(
                    "qualification:ranking_detail",
                    args=[self.procedure.pk, self.ranking_field, self.ranking_mode],
                ),
                "user": self.clerk,
            },
            {"name": "register list", "url": reverse("registry:entry_list"), "user": self.clerk},
            {
                "name": "application list",
                "url": reverse("qualification:application_list"),
                "user": self.clerk,
            },
            {
                "name": "unit's referral list",
                "url": reverse("referrals:unit_referral_list"),
                "user": self.unit_staff,
            },
        ]
        return pages


# ---- Pages in process -------------------------------------------------------------------------


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    if user.is_superuser:
        confirm_with_the_app(client, user)
    return client


def confirm_with_the_app(client, user):
    """The admin opens only to a session confirmed with the second factor
    (smk/second_factor.py): give the code of the bench administrator's app, as a person
    would on "mfa_reauthenticate"."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.urls import reverse

    from bench.generate import ADMIN_TOTP_SECRET

    code = format_hotp_value(hotp_value(ADMIN_TOTP_SECRET, int(time.time()) // 30))
    response = client.post(reverse("mfa_reauthenticate"), {"code": code})
    if response.status_code != 302:
        raise RuntimeError(f"{user.email}: the code of the app was refused")


#: Not counted as queries (the statements figure includes them).
TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@dataclass
class Probe:
    """One page to time: who opens it, its URL, and what to do (untimed) before each time."""

    name: str
    client: object
    url: str
    before: object = None

    def get(self):
        if self.before is not None:
            self.before()
        return self.client.get(self.url)


def data_changed(voivodeship_id):
    """What a clerk's change does to the referral list: its data version moves on, so the
    next opening builds the page (referrals/list_cache.py)."""
    from referrals.list_cache import referrals_changed

    # Outside a transaction the bump is made at once.
    return lambda: referrals_changed(voivodeship_id)


def measure_together(probes: list[Probe], iterations: int, warmup: int = 3) -> list[dict]:
    """Time ``iterations`` GETs of each probe (only the request), taking turns, so that the
    pages compared with each other see the same machine; then count one's queries each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for probe in probes:
        for _ in range(warmup):
            response = probe.get()
        if response.status_code != 200:
            raise RuntimeError(f"GET {probe.url} answered {response.status_code}")
    times = {id(probe): [] for probe in probes}
    for _ in range(iterations):
        for probe in probes:
            if probe.before is not None:
                probe.before()
            started = time.perf_counter()
            probe.client.get(probe.url)
            times[id(probe)].append(time.perf_counter() - started)
    results = []
    for probe in probes:
        if probe.before is not None:
            probe.before()
        with CaptureQueriesContext(connection) as captured:
            response = probe.client.get(probe.url)
        statements = [q["sql"] for q in captured.captured_queries]
        results.append(
            {
                "name": probe.name,
                "url": probe.url,
                **summary_ms(times[id(probe)]),
                "queries": sum(1 for sql in statements if not TRANSACTION_CONTROL.match(sql)),
                "statements": len(statements),
                "bytes": len(response.content),
            }
        )
    return results


def measure_pages(subjects: Subjects, iterations: int, log=print, warmup: int = 3) -> dict:
    """Every page; the referral list built (its data version bumped before every request, as
    after any clerk's change) and served again from its cache (referrals/list_cache.py), each
    in turn with the admin changelist of the same rows."""
    clients = {}

    def client(user):
        if user.pk not in clients:
            clients[user.pk] = client_for(user)
        return clients[user.pk]

    pages, admin = [], []
    for page in subjects.pages():
        ours = [Probe(page["name"], client(page["user"]), page["url"])]
        if page.get("list"):
            changed = data_changed(subjects.voivodeship.pk)
            ours = [
                Probe(page["name"], client(page["user"]), page["url"], before=changed),
                Probe(page["name"] + CACHED_SUFFIX, client(page["user"]), page["url"]),
            ]
        theirs = (
            [Probe(page["name"] + " (admin)", client(subjects.admin), page["admin_url"])]
            if page.get("admin_url")
            else []
        )
        measured = measure_together(ours + theirs, iterations, warmup)
        for result in measured[: len(ours)]:
            pages.append(result | {"list": page.get("list", False)})
            log(
                f"  {result['name']}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
                f"{result['queries']} queries"
            )
        if theirs:
            them = measured[-1]
            for result in measured[: len(ours)]:
                row = them | {
                    "name": result["name"],
                    "speedup": round(them["p50_ms"] / result["p50_ms"], 2),
                }
                admin.append(row)
                log(
                    f"    admin: p50 {them['p50_ms']} ms, {them['queries']} queries "
                    f"({result['name']}: {row['speedup']}× faster)"
                )
    return {"pages": pages, "admin": admin}


#: The name of the referral list's measurements served from its cache.
CACHED_SUFFIX = " (from the cache)"


def measure_pdf(subjects: Subjects, iterations: int) -> dict:
    from django.urls import reverse

    url = reverse("referrals:referral_pdf", args=[subjects.issued.pk])
    client = client_for(subjects.clerk)
    response = client.get(url)
    if response.status_code != 200 or not response.content.startswith(b"%PDF"):
        raise RuntimeError(f"GET {url} answered {response.status_code} without a PDF")
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {"url": url, **summary_ms(times), "bytes": len(response.content)}


# ---- Scratch data the measurements change -----------------------------------------------------


def scratch_session(purpose: str):
    """A session of its own, dated long before the national data, so it is never the
    newest one (the lists' default) and its numbers have prefixes of their own."""
    from bench.generate import SCRATCH_SESSION_PREFIX, make_session, session_dates

    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    return make_session(f"{SCRATCH_SESSION_PREFIX} {stamp} — {purpose}", session_dates(2001, True))


# ---- Actions: assign, send, accept ------------------------------------------------------------


def prepare_actions(threads: int, per_thread: int, *, hot: bool) -> list[dict]:
    """Draft referrals for each thread: all in the busiest field on one unit (``hot``), or
    each thread in a voivodeship of its own, every referral on another unit. The
    accreditations get the places the run will take."""
    from django.db.models import Count, F

    from bench.generate import (
        BENCH_TERYT,
        SCRATCH_TERYT,
        add_procedure,
        clerk_email,
        unit_staff_email,
    )
    from qualification.models import Stage
    from reference.models import Accreditation, Field, Programme, Voivodeship
    from referrals.models import Referral, ReferralStatus

    # Not the voivodeship whose pages are measured: its lists stay the same from run to run.
    voivodeships = list(Voivodeship.objects.exclude(teryt=BENCH_TERYT).order_by("teryt"))
    if hot:
        chosen = [next(v for v in voivodeships if v.teryt == SCRATCH_TERYT)] * threads
    else:
        chosen = [voivodeships[i % len(voivodeships)] for i in range(threads)]
    field = Field.objects.annotate(n=Count("accreditations")).order_by("-n", "pk").first()
    session = scratch_session("czynności " + ("jedna jednostka" if hot else "wiele jednostek"))
    plans = []
    for index, voivodeship in enumerate(dict.fromkeys(chosen)):
        wanted = per_thread * chosen.count(voivodeship)
        procedure = add_procedure(
            session,
            voivodeship,
            applications=math.ceil(wanted / 0.8) + 10,
            status_mix={ReferralStatus.DRAFT: 1},
            fields=[field],
            seed=index + 1,
            qualified_share=0.9,
        )
        assert procedure.stage == Stage.CLOSED
        drafts = list(
            Referral.objects.filter(session=session, voivodeship=voivodeship, field=field)
            .order_by("pk")
            .values_list("pk", "version", "mode_id")[:wanted]
        )
        if len(drafts) < wanted:
            raise RuntimeError(f"only {len(drafts)} draft referrals for {wanted} actions")
        units = list(
            Accreditation.objects.active()
            .filter(field=field, unit__voivodeship=voivodeship)
            .order_by("unit_id")
            .values_list("unit_id", flat=True)
        )
        units = units[:1] if hot else units
        programmes = {
            p.mode_id: p.pk for p in Programme.objects.in_force().filter(field=field).order_by("pk")
        }
        takes = {}
        for n, (pk, version, mode_id) in enumerate(drafts):
            unit_id = units[n % len(units)]
            takes[unit_id] = takes.get(unit_id, 0) + 1
            drafts[n] = (pk, version, unit_id, programmes[mode_id])
        for unit_id, n in takes.items():
            Accreditation.objects.active().filter(unit_id=unit_id, field=field).update(
                places=F("places") + n
            )
        share = [drafts[i :: chosen.count(voivodeship)] for i in range(chosen.count(voivodeship))]
        plans += [
            {
                "office": clerk_email(voivodeship.teryt),
                "staff": {unit_id: unit_staff_email(unit_id) for unit_id in units},
                "referrals": part,
            }
            for part in share
        ]
    return plans


def _act(plan: dict, barrier: threading.Barrier, timings: dict, errors: list) -> None:
    from django.db import connection

    from accounts.models import User
    from accounts.profiles import profiles_of
    from reference.models import Programme, TrainingUnit
    from referrals import planned_dates, services
    from referrals.models import Referral

    try:
        office = User.objects.get(email=plan["office"])
        office_profile = profiles_of(office)[0]
        staff = {}
        for unit_id, email in plan["staff"].items():
            user = User.objects.get(email=email)
            staff[unit_id] = {"user": user, "profile": profiles_of(user)[0]}
        units = TrainingUnit.objects.in_bulk(list(plan["staff"]))
        programmes = Programme.objects.in_bulk([p for *_, p in plan["referrals"]])
        sessions = {
            r.pk: r.session
            for r in Referral.objects.filter(
                pk__in=[pk for pk, *_ in plan["referrals"]]
            ).select_related("session")
        }
        barrier.wait()
        for pk, version, unit_id, programme_id in plan["referrals"]:
            programme = programmes[programme_id]
            start, end = planned_dates.proposed_dates(sessions[pk], programme)
            changes = services.Changes(
                units[unit_id],
                programme,
                start,
                end,
                fields={"unit", "programme", "planned_start", "planned_end"},
            )
            as_office = {"user": office, "profile": office_profile}
            steps = (
                ("assign", services.assign, {"changes": changes, **as_office}),
                ("send", services.send, {"changes": None, **as_office}),
                ("accept", services.accept, staff[unit_id]),
            )
            for name, service, kwargs in steps:
                started = time.perf_counter()
                try:
                    version = service(pk, version=version, **kwargs).version
                except services.ReferralError as error:
                    errors.append(f"{name} {pk}: {error}")
                    break
                finally:
                    timings.setdefault(name, []).append(time.perf_counter() - started)
    except threading.BrokenBarrierError:
        pass
    except Exception as error:  # reported with the results; the other threads go on
        errors.append(repr(error))
        barrier.abort()
    finally:
        connection.close()


def measure_actions(threads: int, per_thread: int, *, hot: bool) -> dict:
    """Assign, send and accept by ``threads`` threads at once; actions per second."""
    from django.db import connection

    plans = prepare_actions(threads, per_thread, hot=hot)
    barrier = threading.Barrier(threads + 1)
    timings, errors = {}, []
    workers = [
        threading.Thread(target=_act, args=(plan, barrier, timings, errors)) for plan in plans
    ]
    for worker in workers:
        worker.start()
    connection.close()  # the workers have connections of their own
    barrier.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    actions = sum(len(t) for t in timings.values())
    return {
        "scenario": "one hot unit" if hot else "many units",
        "threads": threads,
        "actions": actions,
        "seconds": round(seconds, 3),
        "actions_per_second": round(actions / seconds, 1) if seconds else None,
        "latency": {name: summary_ms(t) for name, t in sorted(timings.items())},
        "errors": errors[:10],
        "error_count": len(errors),
    }


# ---- Closing a procedure ----------------------------------------------------------------------


@contextmanager
def rolled_back():
    """A transaction that is rolled back at the end, in which a durable service may run (as
    Django's TestCase allows it): closing leaves nothing behind, so repeated runs measure the
    same database. The closing's own COMMIT is therefore not in its time."""
    from django.db import transaction

    block = transaction.atomic()
    block._from_testcase = True  # what django.test.TestCase does for its own transaction
    block.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


def closing_procedure(applications: int, purpose: str):
    from bench.generate import SCRATCH_TERYT, add_procedure
    from qualification.models import Stage
    from reference.models import Voivodeship

    return add_procedure(
        scratch_session(purpose),
        Voivodeship.objects.get(teryt=SCRATCH_TERYT),
        applications,
        stage=Stage.COMPETITION,
        seed=applications,
    )


def measure_closing(sizes: tuple[int, ...], log=print) -> list[dict]:
    """Close a procedure of each size (timed), and another under tracemalloc; each inside a
    transaction that is rolled back."""
    from accounts.models import User
    from accounts.profiles import profiles_of
    from bench.generate import SCRATCH_TERYT, clerk_email
    from qualification.services.closing import close_procedure

    clerk = User.objects.get(email=clerk_email(SCRATCH_TERYT))
    profile = profiles_of(clerk)[0]
    rows = []
    for size in sizes:
        with rolled_back():
            procedure = closing_procedure(size, f"zamknięcie {size}")
            gc.collect()
            started = time.perf_counter()
            result = close_procedure(procedure.pk, user=clerk, profile=profile)
            seconds = time.perf_counter() - started
        with rolled_back():
            procedure = closing_procedure(size, f"zamknięcie {size} (pamięć)")
            gc.collect()
            tracemalloc.start()
            close_procedure(procedure.pk, user=clerk, profile=profile)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        rows.append(
            {
                "applications": size,
                "ranked": result.ranked,
                "referrals": result.referrals,
                "seconds": round(seconds, 3),
                "peak_memory_mb": round(peak / 2**20, 2),
            }
        )
        log(
            f"  {size} applications: {seconds:.2f} s, {result.referrals} referrals, "
            f"peak {peak / 2**20:.1f} MB"
        )
    return rows


# ---- Over HTTP: gunicorn and wrk --------------------------------------------------------------

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
    """gunicorn on 127.0.0.1 and wrk at 32 connections on the referral list (or ``path``);
    ``environment`` is added to the server's."""
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
        command = [wrk, "-t2", f"-c{HTTP_CONNECTIONS}", "--latency", "-s", script.name]
        subprocess.run(  # noqa: S603 - warm-up: workers load code and fill their connections
            [*command, "-d3s", base + path], capture_output=True, check=True, text=True
        )
        run = subprocess.run(  # noqa: S603
            [*command, f"-d{seconds}s", "--timeout", "5s", base + path],
            capture_output=True,
            check=True,
            text=True,
        )
        os.unlink(script.name)
        result = parse_wrk(run.stdout)
        log(f"  {result['requests_per_second']} requests/s, p99 {result.get('p99_ms')} ms")
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


# ---- Budgets and the report -------------------------------------------------------------------


def budgets(results: dict) -> list[dict]:
    """Every budget of issue 7 with the measured value and pass/fail."""
    rows = []

    def check(name, value, limit, ok):
        rows.append({"budget": name, "value": value, "limit": limit, "ok": bool(ok)})

    for page in results.get("pages", []):
        # The list as issue 7 names it: as a clerk opens it, a deep page, with a search.
        if page.get("list") and not page["name"].startswith("list: all sessions"):
            check(
                f"{page['name']}: p95 ≤ {LIST_P95_MS:g} ms",
                page["p95_ms"],
                LIST_P95_MS,
                page["p95_ms"] <= LIST_P95_MS,
            )
            check(
                f"{page['name']}: ≤ {LIST_MAX_QUERIES} queries",
                page["queries"],
                LIST_MAX_QUERIES,
                page["queries"] <= LIST_MAX_QUERIES,
            )
    for row in results.get("admin", []):
        if row["name"].startswith("list: all sessions"):
            continue
        check(
            f"{row['name']}: ≥ {ADMIN_SPEEDUP:g}× faster than the admin",
            row["speedup"],
            ADMIN_SPEEDUP,
            row["speedup"] >= ADMIN_SPEEDUP,
        )
    closing = {row["applications"]: row for row in results.get("closing", [])}
    if 5_000 in closing:
        check(
            f"closing 5,000 applications ≤ {CLOSE_5000_SECONDS:g} s",
            closing[5_000]["seconds"],
            CLOSE_5000_SECONDS,
            closing[5_000]["seconds"] <= CLOSE_5000_SECONDS,
        )
    sizes = sorted(closing)
    if 5_000 in closing and sizes[-1] > 5_000:
        # Below ~5,000 applications the referrals fit in one chunk of close_procedure: the
        # peak grows up to the chunk, then stays.
        base = 5_000
        growth = closing[sizes[-1]]["peak_memory_mb"] / max(closing[base]["peak_memory_mb"], 1e-9)
        check(
            f"closing memory flat: peak at {sizes[-1]:,} ≤ {CLOSE_MEMORY_GROWTH:g}× peak at "
            f"{base:,}",
            round(growth, 2),
            CLOSE_MEMORY_GROWTH,
            growth <= CLOSE_MEMORY_GROWTH,
        )
    if "p50_ms" in results.get("pdf", {}):
        check(
            f"referral PDF ≤ {PDF_MS:g} ms",
            results["pdf"]["p50_ms"],
            PDF_MS,
            results["pdf"]["p50_ms"] <= PDF_MS,
        )
    http = results.get("http", {})
    if "requests_per_second" in http:
        check(
            f"list over HTTP ≥ {HTTP_RPS:g} requests/s",
            http["requests_per_second"],
            HTTP_RPS,
            http["requests_per_second"] >= HTTP_RPS and not http["non_2xx"],
        )
        check(
            f"list over HTTP p99 ≤ {HTTP_P99_MS:g} ms",
            http.get("p99_ms"),
            HTTP_P99_MS,
            http["requests"] > 0
            and http.get("p99_ms") is not None
            and http["p99_ms"] <= HTTP_P99_MS,
        )
    return rows  # fmt: skip


def markdown(results: dict) -> str:
    lines = [
        f"# Benchmark {results['started']}",
        "",
        f"Scale {results['scale']:g} ({results['counts']}); {results['machine']}."
        + (" Quick run (BENCH_QUICK=1): indicative only." if results["quick"] else ""),
        "",
        "Queries: SQL statements without BEGIN/COMMIT (all statements in brackets). "
        + ("" if results["scale"] == 1 else "The budgets hold at scale 1: here indicative."),
        "",
        "| page | p50 ms | p95 ms | queries | admin p50 ms | admin queries | ours × faster |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    admin = {row["name"]: row for row in results.get("admin", [])}
    for page in results.get("pages", []):
        theirs = admin.get(page["name"], {})
        their_queries = f"{theirs['queries']} ({theirs['statements']})" if theirs else ""
        lines.append(
            f"| {page['name']} | {page['p50_ms']} | {page['p95_ms']} | {page['queries']} "
            f"({page['statements']}) | {theirs.get('p50_ms', '')} | "
            f"{their_queries} | "
            f"{theirs.get('speedup', '')} |"
        )
    if results.get("pdf"):
        pdf = results["pdf"]
        lines.append(
            f"| referral PDF | {pdf.get('p50_ms', '')} | {pdf.get('p95_ms', '')} | | | | |"
        )
    lines += [
        "",
        "| actions, 8 threads | actions/s | assign p50 ms | send p50 ms | accept p50 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in results.get("actions", []):
        latency = row.get("latency", {})
        lines.append(
            f"| {row['scenario']} | {row.get('actions_per_second')} | "
            + " | ".join(
                str(latency.get(s, {}).get("p50_ms", "")) for s in ("assign", "send", "accept")
            )
            + f" | {row.get('error_count')} |"
        )
    lines += ["", "| closing: applications | referrals | seconds | peak Python memory MB |",
              "|---:|---:|---:|---:|"]  # fmt: skip
    for row in results.get("closing", []):
        lines.append(
            f"| {row['applications']:,} | {row['referrals']:,} | {row['seconds']} | "
            f"{row['peak_memory_mb']} |"
        )
    http, built = results.get("http", {}), results.get("http_built", {})
    if "requests_per_second" in http:
        what = (
            f"HTTP (gunicorn, {http['workers']} sync workers; wrk, {http['connections']} "
            f"connections, {http['seconds']} s; the list as deployed, served from its cache "
            "between changes)"
        )
        lines += ["", _http_figures(what, http)]
    elif http:
        lines += ["", f"HTTP: {http}"]
    if "requests_per_second" in built:
        what = "HTTP with the list's cache off (every request builds the list)"
        lines += ["", _http_figures(what, built)]
    lines += ["", "| budget | value | limit | |", "|---|---:|---:|---|"]
    for row in results.get("budgets", []):
        lines.append(
            f"| {row['budget']} | {row['value']} | {row['limit']} | "
            f"{'pass' if row['ok'] else '**FAIL**'} |"
        )
    for name, error in results.get("errors", {}).items():
        lines.append(f"\n{name} failed: `{error}`")
    return "\n".join(lines) + "\n"


def _http_figures(what: str, http: dict) -> str:
    return (
        f"{what}: **{http['requests_per_second']} requests/s**, p50 {http.get('p50_ms')} ms, "
        f"p99 {http.get('p99_ms')} ms, non-2xx {http['non_2xx']}."
    )


def write_results(results: dict, directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    name = results["started"][:10] + ("-quick" if results["quick"] else "")
    (directory / f"{name}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    path = directory / f"{name}.md"
    path.write_text(markdown(results), encoding="utf-8")
    return path


# ---- The run ----------------------------------------------------------------------------------


def machine() -> str:
    load = os.getloadavg()
    return (
        f"{platform.node()}, {os.cpu_count()} CPUs, load {load[0]:.2f}/{load[1]:.2f}, "
        f"Python {platform.python_version()}"
    )


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        return
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def run(*, quick: bool, scale: float, log=print) -> dict:
    """Everything after the data exists; each part reports its own failure."""
    from django.db import connection

    from bench.generate import scale_of_existing_data
    from qualification.models import Application
    from referrals.models import Referral
    from smk.models import Event

    settings = Settings.of(quick)
    results = {
        "started": datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S"),
        "quick": quick,
        "scale": scale_of_existing_data() or scale,
        "database": connection.vendor,
        "machine": machine(),
        "counts": {
            "applications": Application.objects.count(),
            "referrals": Referral.objects.count(),
            "events": Event.objects.count(),
        },
        "errors": {},
    }

    def part(name, function):
        log(f"{name} …")
        try:
            return function()
        except Exception as error:  # one broken part must not hide the others' figures
            results["errors"][name] = repr(error)
            log(f"  failed: {error!r}")
            return None

    subjects = part("subjects", Subjects)
    if subjects is not None:
        pages = part("pages", lambda: measure_pages(subjects, settings.page_iterations, log))
        if pages:
            results.update(pages)
        results["pdf"] = part("pdf", lambda: measure_pdf(subjects, settings.pdf_iterations)) or {}
    results["actions"] = [
        row
        for hot in (True, False)
        if (
            row := part(
                f"actions ({'one unit' if hot else 'many units'})",
                lambda hot=hot: measure_actions(
                    settings.threads, settings.actions_per_thread, hot=hot
                ),
            )
        )
    ]
    for row in results["actions"]:
        log(
            f"  {row['scenario']}: {row['actions_per_second']} actions/s, "
            f"{row['error_count']} errors"
        )
    results["closing"] = part("closing", lambda: measure_closing(settings.closing_sizes, log)) or []
    if connection.vendor == "postgresql":
        results["http"] = part("http", lambda: measure_http(settings.wrk_seconds, log=log)) or {}
        # For comparison: every request builds the list (its cache off).
        results["http_built"] = (
            part(
                "http, the list's cache off",
                lambda: measure_http(
                    settings.wrk_seconds,
                    environment={"REFERRAL_LIST_CACHE_SECONDS": "0"},
                    log=log,
                ),
            )
            or {}
        )
    results["budgets"] = budgets(results)
    results["finished"] = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    results["machine_after"] = machine()
    return results


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--data-only", action="store_true", help="only make sure the data exists")
    parser.add_argument("--reset", action="store_true", help="generate the data anew (--data-only)")
    options = parser.parse_args(argv)
    for name, value in BENCH_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    sys.path.insert(0, str(BASE_DIR))
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    ensure_database(os.environ["DATABASE_URL"])

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    from bench.generate import scale_of_existing_data

    if options.reset:
        call_command("bench_data", scale=scale, reset=True)
    elif scale_of_existing_data() is None:  # the data of an earlier run is used as it is
        call_command("bench_data", scale=scale)
    if options.data_only:
        call_command("check_invariants")
        return 0
    results = run(quick=quick, scale=scale)
    path = write_results(results)
    print(path.read_text(encoding="utf-8"))
    print(f"Written: {path} and {path.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
