"""The soak's statistics, gathered by every simulated person's browser, and its report."""

import datetime
import math
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: Counter = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    #: When each 5xx or unanswered request happened (time.monotonic()), for the fault windows.
    error_times: list[float] = field(default_factory=list)

    def record(self, kind: str, method: str, path: str, status: int, seconds: float):
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            self.by_kind[kind].append(seconds)
            if status >= 500 or status == 0:
                self.server_errors.append(f"{status} {method} {path}")
                self.error_times.append(time.monotonic())

    def outcome(self, name: str):
        with self.lock:
            self.outcomes[name] += 1

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


def report(stats: Stats, seconds: float, invariants: str, invariants_ok: bool, args) -> dict:
    total = stats.total or 1
    ms = [s * 1000 for s in stats.latencies] or [0.0]
    return {
        "finished": datetime.datetime.now().isoformat(timespec="seconds"),
        "settings": {
            "minutes": args.minutes,
            "max_requests": args.requests,
            "workers": args.workers,
            "users": args.users,
            "seed": args.seed,
        },
        "seconds": round(seconds, 1),
        "requests": stats.total,
        "requests_per_second": round(stats.total / max(seconds, 0.001), 1),
        "statuses": {
            str(code): {"count": n, "percent": round(100 * n / total, 2)}
            for code, n in sorted(stats.statuses.items())
        },
        "latency_ms": {
            "p50": round(percentile(ms, 50), 1),
            "p95": round(percentile(ms, 95), 1),
            "p99": round(percentile(ms, 99), 1),
            "max": round(max(ms), 1),
            "mean": round(statistics.fmean(ms), 1),
        },
        "latency_p95_ms_by_kind": {
            kind: round(percentile([s * 1000 for s in values], 95), 1)
            for kind, values in sorted(stats.by_kind.items())
        },
        "outcomes": dict(sorted(stats.outcomes.items())),
        "server_errors": stats.server_errors[:50],
        "invariants_ok": invariants_ok,
        "invariants": invariants,
    }


def print_report(result: dict, log):
    log("")
    log(
        f"Requests: {result['requests']} in {result['seconds']} s "
        f"({result['requests_per_second']}/s), {result['settings']['users']} people, "
        f"{result['settings']['workers']} gunicorn workers"
    )
    log(
        "By status: "
        + ", ".join(f"{c}: {v['count']} ({v['percent']}%)" for c, v in result["statuses"].items())
    )
    lat = result["latency_ms"]
    log(
        f"Latency: p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms, "
        f"max {lat['max']} ms"
    )
    log("Outcomes:")
    for name, count in result["outcomes"].items():
        log(f"  {count:6d}  {name}")
    if result["server_errors"]:
        log("Failed requests (5xx or no answer):")
        for line in result["server_errors"]:
            log(f"  {line}")
    log("check_invariants:")
    log("  " + result["invariants"].strip().replace("\n", "\n  "))
