"""The benchmark's API part (issue 16, item 8) at a tiny scale: the unit's referral list over
the API and an initial load run on bench data, report their budgets, and leave nothing behind."""

import pytest

from api.models import ApiClient
from bench import run
from bench.run.api import API_LIST_P95_MS, LOAD_SECONDS, api_budgets, measure_api
from reference.models import TrainingUnit
from tests.test_bench_smoke import SCALE, bench_data
from training.models import Trainee

pytestmark = pytest.mark.django_db


def test_the_api_list_and_initial_load_are_measured_against_their_budgets(tmp_path):
    bench_data()
    subjects = run.Subjects()
    units = TrainingUnit.objects.count()

    measured = measure_api(subjects.busiest_unit_id, iterations=2, log=lambda m: None, rows=300)

    assert [p["name"].split(",")[0] for p in measured["pages"]] == [
        "API: unit's referrals",
        "API: unit's referrals waiting for its decision",
    ]
    assert all(0 < p["queries"] <= 10 for p in measured["pages"])
    assert measured["load"]["rows"] == 300 and measured["load"]["seconds"] > 0
    # Rolled back: no client, no scratch unit, no trainees stay in the bench data.
    assert not ApiClient.objects.exists() and not Trainee.objects.exists()
    assert TrainingUnit.objects.count() == units

    results = {"started": "2026-01-02T03:04:05", "quick": True, "scale": SCALE,
               "machine": "test", "counts": {}, "api": measured, "errors": {}}  # fmt: skip
    results["budgets"] = api_budgets(results)
    report = run.write_results(results, tmp_path).read_text()
    assert {row["budget"] for row in results["budgets"]} >= {
        f"API initial load of 300 rows ≤ {LOAD_SECONDS:g} s",
        f"{measured['pages'][0]['name']}: p95 ≤ {API_LIST_P95_MS:g} ms",
    }
    assert "| API (in process, as the unit's system) |" in report
    assert "initial load, 300 rows" in report
