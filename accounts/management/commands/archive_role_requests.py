"""Archive the role requests rejected or withdrawn long enough ago (seed 003's
"zarchiwizowany")."""

from django.core.management.base import BaseCommand

from accounts.services import archive_due_requests


class Command(BaseCommand):
    help = (
        "Move role requests rejected or withdrawn more than ROLE_REQUEST_ARCHIVE_DAYS ago to "
        "the status zarchiwizowany. Run it daily from cron."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"archived: {archive_due_requests()}")
