"""The scheduler process: APScheduler fires each job of :data:`operations.jobs.JOBS` by its
cron fields in ``TIME_ZONE``; :func:`operations.jobs.run` makes each period run once."""

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import close_old_connections

from operations import jobs


def _run(job: jobs.Job) -> None:
    # A long-lived process: drop a connection the database (or PgBouncer) has closed.
    close_old_connections()
    try:
        jobs.run(job)
    finally:
        close_old_connections()


def build(selected=jobs.JOBS) -> BlockingScheduler:
    """A scheduler with the ``selected`` jobs; ``start()`` blocks until it is shut down."""
    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
    for job in selected:
        scheduler.add_job(
            _run,
            CronTrigger(timezone=settings.TIME_ZONE, **job.cron),
            args=[job],
            id=job.name,
            name=str(job.label),
            # A run missed while the process was down or busy happens once, when it can; the
            # period's JobRun row keeps it from running twice.
            coalesce=True,
            misfire_grace_time=int(job.period.total_seconds()),
            max_instances=1,
        )
    return scheduler
