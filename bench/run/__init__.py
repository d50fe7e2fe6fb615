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
   with a search, and across all sessions; the same rows through the Django admin
   changelist of Referral as a superuser; the referral form, its
   history, a ranking list, the register, the application list, the unit's referral list;
3. actions: "Przydziel", "Wyślij" and the unit's "Akceptuj" through ``referrals.services`` by
   8 threads, each with its own database connection, all on one hot unit and then on many
   units (outside mazowieckie, whose pages are measured, so they stay the same run to run);
4. closing procedures of 1,000 / 5,000 / 10,000 / 20,000 applications: seconds, and the peak
   of Python memory (tracemalloc, in a second run of each size), each in a transaction that is
   rolled back afterwards;
5. the referral PDF: ms per document; the EKS's pages (a half-filled card as the office, the
   unit, its kierownik and the diagnostician see it, its history, the list, the kierownik's
   queue, its PDF) against the queries their tests pin (:mod:`~bench.run.eks`); the
   integration API: the unit's referral list as its system reads it and the initial load of
   5,000 trainees in one request, rolled back afterwards (:mod:`~bench.run.api`);
6. over HTTP: gunicorn on loopback and ``wrk`` at 32 connections on the list page, with the
   session cookies of 32 logged-in clerks: requests/s and p99.

Results go to ``bench/results/<date>.json`` and ``<date>.md``, with every budget of issue 7
marked pass or fail. ``BENCH_QUICK=1`` runs everything briefly (CI-sized: fewer iterations,
small procedures, a short wrk run) and writes ``<date>-quick.*``.

One module per part: :mod:`~bench.run.subjects` (what is opened), :mod:`~bench.run.pages`,
:mod:`~bench.run.pdf`, :mod:`~bench.run.actions`, :mod:`~bench.run.closing`,
:mod:`~bench.run.over_http`, :mod:`~bench.run.eks`, :mod:`~bench.run.api`,
:mod:`~bench.run.report` (budgets and results),
:mod:`~bench.run.main` (the run); :mod:`~bench.run.common` holds what they share.
"""

from bench.run.actions import measure_actions, prepare_actions, scratch_session
from bench.run.closing import measure_closing
from bench.run.common import BENCH_ENV, DEFAULT_DATABASE_URL, Settings, percentile, summary_ms
from bench.run.main import main, run
from bench.run.over_http import measure_http, parse_wrk, session_cookies, wrk_script
from bench.run.pages import client_for, measure_pages, measure_together
from bench.run.pdf import measure_pdf
from bench.run.report import budgets, markdown, write_results
from bench.run.subjects import Subjects

__all__ = [
    "BENCH_ENV",
    "DEFAULT_DATABASE_URL",
    "Settings",
    "Subjects",
    "budgets",
    "client_for",
    "main",
    "markdown",
    "measure_actions",
    "measure_closing",
    "measure_http",
    "measure_pages",
    "measure_pdf",
    "measure_together",
    "parse_wrk",
    "percentile",
    "prepare_actions",
    "run",
    "scratch_session",
    "session_cookies",
    "summary_ms",
    "write_results",
    "wrk_script",
]
