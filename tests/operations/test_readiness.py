"""/readyz next to /healthz: ready while the database, the shared cache, the migrations and
the task queue are; 503 naming what is not."""

import datetime
import socket

import pytest
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from operations import readiness

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ready():
    response = Client().get(reverse("readyz"))
    return response.status_code, response.json()


def test_ready_when_everything_is():
    status, body = ready()
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok", "queue": "ok"},
    }
    assert Client().get(reverse("healthz")).status_code == 200


def test_not_ready_while_a_migration_is_not_applied(monkeypatch):
    monkeypatch.setattr(readiness, "_migrated", False)
    MigrationRecorder.Migration.objects.filter(app="operations", name="0001_job_run").delete()
    status, body = ready()
    assert status == 503
    assert body["checks"]["migrations"] == "fail" and body["checks"]["database"] == "ok"


def test_not_ready_when_the_shared_cache_is_unreachable(settings, unused_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    status, body = ready()
    assert status == 503 and body["checks"]["cache"] == "fail"
    assert "Error" not in str(body)  # the check names what failed, never how


def task_waiting(minutes):
    row = DBTaskResult.objects.create(
        task_path="smk.tasks.send_notification",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_not_ready_when_no_worker_takes_the_tasks(settings):
    settings.TASKS = DB_QUEUE
    settings.READINESS_QUEUE_STUCK_SECONDS = 600
    task_waiting(minutes=3)
    assert ready()[0] == 200
    task_waiting(minutes=11)
    status, body = ready()
    assert status == 503 and body["checks"]["queue"] == "fail"


def test_a_retry_waiting_for_its_backoff_is_not_a_stuck_queue(settings):
    settings.TASKS = DB_QUEUE
    DBTaskResult.objects.create(
        task_path="smk.tasks.send_notification",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now() + datetime.timedelta(hours=2),
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))
    assert ready()[0] == 200
