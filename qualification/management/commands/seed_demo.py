"""Load realistic demo data; safe to run again (it finds what it made and adds nothing)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from accreditation import demo as accreditation_demo
from eks import demo as eks_demo
from qualification.demo import procedures as qualification_demo
from qualification.demo import referrals as referrals_demo
from reference import demo as reference_demo
from training import demo as training_demo


class Command(BaseCommand):
    help = "Load the demo data and demo accounts (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            reference_demo.seed()
            accounts_demo.seed()
        # Outside the block above: the qualification services it calls (closing a procedure)
        # are durable transactions of their own.
        accreditation = accreditation_demo.seed()
        qualification = qualification_demo.seed()
        referrals = referrals_demo.seed()
        if eks_demo.seed():
            self.stdout.write("EKS cards of the demo unit kept by kierownik@smk.local.")
        if training_demo.seed():
            self.stdout.write("The demo unit's integration is active (Szkolenie w jednostce).")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(str(qualification))
        self.stdout.write(accreditation)
        if referrals:
            self.stdout.write(f"Referrals moved through every status: {referrals}.")
        self.stdout.write(f"Demo accounts (password for all: {accounts_demo.DEMO_PASSWORD}):")
        for email, _first, _last, description, _profiles in accounts_demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<34} {description}")
        # The apps above this one (the API's demo clients) seed through their AppConfig's
        # ``seed_demo()``: this app may not import them (docs/architecture.md).
        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if seed is not None:
                for line in seed():
                    self.stdout.write(line)
