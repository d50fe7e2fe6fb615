"""Prometheus metrics at ``/metrics`` (README, "Metrics"), by ``prometheus_client``.

Per request (:class:`MetricsMiddleware`): the latency by view, method and status, and the time
and number of the database queries it ran (Django's ``connection.execute_wrapper``). The view
is the URL pattern's name, never the path, so the number of series stays bounded.

Read from the database at each scrape (:class:`QueueCollector`): the task queue's depth (due
tasks waiting), running tasks, the age of the oldest due task, e-mails given up and waiting,
uploads waiting for the malware scanner, and each scheduled job's last success.

Under gunicorn each worker process counts its own requests: with ``PROMETHEUS_MULTIPROC_DIR``
set (the compose file does) the values go to files there and a scrape adds up every process's
(``prometheus_client.multiprocess``; ``gunicorn.conf.py`` clears the folder at start and tells
the library when a worker exits).

Only the addresses in ``METRICS_ALLOWED_IPS`` (addresses or networks) get the page; anyone
else gets a 404, as if it did not exist. The address is the connection's (``REMOTE_ADDR``),
never a header a client can write.
"""

import ipaddress
import os
import time

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from accounts.models import AttachmentState, RoleRequestAttachment
from operations import queue
from operations.models import JobOutcome, JobRun
from smk.models import Notification, NotificationStatus

REQUEST_SECONDS = Histogram(
    "smk_http_request_duration_seconds",
    "Time to answer a request, by view, method and status.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DB_SECONDS = Histogram(
    "smk_http_request_db_seconds",
    "Time a request spent in database queries, by view.",
    ["view"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
DB_QUERIES = Counter("smk_db_queries", "Database queries run by requests, by view.", ["view"])


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"  # a 404 for an unknown path, a redirect made before routing
    return match.view_name or match._func_path


class _QueryTimer:
    """``connection.execute_wrapper``: adds up the time of each query run through it."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class MetricsMiddleware:
    """Near the top of ``MIDDLEWARE``, so the time includes the other middleware's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _QueryTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        view = view_name(request)
        REQUEST_SECONDS.labels(view, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        DB_SECONDS.labels(view).observe(timer.seconds)
        if timer.count:
            DB_QUERIES.labels(view).inc(timer.count)
        return response


class QueueCollector:
    """The figures read from the database at each scrape (five small queries)."""

    def collect(self):
        now = timezone.now()
        tasks = queue.figures(now)
        depth = GaugeMetricFamily(
            "smk_task_queue_depth", "Tasks waiting in the queue, by state.", labels=["state"]
        )
        depth.add_metric(["due"], tasks["due"])
        depth.add_metric(["deferred"], tasks["ready"] - tasks["due"])
        depth.add_metric(["running"], tasks["running"])
        yield depth
        oldest = tasks["oldest_due"]
        yield GaugeMetricFamily(
            "smk_task_queue_oldest_age_seconds",
            "How long the oldest due task has waited for a worker (0 when none waits).",
            value=max((now - oldest).total_seconds(), 0) if oldest else 0,
        )
        emails = Notification.objects.aggregate(
            failed=Count("pk", filter=Q(status=NotificationStatus.FAILED)),
            pending=Count("pk", filter=Q(status=NotificationStatus.PENDING)),
        )
        yield GaugeMetricFamily(
            "smk_emails_failed",
            "E-mails given up (status „nie udało się wysłać”).",
            value=emails["failed"],
        )
        yield GaugeMetricFamily(
            "smk_emails_pending",
            "E-mails in the outbox waiting to be sent.",
            value=emails["pending"],
        )
        yield GaugeMetricFamily(
            "smk_uploads_waiting_for_scan",
            "Uploaded files waiting for the malware scanner to be reachable.",
            value=RoleRequestAttachment.objects.filter(state=AttachmentState.PENDING_SCAN).count(),
        )
        last_success = GaugeMetricFamily(
            "smk_scheduled_job_last_success_timestamp_seconds",
            "When each scheduled job last finished successfully (Unix time).",
            labels=["job"],
        )
        rows = (
            JobRun.objects.filter(outcome=JobOutcome.SUCCEEDED)
            .values("job")
            .annotate(last=Max("finished_at"))
            .order_by("job")
        )
        for row in rows:
            last_success.add_metric([row["job"]], row["last"].timestamp())
        yield last_success


def allowed(address: str) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics(request):
    if not allowed(request.META.get("REMOTE_ADDR", "")):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        body = generate_latest(processes)
    else:
        body = generate_latest(REGISTRY)
    database = CollectorRegistry()
    database.register(QueueCollector())
    return HttpResponse(body + generate_latest(database), content_type=CONTENT_TYPE_LATEST)
