"""The benchmark harness at a tiny scale, so CI runs it: ``bench_data`` writes consistent data,
and every measurement of ``bench.run`` works on it (the figures themselves mean nothing here)."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bench import generate, run
from bench.run.common import HTTP_P99_MS, HTTP_RPS
from qualification.models import Application
from referrals.invariants import find_violations
from referrals.models import Referral, ReferralStatus
from registry.models import EKS, RegisterEntry
from smk.models import Event, NumberSequence
from smk.numbering import next_number

pytestmark = pytest.mark.django_db

SCALE = 0.002

WRK_OUTPUT = """\
Running 20s test @ http://127.0.0.1:8000/skierowania/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    95.21ms   20.02ms 301.00ms   80.00%
    Req/Sec   168.52     20.11   210.00     70.00%
  Latency Distribution
     50%   90.10ms
     75%  100.20ms
     90%  120.00ms
     99%    1.20s
  6700 requests in 20.01s, 150.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    334.83
Transfer/sec:      7.50MB
""".replace("1.20s", "1.20s ")  # wrk ends some lines with a space


def bench_data():
    out = io.StringIO()
    call_command("bench_data", scale=SCALE, stdout=out)
    return out.getvalue()


def test_bench_data_writes_referrals_in_every_status_that_pass_check_invariants():
    bench_data()

    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert Application.objects.count() >= generate.Plan(SCALE).applications * 0.9
    assert Event.objects.count() >= Referral.objects.count() * 4
    assert EKS.objects.count() == Referral.objects.filter(status=ReferralStatus.STARTED).count()
    assert RegisterEntry.objects.exists()
    assert find_violations() == {}


def test_bench_data_runs_once_and_later_numbering_continues_after_it():
    bench_data()
    referrals = Referral.objects.count()

    assert "already exists" in bench_data()
    assert Referral.objects.count() == referrals
    assert generate.scale_of_existing_data() == SCALE
    # The number sequences were advanced past every generated number.
    for prefix in NumberSequence.objects.filter(prefix__startswith="SK/").values_list(
        "prefix", flat=True
    )[:5]:
        with transaction.atomic():
            assert not Referral.objects.filter(number=next_number(prefix)).exists()


def test_bench_data_refuses_a_database_holding_other_data(monkeypatch):
    monkeypatch.setattr(generate, "database_has_other_data", lambda: True)
    with pytest.raises(Exception, match="not benchmark data"):
        bench_data()


def test_the_measurements_run_on_bench_data_and_report_budgets(tmp_path):
    bench_data()
    subjects = run.Subjects()

    measured = run.measure_pages(subjects, iterations=1, log=lambda message: None, warmup=1)
    closing = run.measure_closing((60,), log=lambda message: None)
    pdf = run.measure_pdf(subjects, iterations=1)

    names = [page["name"] for page in measured["pages"]]
    assert any(name.startswith("list: newest session") for name in names)
    assert "referral form" in names and "register list" in names
    assert all(page["queries"] > 0 and page["p50_ms"] > 0 for page in measured["pages"])
    assert measured["admin"] and all(row["speedup"] > 0 for row in measured["admin"])
    # Every page row carries its ratio to its raw-SQL floor, the list's also to the admin's.
    assert all(page["floor_ratio_p50"] > 0 for page in measured["pages"])
    assert sum("admin_ratio_p50" in page for page in measured["pages"]) == len(measured["admin"])
    assert closing[0]["referrals"] > 0 and closing[0]["peak_memory_mb"] > 0
    assert pdf["p50_ms"] > 0
    assert find_violations() == {}

    results = {
        "started": "2026-01-02T03:04:05",
        "quick": True,
        "scale": SCALE,
        "machine": "test",
        "counts": {},
        **measured,
        "closing": closing,
        "pdf": pdf,
        "http": {
            **run.parse_wrk(WRK_OUTPUT),
            "workers": 5,
            "connections": 32,
            "seconds": 20,
            "at_low_concurrency": {**run.parse_wrk(WRK_OUTPUT), "connections": 8},
        },
        "errors": {},
    }
    results["budgets"] = run.budgets(results)
    path = run.write_results(results, tmp_path)

    assert path.name == "2026-01-02-quick.md"
    assert json.loads((tmp_path / "2026-01-02-quick.json").read_text())["scale"] == SCALE
    report = path.read_text()
    assert "ours/admin p50" in report and "ours/floor p50" in report and "| budget |" in report
    assert {row["budget"] for row in results["budgets"]} >= {
        "referral PDF ≤ 300 ms",
        f"list over HTTP ≥ {HTTP_RPS:g} requests/s",
        f"list over HTTP p99 ≤ {HTTP_P99_MS:g} ms at 8 connections",
    }
    assert "The same at 8 connections" in report


def test_wrk_output_is_read_into_requests_per_second_and_percentiles():
    result = run.parse_wrk(WRK_OUTPUT)

    assert result["requests_per_second"] == 334.83
    assert result["requests"] == 6700
    assert (result["p50_ms"], result["p99_ms"]) == (90.1, 1200.0)
    assert result["non_2xx"] == 3


def test_the_wrk_script_sends_each_session_cookie_in_turn():
    script = run.wrk_script(["sessionid=a", "sessionid=b"])

    assert '"sessionid=a", "sessionid=b"' in script
    assert "(counter % #cookies) + 1" in script


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_actions_on_one_hot_unit_and_on_many_units_all_succeed():
    bench_data()

    hot = run.measure_actions(threads=4, per_thread=2, hot=True)
    many = run.measure_actions(threads=4, per_thread=2, hot=False)

    for result in (hot, many):
        assert result["error_count"] == 0, result["errors"]
        assert result["actions"] == 4 * 2 * 3
        assert set(result["latency"]) == {"assign", "send", "accept"}
    assert connection.vendor == "postgresql"
    assert find_violations() == {}
