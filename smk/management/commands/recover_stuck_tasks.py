"""Give tasks left running by a dead worker back to the queue, or mark them failed."""

from django.core.management.base import BaseCommand

from smk.task_recovery import recover_stuck_tasks


class Command(BaseCommand):
    help = (
        "Tasks running for longer than TASK_RUN_TIMEOUT_SECONDS (their worker died): retried "
        "until started TASK_MAX_RUNS times, then failed; a failed e-mail task is queued anew."
    )

    def handle(self, *args, **options):
        result = recover_stuck_tasks()
        self.stdout.write(f"retried: {result['retried']}, failed: {result['failed']}")
