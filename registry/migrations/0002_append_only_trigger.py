"""Register entries are append-only in the database too (PostgreSQL); see smk 0003."""

from django.db import migrations

TRIGGER = """
CREATE TRIGGER registry_entry_append_only BEFORE UPDATE OR DELETE ON registry_registerentry
FOR EACH ROW EXECUTE FUNCTION smk_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS registry_entry_append_only ON registry_registerentry;"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("smk", "0003_append_only_triggers")]

    operations = [migrations.RunPython(forwards, backwards)]
