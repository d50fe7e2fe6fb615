"""Pages in process: Django's test client, the pages compared with each other taking turns,
queries counted on one more request."""

import re
import time
from dataclasses import dataclass

from bench.run.common import summary_ms
from bench.run.subjects import Subjects


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
    """One thing to time: a page (who opens it and its URL) or a raw-SQL floor."""

    name: str
    client: object = None
    url: str = ""
    floor: object = None

    def get(self):
        if self.floor is not None:
            return self.floor.fetch()
        return self.client.get(self.url)


def measure_together(probes: list[Probe], iterations: int, warmup: int = 3) -> list[dict]:
    """Time ``iterations`` of each probe (only the request, or only the query), taking turns,
    so that what is compared sees the same machine; then count the pages' queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for probe in probes:
        for _ in range(warmup):
            response = probe.get()
        if probe.floor is None and response.status_code != 200:
            raise RuntimeError(f"GET {probe.url} answered {response.status_code}")
    times = {id(probe): [] for probe in probes}
    for _ in range(iterations):
        for probe in probes:
            started = time.perf_counter()
            probe.get()
            times[id(probe)].append(time.perf_counter() - started)
    results = []
    for probe in probes:
        with CaptureQueriesContext(connection) as captured:
            response = probe.get()
        statements = [q["sql"] for q in captured.captured_queries]
        results.append(
            {
                "name": probe.name,
                "url": probe.url,
                **summary_ms(times[id(probe)]),
                "queries": sum(1 for sql in statements if not TRANSACTION_CONTROL.match(sql)),
                "statements": len(statements),
                "bytes": len(response.content) if probe.floor is None else None,
            }
        )
    return results


def ratio(ours: dict, theirs: dict, key: str) -> float:
    return round(ours[key] / theirs[key], 2)


def measure_pages(subjects: Subjects, iterations: int, log=print, warmup: int = 3) -> dict:
    """Every page, taking turns with its raw-SQL floor and, for the referral list, the admin
    changelist of the same rows. Each page's row carries its ratios: ours/admin and
    ours/floor at p50 and p95 (the admin's own figures are in ``admin``)."""
    clients = {}

    def client(user):
        if user.pk not in clients:
            clients[user.pk] = client_for(user)
        return clients[user.pk]

    pages, admin = [], []
    for page in subjects.pages():
        probes = [Probe(page["name"], client(page["user"]), page["url"])]
        if page.get("admin_url"):
            probes.append(
                Probe(page["name"] + " (admin)", client(subjects.admin), page["admin_url"])
            )
        probes.append(Probe(page["name"] + " (floor)", floor=page["floor"]))
        ours, *theirs, floor = measure_together(probes, iterations, warmup)
        row = ours | {
            "list": page.get("list", False),
            "floor_p50_ms": floor["p50_ms"],
            "floor_p95_ms": floor["p95_ms"],
            "floor_ratio_p50": ratio(ours, floor, "p50_ms"),
            "floor_ratio_p95": ratio(ours, floor, "p95_ms"),
        }
        log(
            f"  {row['name']}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
            f"{row['queries']} queries; {row['floor_ratio_p50']}× the floor ({floor['p50_ms']} ms)"
        )
        if theirs:
            them = theirs[0]
            row |= {
                "admin_ratio_p50": ratio(ours, them, "p50_ms"),
                "admin_ratio_p95": ratio(ours, them, "p95_ms"),
            }
            admin.append(
                them
                | {
                    "name": row["name"],
                    "speedup": round(them["p50_ms"] / ours["p50_ms"], 2),
                    "speedup_p95": round(them["p95_ms"] / ours["p95_ms"], 2),
                }
            )
            log(
                f"    admin: p50 {them['p50_ms']} ms, p95 {them['p95_ms']} ms, "
                f"{them['queries']} queries (ours/admin {row['admin_ratio_p50']} at p50, "
                f"{row['admin_ratio_p95']} at p95)"
            )
        pages.append(row)
    return {"pages": pages, "admin": admin}
