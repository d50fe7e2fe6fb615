"""``make soak``'s fault schedule and the check that nothing was lost.

While the simulated people work, at fixed shares of the run: the task worker is killed
(SIGKILL, mid-task as a crash would) and started again, gunicorn is killed with its workers and
started again, Redis is restarted (its counters are lost; the app serves meanwhile), and the
SMTP sink is paused for 20 seconds (the e-mails of that time fail and are retried). Each fault
has a window, from its start until the service answers again plus a few seconds; a 5xx or an
unanswered request is allowed only inside a window.

Afterwards the outbox drains (``send_pending_notifications``, as the scheduler runs it) and every
e-mail the database marks sent since the run began must have reached the sink exactly once.
"""

import datetime
import threading
import time
from collections import Counter

from soak.stack import Stack, database_params

#: Seconds after a restarted service answers during which failures still count as the fault's.
GRACE_SECONDS = 3
SINK_PAUSE_SECONDS = 20
DRAIN_SECONDS = 240


def _restart(stack: Stack, name: str, *, crash: bool, down_for: float):
    service = stack.services[name]
    service.kill() if crash else service.stop()
    time.sleep(down_for)
    service.start()


def _pause_sink(stack: Stack):
    stack.sink.pause()
    time.sleep(SINK_PAUSE_SECONDS)
    stack.sink.resume()


#: (share of the run, what happens, how).
PLAN = [
    (
        0.2,
        "worker killed (SIGKILL) and started again",
        lambda s: _restart(s, "worker", crash=True, down_for=3),
    ),
    (
        0.35,
        "gunicorn killed (SIGKILL) and started again",
        lambda s: _restart(s, "web", crash=True, down_for=1),
    ),
    (0.5, "Redis restarted", lambda s: _restart(s, "redis", crash=False, down_for=3)),
    (0.65, f"SMTP sink paused for {SINK_PAUSE_SECONDS} s", _pause_sink),
]


class FaultSchedule(threading.Thread):
    def __init__(self, stack: Stack, seconds: float, log):
        super().__init__(daemon=True)
        self.stack, self.seconds, self.log = stack, seconds, log
        self.windows: list[tuple[str, float, float]] = []
        self._stopping = threading.Event()
        self._began = time.monotonic()

    def run(self):
        self._began = time.monotonic()
        for share, name, action in PLAN:
            if self._stopping.wait(max(0.0, self._began + share * self.seconds - time.monotonic())):
                return
            start = time.monotonic()
            self.log(f"  fault at {start - self._began:.0f} s: {name}")
            action(self.stack)
            self.windows.append((name, start, time.monotonic() + GRACE_SECONDS))

    def finish(self):
        self._stopping.set()
        self.join()

    def outside_windows(self, stats) -> list[float]:
        return [
            moment
            for moment in stats.error_times
            if not any(start <= moment <= end for _name, start, end in self.windows)
        ]

    def windows_report(self, stats) -> list[dict]:
        return [
            {
                "fault": name,
                "at_second": round(start - self._began, 1),
                "window_seconds": round(end - start, 1),
                "failed_requests": sum(start <= t <= end for t in stats.error_times),
            }
            for name, start, end in self.windows
        ]


def _outbox(database_url: str, since: datetime.datetime):
    import psycopg

    params = database_params(database_url)
    with psycopg.connect(dbname=params.pop("name"), **params) as conn:
        pending = conn.execute(
            "SELECT count(*) FROM smk_notification WHERE status = 'oczekuje' AND created_at >= %s",
            [since],
        ).fetchone()[0]
        failed = conn.execute(
            "SELECT count(*) FROM smk_notification WHERE status = 'blad' AND created_at >= %s",
            [since],
        ).fetchone()[0]
        sent = conn.execute(
            "SELECT recipient, subject FROM smk_notification"
            " WHERE status = 'wyslano' AND sent_at >= %s",
            [since],
        ).fetchall()
    return pending, failed, Counter(sent)


def check_deliveries(
    stack: Stack, database_url: str, since: datetime.datetime, log, drain_seconds=DRAIN_SECONDS
) -> dict:
    """Drain the outbox of the e-mails written since the run began, stop the worker, then
    compare what the database marks sent with what the sink received."""
    log("draining the e-mail outbox …")
    deadline = time.monotonic() + drain_seconds
    while True:
        stack.manage("send_pending_notifications", "--older-than", "0")
        pending, _failed, _sent = _outbox(database_url, since)
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(5)
    # Nothing is sent while the two sides are read (older e-mails of a reused database may
    # still be going out).
    stack.services["worker"].stop()
    pending, failed, sent = _outbox(database_url, since)
    received = Counter(
        (str(message["To"]), str(message["Subject"])) for message in stack.sink.messages()
    )
    lost = sent - received
    extra = received - sent
    duplicated = Counter({key: n for key, n in extra.items() if key in sent})
    unexpected = extra - duplicated
    return {
        "sent": sum(sent.values()),
        "received": sum(received.values()),
        "pending_left": pending,
        "failed": failed,
        "lost": sum(lost.values()),
        "duplicated": sum(duplicated.values()),
        "unexpected": sum(unexpected.values()),
        "examples": [f"lost: {k}" for k in list(lost)[:5]]
        + [f"twice: {k}" for k in list(duplicated)[:5]]
        + [f"unexpected: {k}" for k in list(unexpected)[:5]],
    }
