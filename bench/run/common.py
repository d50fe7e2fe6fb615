"""What every measurement shares: the production-like environment, the budgets of issue 7,
how long each part runs, and the statistics of a set of timings."""

import math
import statistics
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
RESULTS_DIR = Path(__file__).resolve().parents[1] / "results"
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
#: The list over HTTP, built on every request (README, "Performance": what the offices need).
HTTP_RPS = 150.0
HTTP_P99_MS = 150.0
#: wrk's connections for the throughput, and for the latency (a busy moment of all offices).
HTTP_CONNECTIONS = 32
HTTP_LATENCY_CONNECTIONS = 8


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
        # 100 turns of each page: the p95 of the ratios is the 95th of 100, not of 40.
        return cls(100, 20, 8, (1_000, 5_000, 10_000, 20_000), 10, 20)


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
