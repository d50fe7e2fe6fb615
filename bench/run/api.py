"""The integration API (issue 16, item 8): the unit's referral list as the unit's own system
reads it, and the initial load (``zasilInicjalnie``) of 5,000 trainees in one request.

Both go through the whole API — token, rate limit, serializer, service, JSON — with Django's
test client in process, as the pages do (:mod:`~bench.run.pages`), inside a transaction that is
rolled back (:func:`~bench.run.closing.rolled_back`): the API client, its token, the scratch
unit of the load and its 5,000 trainees leave nothing behind, so repeated runs measure the same
database. The load's own COMMIT is therefore not in its time.

- The list: the busiest mazowieckie unit's referrals (the unit whose HTML list the pages
  measure), the first page of 100 as a client asks for it and the referrals waiting for its
  decision, taking turns; the queries against the count tests/api/test_unit_referrals.py pins.
- The load: a new unit of the scratch voivodeship with one accreditation of 5,000 places, its
  5,000 trainees in one ``POST /api/v1/unit/trainees/``, then the same request again (every row
  unchanged: what a system that resends its whole list costs).
"""

import datetime
import json
import time

from bench.run.closing import rolled_back
from bench.run.pages import Probe, measure_together

#: The budgets of issue 16, item 8 (at S=1).
API_LIST_P95_MS = 30.0
#: What tests/api/test_unit_referrals.py pins for any number of rows: the token, the client,
#: its last use, the rate limit's counter, the page.
API_LIST_MAX_QUERIES = 10
LOAD_ROWS = 5_000
LOAD_SECONDS = 5.0
#: The measurement is not what the rate limit is for.
UNLIMITED = "1000000/min"


def api_for(client, secret):
    """A test client that sends the client's bearer token, from the real token endpoint."""
    from django.test import Client

    answer = Client().post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": client.application.client_id,
            "client_secret": secret,
        },
    )
    if answer.status_code != 200:
        raise RuntimeError(f"token endpoint answered {answer.status_code}: {answer.content[:200]}")
    return Client(headers={"authorization": f"Bearer {answer.json()['access_token']}"})


def new_client(name: str, unit):
    from api import scopes
    from api.models import ApiClient
    from api.services import create_client

    client = ApiClient(name=name, unit=unit, scopes=list(scopes.UNIT_SCOPES))
    return client, create_client(client)


def measure_list(unit_id: int, iterations: int) -> list[dict]:
    from reference.models import TrainingUnit
    from referrals.models import Referral, ReferralStatus

    unit = TrainingUnit.objects.get(pk=unit_id)
    http = api_for(*new_client("Benchmark — system jednostki", unit))
    sent = Referral.objects.filter(unit=unit, sent_at__isnull=False).count()
    probes = [
        Probe(
            f"API: unit's referrals, first page ({min(sent, 100)} of {sent})",
            http,
            "/api/v1/referrals/",
        ),
        Probe(
            "API: unit's referrals waiting for its decision",
            http,
            f"/api/v1/referrals/?status={ReferralStatus.ISSUED}",
        ),
    ]
    return measure_together(probes, iterations)


def pesels(count: int) -> list[str]:
    """``count`` different valid PESELs of people born on 1 January 1990."""
    from stdnum.pl import pesel

    bodies = (f"900101{serial:04d}" for serial in range(count))
    return [body + pesel.calc_check_digit(body) for body in bodies]


def scratch_unit(rows: int):
    """A unit of the scratch voivodeship with one accreditation of ``rows`` places."""
    from bench.generate import SCRATCH_TERYT
    from bench.generate.helpers import nip_regon_source
    from reference.models import Accreditation, Field, TrainingUnit, Voivodeship

    taken = TrainingUnit.objects.values_list("nip", "regon")
    nip, regon = next(nip_regon_source({n for n, _ in taken}, {r for _, r in taken}))
    unit = TrainingUnit.objects.create(
        name="Benchmark — jednostka zasilenia inicjalnego",
        street="ul. Próbna 1",
        postal_code="00-001",
        city="Warszawa",
        voivodeship=Voivodeship.objects.get(teryt=SCRATCH_TERYT),
        nip=nip,
        regon=regon,
    )
    accreditation = Accreditation.objects.create(
        unit=unit,
        field=Field.objects.order_by("pk").first(),
        valid_from=datetime.date.today() - datetime.timedelta(days=365),
        places=rows,
    )
    return unit, accreditation


def measure_load(rows: int) -> dict:
    unit, accreditation = scratch_unit(rows)
    http = api_for(*new_client("Benchmark — zasilenie inicjalne", unit))
    body = json.dumps(
        {
            "trainees": [
                {"pesel": p, "field": accreditation.field.code, "start_date": "2025-10-01"}
                for p in pesels(rows)
            ]
        }
    )
    timings = {}
    for name, expected in (("first", "created"), ("again", "unchanged")):
        started = time.perf_counter()
        answer = http.post("/api/v1/unit/trainees/", body, content_type="application/json")
        timings[name] = round(time.perf_counter() - started, 3)
        if answer.status_code != 200 or answer.json()[expected] != rows:
            raise RuntimeError(f"the load answered {answer.status_code}: {answer.content[:300]}")
    return {
        "rows": rows,
        "bytes": len(body),
        "seconds": timings["first"],
        "again_seconds": timings["again"],
    }


def measure_api(unit_id: int, iterations: int, log=print, rows: int = LOAD_ROWS) -> dict:
    from django.test import override_settings

    with override_settings(API_RATE_LIMIT=UNLIMITED), rolled_back():
        pages = measure_list(unit_id, iterations)
        for row in pages:
            log(
                f"  {row['name']}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
                f"{row['queries']} queries"
            )
        load = measure_load(rows)
    log(
        f"  initial load of {load['rows']:,} rows: {load['seconds']} s "
        f"(the same again, unchanged: {load['again_seconds']} s)"
    )
    return {"pages": pages, "load": load}


def api_budgets(results: dict) -> list[dict]:
    """The list: p95 ≤ :data:`API_LIST_P95_MS` within the pinned queries; the load ≤
    :data:`LOAD_SECONDS`. Each is a value at most its limit."""
    api = results.get("api") or {}
    at_most = []
    for page in api.get("pages", []):
        at_most += [
            (f"{page['name']}: p95 ≤ {API_LIST_P95_MS:g} ms", page["p95_ms"], API_LIST_P95_MS),
            (f"{page['name']}: ≤ {API_LIST_MAX_QUERIES} queries", page["queries"],
             API_LIST_MAX_QUERIES),
        ]  # fmt: skip
    load = api.get("load", {})
    if "seconds" in load:
        at_most.append(
            (f"API initial load of {load['rows']:,} rows ≤ {LOAD_SECONDS:g} s", load["seconds"],
             LOAD_SECONDS)
        )  # fmt: skip
    return [
        {"budget": name, "value": value, "limit": limit, "ok": value <= limit}
        for name, value, limit in at_most
    ]


def api_lines(results: dict) -> list[str]:
    """The report's table of the API's figures."""
    api = results.get("api") or {}
    if not api:
        return []
    lines = [
        "",
        "| API (in process, as the unit's system) | p50 ms | p95 ms | queries |",
        "|---|---:|---:|---:|",
    ]
    for page in api.get("pages", []):
        lines.append(
            f"| {page['name']} | {page['p50_ms']} | {page['p95_ms']} | {page['queries']} "
            f"({page['statements']}) |"
        )
    load = api.get("load", {})
    if load:
        lines.append(
            f"| initial load, {load['rows']:,} rows ({load['bytes']:,} bytes): first / again "
            f"unchanged | {load['seconds'] * 1000:.0f} / {load['again_seconds'] * 1000:.0f} "
            "| | |"
        )
    return lines
