"""Tasks left "RUNNING" by a worker that died (``kill -9``, an out-of-memory kill, a host
lost): after ``TASK_RUN_TIMEOUT_SECONDS`` the row is given back to the queue, or, once it has
been started ``TASK_MAX_RUNS`` times, marked failed (``manage.py recover_stuck_tasks``, every
few minutes from the scheduler, :mod:`operations.jobs`).

A worker claims a task and runs it outside any transaction, so nothing tells a dead worker
from a slow one but the time: the timeout is far above what a task takes (an SMTP exchange
times out after ``EMAIL_TIMEOUT``, a webhook after a few seconds). Both tasks are idempotent
(they lock their row and skip what is no longer pending), so a slow task that is retried all
the same sends nothing twice.

An e-mail whose task is marked failed is not dropped: the task is queued anew while its outbox
row has attempts left (a lost run counts as an attempt), so it still goes out once; when none
are left the row is given up as any failing e-mail is.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from smk.models import Notification, NotificationStatus
from smk.notifications import enqueue_sending
from smk.tasks import MAX_ATTEMPTS, send_notification

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """What a task left running by a dead worker failed with (the task admin shows it)."""


def recover_stuck_tasks(now: datetime.datetime | None = None) -> dict[str, int]:
    """Retry or fail every task running for longer than the timeout; return the counts."""
    started_before = (now or timezone.now()) - datetime.timedelta(
        seconds=settings.TASK_RUN_TIMEOUT_SECONDS
    )
    ids = list(
        DBTaskResult.objects.running()
        .filter(started_at__lt=started_before)
        .order_by("started_at")
        .values_list("pk", flat=True)
    )
    result = {"retried": 0, "failed": 0}
    for pk in ids:
        outcome = _recover(pk, started_before)
        if outcome:
            result[outcome] += 1
    return result


@transaction.atomic(durable=True)
def _recover(pk, started_before) -> str | None:
    row = (
        DBTaskResult.objects.select_for_update(skip_locked=True)
        .filter(pk=pk, status=TaskResultStatus.RUNNING, started_at__lt=started_before)
        .first()
    )
    if row is None:  # finished meanwhile, or another scheduler has it
        return None
    runs = len(row.worker_ids)
    if runs < settings.TASK_MAX_RUNS:
        row.status = TaskResultStatus.READY
        row.started_at = None
        row.save(update_fields=["status", "started_at"])
        logger.warning(
            "Task %s (%s) left running since %s: retried", pk, row.task_path, started_before
        )
        return "retried"
    row.set_failed(WorkerLost(f"worker lost {runs} time(s); last started {row.started_at}"))
    logger.error("Task %s (%s) lost its worker %s time(s): failed", pk, row.task_path, runs)
    if row.task_path == send_notification.module_path:
        _requeue_email(row.args_kwargs["args"][0])
    return "failed"


def _requeue_email(notification_id: int) -> None:
    notification = (
        Notification.objects.select_for_update()
        .filter(pk=notification_id, status=NotificationStatus.PENDING)
        .first()
    )
    if notification is None:
        return
    notification.attempts += 1
    notification.last_error = "WorkerLost: the worker sending it died"
    if notification.attempts >= MAX_ATTEMPTS:
        notification.status = NotificationStatus.FAILED
        logger.error("Notification %s given up: its worker died", notification_id)
    notification.save(update_fields=["status", "attempts", "last_error"])
    if notification.status == NotificationStatus.PENDING:
        # After the commit, as queue_email does; a lost enqueue is the sweep's again.
        transaction.on_commit(partial(enqueue_sending, [notification_id]), robust=True)
