"""The periodic jobs and how one run of a job is made (README, "Scheduled jobs").

Each job is a management command of the app it belongs to, called in the scheduler's process
(``manage.py run_scheduler``, :mod:`operations.scheduler`). A run first claims its period: it
inserts the :class:`~operations.models.JobRun` row for (job, start of the period), which a
unique constraint allows once. Two schedulers firing at the same minute (two hosts, or an old
one not yet stopped) compute the same period; the second insert finds the row and skips. The
row then records the outcome and the command's output for the admin.
"""

import datetime
import io
import logging
import os
import socket
from dataclasses import dataclass

from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from operations.models import JobOutcome, JobRun

logger = logging.getLogger(__name__)

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
#: How long the runs are kept for the admin.
KEEP_RUNS = 30 * DAY


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    #: When it fires: APScheduler's CronTrigger fields (in TIME_ZONE).
    cron: dict
    #: How long one period lasts: a run claims the period it fires in.
    period: datetime.timedelta
    #: The management command and its arguments.
    command: tuple[str, ...]


JOBS = (
    Job(
        "requeue_lost_emails",
        _("Ponowne kolejkowanie niewysłanych e-maili"),
        {"minute": "*/5"},
        5 * MINUTE,
        ("send_pending_notifications",),
    ),
    Job(
        "recover_stuck_tasks",
        _("Zadania pozostawione przez zatrzymany proces roboczy"),
        {"minute": "2-59/5"},
        5 * MINUTE,
        ("recover_stuck_tasks",),
    ),
    Job(
        "send_pending_webhooks",
        _("Ponowne kolejkowanie powiadomień webhook"),
        {"minute": "3-59/5"},
        5 * MINUTE,
        ("send_pending_webhooks",),
    ),
    Job(
        "rescan_waiting_files",
        _("Ponowne skanowanie plików czekających na skaner"),
        {"minute": "*/15"},
        15 * MINUTE,
        ("scan_pending_attachments",),
    ),
    Job(
        "remind_overdue_referrals",
        _("Przypomnienia o skierowaniach czekających ponad 14 dni"),
        {"hour": "7", "minute": "0"},
        DAY,
        ("remind_overdue_referrals",),
    ),
    Job(
        "notify_expiring_accreditations",
        _("Powiadomienia o wygasających akredytacjach"),
        {"hour": "7", "minute": "10"},
        DAY,
        ("notify_expiring_accreditations",),
    ),
    Job(
        "clear_sessions",
        _("Usuwanie wygasłych sesji"),
        {"hour": "3", "minute": "30"},
        DAY,
        ("clearsessions",),
    ),
    Job(
        "prune_task_results",
        _("Usuwanie zakończonych zadań starszych niż 30 dni"),
        {"hour": "3", "minute": "40"},
        DAY,
        ("prune_db_task_results", "--min-age-days", "30", "--queue-name", "*"),
    ),
    Job(
        "prune_idempotency_keys",
        _("Usuwanie starych kluczy Idempotency-Key"),
        {"hour": "3", "minute": "50"},
        DAY,
        ("prune_idempotency_keys",),
    ),
    Job(
        "archive_role_requests",
        _("Archiwizacja odrzuconych i wycofanych wniosków o rolę"),
        {"hour": "4", "minute": "0"},
        DAY,
        ("archive_role_requests",),
    ),
)
BY_NAME = {job.name: job for job in JOBS}


def period_start(job: Job, now: datetime.datetime) -> datetime.datetime:
    """The start of the period ``now`` falls in: periods are counted from midnight, local
    time, so a daily job's period is the day and a 5-minute job's the five minutes."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + job.period * ((local - midnight) // job.period)


def run(job: Job, now: datetime.datetime | None = None) -> JobRun | None:
    """Run ``job`` for the period of ``now`` unless it has run (or runs) for it already;
    return its row, or None when another scheduler has the period."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            job_run = JobRun.objects.create(
                job=job.name,
                period_start=period_start(job, now),
                started_at=timezone.now(),
                runner=f"{socket.gethostname()}:{os.getpid()}"[:128],
            )
    except IntegrityError:
        logger.info("Job %s: this period ran already", job.name)
        return None
    output = io.StringIO()
    try:
        call_command(*job.command, stdout=output, stderr=output)
    except Exception as error:
        logger.exception("Job %s failed", job.name)
        job_run.outcome = JobOutcome.FAILED
        job_run.message = f"{output.getvalue()}{type(error).__name__}: {error}"[-4000:]
    else:
        job_run.outcome = JobOutcome.SUCCEEDED
        job_run.message = output.getvalue()[-4000:]
        logger.info("Job %s: %s", job.name, job_run.message.strip())
    job_run.finished_at = timezone.now()
    job_run.save(update_fields=["outcome", "message", "finished_at"])
    JobRun.objects.filter(job=job.name, started_at__lt=now - KEEP_RUNS).delete()
    return job_run


def last_runs() -> list[dict]:
    """Each job with its last run and its last successful one (the admin's summary)."""
    runs = JobRun.objects.order_by("-started_at")
    return [
        {
            "job": job,
            "last": runs.filter(job=job.name).first(),
            "last_success": runs.filter(job=job.name, outcome=JobOutcome.SUCCEEDED).first(),
        }
        for job in JOBS
    ]
