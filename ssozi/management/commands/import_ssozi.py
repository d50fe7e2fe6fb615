"""``manage.py import_ssozi FILE.csv``: the old system's accounts and roles (README,
"Przenoszę uprawnienia z SSOZI")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ssozi.services import COLUMNS, import_accounts


class Command(BaseCommand):
    help = f"Import SSOZ I accounts from a CSV file with the columns {','.join(COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, csv_file: Path, **options):
        try:
            with csv_file.open(encoding="utf-8-sig", newline="") as lines:
                result = import_accounts(lines)
        except OSError as error:
            raise CommandError(f"cannot read {csv_file}: {error}") from None
        if result.errors:
            raise CommandError("nothing imported:\n" + "\n".join(result.errors))
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, "
            f"left as moved {result.skipped_moved}"
        )
