"""The whole story of a worker killed with SIGKILL while it sends an e-mail: its task row stays
"RUNNING", the recovery gives it back to the queue after the timeout, and the next worker
sends the e-mail — once."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from smk.models import Notification, NotificationStatus
from smk.task_recovery import recover_stuck_tasks
from smk.tasks import send_notification
from tests.accounts.test_login_rate_limits import _test_database_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def start_worker(log, **email):
    """``manage.py db_worker`` as the compose service runs it, on the test database."""
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "smk.settings",
        "SECRET_KEY": "dead-worker-test-" + "x" * 40,
        "DATABASE_URL": _test_database_url(),
        "LOG_LEVEL": "WARNING",
        **email,
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, what, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_a_killed_workers_email_is_sent_once_after_the_recovery(tmp_path):
    notification = Notification.objects.create(
        recipient="uw@example.pl", subject="Skierowanie", body="Treść"
    )
    row = DBTaskResult.objects.create(
        task_path=send_notification.module_path,
        args_kwargs={"args": [notification.pk], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    log = (tmp_path / "worker.log").open("w")
    # A mail server that takes the connection and never says a word: the send hangs.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hanging = start_worker(
            log,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(silent.getsockname()[1]),
            EMAIL_TIMEOUT="600",
        )
        try:
            wait_for(
                lambda: DBTaskResult.objects.get(pk=row.pk).status == TaskResultStatus.RUNNING,
                "the worker to take the task",
            )
        finally:
            hanging.send_signal(signal.SIGKILL)
            hanging.wait(timeout=30)
    time.sleep(0.5)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING  # what a kill -9 leaves behind
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and notification.attempts == 0

    assert recover_stuck_tasks() == {"retried": 0, "failed": 0}  # within the timeout
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert recover_stuck_tasks(later) == {"retried": 1, "failed": 0}

    # The console backend prints each e-mail sent to the worker's output.
    printed = tmp_path / "healthy.log"
    healthy = start_worker(
        printed.open("w"), EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"
    )
    try:
        wait_for(
            lambda: Notification.objects.get(pk=notification.pk).status == NotificationStatus.SENT,
            "the next worker to send the e-mail",
        )
    finally:
        healthy.terminate()
        healthy.wait(timeout=30)
    assert printed.read_text().count("Subject: Skierowanie") == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
