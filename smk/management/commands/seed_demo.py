"""Load realistic demo data; safe to run again (it finds what it made and adds nothing)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from reference import demo as reference_demo


class Command(BaseCommand):
    help = "Load the demo data and demo accounts (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            reference_demo.seed()
            accounts_demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo accounts (password for all: {accounts_demo.DEMO_PASSWORD}):")
        for email, _first, _last, description, _profiles in accounts_demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<34} {description}")
