"""The EKS's scenario of ``make bench`` at a tiny scale (the figures mean nothing here): it
makes its card once, measures every page, and each page stays within its pinned queries."""

import pytest

from bench.run.eks import EKS_MAX_QUERIES, eks_budgets, measure_eks
from tests.test_bench_smoke import bench_data

pytestmark = pytest.mark.django_db


def test_the_eks_pages_are_measured_within_their_queries(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    bench_data()
    measured = measure_eks(iterations=2, log=lambda *_: None)
    names = [page["name"] for page in measured["pages"]]
    assert names == [
        "EKS card (office)",
        "EKS card (unit)",
        "EKS card (kierownik)",
        "EKS card (diagnostician)",
        "EKS history",
        "EKS list (office, every status)",
        "EKS queue (kierownik)",
    ]
    assert measured["entries"] == 7 and measured["pdf"]["p50_ms"] > 0
    query_budgets = [row for row in eks_budgets({"eks": measured}) if "queries" in row["budget"]]
    assert len(query_budgets) == len(names)
    assert all(row["ok"] for row in query_budgets), query_budgets
    assert max(row["limit"] for row in query_budgets) == EKS_MAX_QUERIES["card"]
    # A second run finds the card it made and measures the same pages.
    again = measure_eks(iterations=1, log=lambda *_: None)
    assert again["card"] == measured["card"] and again["entries"] == 7
