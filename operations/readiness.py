"""``/readyz``: may this process take requests? (README, "Health and readiness").

``/healthz`` says the process is alive and reaches the database; ``/readyz`` checks what a
request needs besides: the database, the shared cache (a write and a read back), every
migration applied (a new release's web server answers 503 until ``migrate`` has run), and the
task queue not stuck (no due task has waited longer than ``READINESS_QUEUE_STUCK_SECONDS``:
then no worker is taking tasks, and e-mails are not going out). It answers 200 with each
check's result, or 503 naming the failed ones; never an error's text.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.tasks import task_backends
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.backend import DatabaseBackend

from operations import queue as task_queue

logger = logging.getLogger(__name__)

#: Set once every migration was found applied: a process never goes back from there.
_migrated = False


def database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def cache() -> bool:
    key, value = f"readyz:{uuid.uuid4().hex}", uuid.uuid4().hex
    shared = caches["default"]
    shared.set(key, value, 30)
    try:
        return shared.get(key) == value
    finally:
        shared.delete(key)


def migrations() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def queue() -> bool:
    """No due task has waited longer than the limit. Only the database queue can be read."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return True
    now = timezone.now()
    oldest = task_queue.figures(now)["oldest_due"]
    return (
        oldest is None or (now - oldest).total_seconds() <= settings.READINESS_QUEUE_STUCK_SECONDS
    )


CHECKS = {"database": database, "cache": cache, "migrations": migrations, "queue": queue}


@never_cache
@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "fail"
        except Exception:
            logger.exception("Readiness check %s failed", name)
            results[name] = "fail"
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "fail", "checks": results}, status=200 if ready else 503
    )
