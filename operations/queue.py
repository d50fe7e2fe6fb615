"""What the task queue (django-tasks-db's table) looks like now: read by ``/metrics`` and
``/readyz``."""

from django.db.models import Case, Count, F, Min, Q, When
from django.db.models.functions import Greatest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


def figures(now) -> dict:
    """``ready`` (waiting), ``due`` (waiting and due), ``running``, and ``oldest_due``: since
    when the longest-waiting due task has been due (None when none waits). One query."""
    never = get_date_max()
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=never) | Q(run_after__lte=now))
    # A deferred task (a retry's backoff) waits from when it became due, not enqueued.
    due_since = Greatest(
        "enqueued_at", Case(When(run_after=never, then=F("enqueued_at")), default="run_after")
    )
    return DBTaskResult.objects.aggregate(
        ready=Count("pk", filter=Q(status=TaskResultStatus.READY)),
        due=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest_due=Min(due_since, filter=due),
    )
