"""The scheduler: each job once per period however many schedulers fire it, its outcome and
output kept for the admin, every job on a schedule APScheduler accepts."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from operations import jobs, scheduler
from operations.models import JobOutcome, JobRun
from smk.models import Notification, NotificationStatus

pytestmark = pytest.mark.django_db

REQUEUE = jobs.BY_NAME["requeue_lost_emails"]


def lost_email():
    """An outbox e-mail whose send task was lost ten minutes ago."""
    notification = Notification.objects.create(recipient="uw@example.pl", subject="S", body="B")
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    return notification


def test_a_lost_email_is_sent_once_though_two_schedulers_fire_in_one_period():
    notification = lost_email()
    now = timezone.now()
    first = jobs.run(REQUEUE, now)
    second = jobs.run(REQUEUE, now + datetime.timedelta(seconds=1))
    assert first.outcome == JobOutcome.SUCCEEDED and "Enqueued 1" in first.message
    assert second is None
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_the_next_period_runs_again():
    now = timezone.now()
    assert jobs.run(REQUEUE, now) is not None
    assert jobs.run(REQUEUE, now + REQUEUE.period) is not None
    assert JobRun.objects.filter(job=REQUEUE.name).count() == 2


def test_a_daily_jobs_period_is_the_local_day():
    job = jobs.BY_NAME["remind_overdue_referrals"]
    evening = timezone.make_aware(datetime.datetime(2026, 12, 3, 23, 30))
    assert jobs.period_start(job, evening) == timezone.make_aware(datetime.datetime(2026, 12, 3))
    five = timezone.make_aware(datetime.datetime(2026, 12, 3, 13, 37, 12))
    assert jobs.period_start(REQUEUE, five) == timezone.make_aware(
        datetime.datetime(2026, 12, 3, 13, 35)
    )


def test_a_failing_job_is_recorded_with_its_error():
    broken = jobs.Job("broken", "x", {"minute": "*"}, jobs.MINUTE, ("no_such_command",))
    job_run = jobs.run(broken)
    assert job_run.outcome == JobOutcome.FAILED
    assert "Unknown command" in job_run.message
    assert job_run.finished_at is not None


def test_every_job_has_a_schedule_and_a_command_that_exist():
    from django.core.management import get_commands

    built = scheduler.build()
    assert {job.id for job in built.get_jobs()} == set(jobs.BY_NAME)
    assert all(job.command[0] in get_commands() for job in jobs.JOBS)


def test_run_now_from_the_command_line_reports_the_output(capsys):
    call_command("run_scheduler", "--run-now", "remind_overdue_referrals")
    assert "Decision reminders sent: 0." in capsys.readouterr().out
    call_command("run_scheduler", "--run-now", "remind_overdue_referrals")
    assert "ran already" in capsys.readouterr().out


def test_the_admin_shows_each_jobs_last_run_and_outcome(mfa_admin_client):
    jobs.run(REQUEUE)
    response = mfa_admin_client.get(reverse("admin:operations_jobrun_changelist"))
    page = response.content.decode()
    assert response.status_code == 200
    assert str(REQUEUE.label) in page and "Enqueued 0 pending notification(s)." in page
    assert "zakończone" in page
    assert "jeszcze nie uruchomione" in page  # the jobs that have not run yet


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_moment_run_the_job_once():
    lost_email()
    now = timezone.now()
    results, barrier = [], threading.Barrier(2)

    def fire():
        barrier.wait()
        try:
            results.append(jobs.run(REQUEUE, now))
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(result is None for result in results) == [False, True]
    assert JobRun.objects.filter(job=REQUEUE.name).count() == 1
    assert len(mail.outbox) == 1
