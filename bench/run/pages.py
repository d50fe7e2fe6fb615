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
