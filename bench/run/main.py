"""The run: the database and its data, then every part, each reporting its own failure."""

import datetime
import os
import platform
import sys

from bench.run.actions import measure_actions
from bench.run.api import api_budgets, measure_api
from bench.run.closing import measure_closing
from bench.run.common import BASE_DIR, BENCH_ENV, DEFAULT_DATABASE_URL, Settings
from bench.run.eks import eks_budgets, measure_eks
from bench.run.over_http import measure_http
from bench.run.pages import measure_pages
from bench.run.pdf import measure_pdf
from bench.run.report import budgets, write_results
from bench.run.subjects import Subjects


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
        results["api"] = (
            part(
                "api", lambda: measure_api(subjects.busiest_unit_id, settings.page_iterations, log)
            )
            or {}
        )
    results["eks"] = part("eks", lambda: measure_eks(settings.page_iterations, log)) or {}
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
    results["budgets"] = budgets(results) + eks_budgets(results) + api_budgets(results)
    results["finished"] = datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S")
    results["machine_after"] = machine()
    return results


def main(argv: list[str] | None = None) -> int:
    import argparse

    import bench.run

    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=bench.run.__doc__.split("\n")[0]
    )
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
