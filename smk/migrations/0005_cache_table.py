"""The table of the "default" cache (login rate limits, used TOTP codes) when Redis is not used.

Created by name, whatever CACHES says today: an installation that later drops REDIS_URL finds
its table already there, and ``migrate`` (docker-compose, ``make demo``) is the only step.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "smk_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("smk", "0004_data_version"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
