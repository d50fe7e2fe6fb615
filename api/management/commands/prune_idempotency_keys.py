"""Forget the Idempotency-Key records older than ``API_IDEMPOTENCY_HOURS``; run it from cron
(daily is enough: an expired key is ignored at once anyway, this only frees the rows)."""

from django.core.management.base import BaseCommand

from api.idempotency import prune


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than API_IDEMPOTENCY_HOURS."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {prune()} Idempotency-Key record(s).")
