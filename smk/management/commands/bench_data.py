"""``python manage.py bench_data --scale S``: national-scale benchmark data (bench.generate)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import generate


class Command(BaseCommand):
    help = (
        "Generate benchmark data: at --scale 1, 16 voivodeships × 20 sessions, about 500,000 "
        "applications, 200,000 referrals in every status, 1,000,000 history events and 2,000 "
        "units (PostgreSQL COPY; bulk_create elsewhere). Does nothing when the data exists; "
        "--reset empties the database first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = national scale")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (repeatable)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty EVERY table first (only for a database kept for benchmarks)",
        )

    def handle(self, *args, scale, seed, reset, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0")
        if reset:
            name = str(connection.settings_dict["NAME"])
            if connection.vendor == "postgresql" and not any(
                word in name for word in ("bench", "test")
            ):
                raise CommandError(
                    f"--reset empties every table: refused for the database {name!r}, whose "
                    "name contains neither 'bench' nor 'test'."
                )
            self.stdout.write(f"Emptying the database {name} …")
            generate.reset_database()
        existing = generate.scale_of_existing_data()
        if existing is not None:
            if abs(existing - scale) > 1e-9:
                raise CommandError(
                    f"Benchmark data at scale {existing:g} already exists; use --reset to "
                    f"generate scale {scale:g}."
                )
            self.stdout.write(f"Benchmark data at scale {existing:g} already exists.")
            return
        if generate.database_has_other_data():
            raise CommandError(
                "The database already holds applications or referrals that are not benchmark "
                "data: use a database of its own (and --reset)."
            )
        summary = generate.generate(scale, seed=seed, log=self.stdout.write)
        counts = ", ".join(f"{name} {n}" for name, n in summary.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Scale {scale:g} generated in {summary.seconds:.1f} s: {counts}.")
        )
