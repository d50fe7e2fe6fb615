"""Exit non-zero with a readable report when an invariant of the data does not hold."""

from django.core.management.base import BaseCommand, CommandError

from referrals.invariants import CHECKS, find_violations


class Command(BaseCommand):
    help = (
        "Check places, EKS and register entries, strike-offs, unique numbers and the history "
        "of every referral."
    )

    def handle(self, *args, **options):
        violations = find_violations()
        for name, _check in CHECKS:
            problems = violations.get(name, [])
            mark = self.style.ERROR("BŁĄD") if problems else self.style.SUCCESS("OK")
            self.stdout.write(f"[{mark}] {name}")
            for problem in problems:
                self.stdout.write(f"    - {problem}")
        if violations:
            count = sum(len(p) for p in violations.values())
            raise CommandError(f"Naruszone niezmienniki: {count}.")
        self.stdout.write(self.style.SUCCESS("Wszystkie niezmienniki są spełnione."))
