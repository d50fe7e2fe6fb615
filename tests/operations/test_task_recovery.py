"""A task left "RUNNING" by a worker that died (kill -9) is given back to the queue after the
timeout, and after TASK_MAX_RUNS starts marked failed, its e-mail queued anew."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from smk.models import Notification, NotificationStatus
from smk.task_recovery import recover_stuck_tasks
from smk.tasks import MAX_ATTEMPTS, send_notification

pytestmark = pytest.mark.django_db


def left_running(notification, *, minutes_ago, runs):
    """The row a worker leaves when it is killed while sending ``notification``."""
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        task_path=send_notification.module_path,
        args_kwargs={"args": [notification.pk], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=[f"worker-{n}" for n in range(runs)],
    )


@pytest.fixture
def notification():
    return Notification.objects.create(recipient="uw@example.pl", subject="S", body="B")


def test_a_task_of_a_dead_worker_is_given_back_to_the_queue(notification, settings):
    settings.TASK_RUN_TIMEOUT_SECONDS = 15 * 60
    row = left_running(notification, minutes_ago=20, runs=1)
    assert recover_stuck_tasks() == {"retried": 1, "failed": 0}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and row.started_at is None
    assert recover_stuck_tasks() == {"retried": 0, "failed": 0}


def test_a_task_still_within_the_timeout_is_left_running(notification, settings):
    settings.TASK_RUN_TIMEOUT_SECONDS = 15 * 60
    row = left_running(notification, minutes_ago=5, runs=1)
    assert recover_stuck_tasks() == {"retried": 0, "failed": 0}
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_after_the_last_run_the_task_fails_and_its_email_is_queued_anew(
    notification, settings, django_capture_on_commit_callbacks
):
    settings.TASK_MAX_RUNS = 3
    row = left_running(notification, minutes_ago=60, runs=3)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recover_stuck_tasks")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "smk.task_recovery.WorkerLost"
    # The e-mail was queued again (the immediate backend of the tests sends it at once).
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2  # the lost run counts as one
    assert len(mail.outbox) == 1


def test_an_email_whose_worker_died_too_often_is_given_up(notification, settings):
    settings.TASK_MAX_RUNS = 1
    Notification.objects.filter(pk=notification.pk).update(attempts=MAX_ATTEMPTS - 1)
    left_running(notification, minutes_ago=60, runs=1)
    assert recover_stuck_tasks() == {"retried": 0, "failed": 1}
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "WorkerLost" in notification.last_error
    assert mail.outbox == []
