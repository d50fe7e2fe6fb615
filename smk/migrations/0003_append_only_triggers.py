"""History rows are append-only in the database too, not only in the ORM (PostgreSQL).

A BEFORE UPDATE OR DELETE trigger raises, so neither a raw SQL statement nor a bug can rewrite
history. TRUNCATE (used by the test suite's flush) is not a row operation and is unaffected.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION smk_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: rows cannot be %', TG_TABLE_NAME, lower(TG_OP)
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGER = """
CREATE TRIGGER smk_event_append_only BEFORE UPDATE OR DELETE ON smk_event
FOR EACH ROW EXECUTE FUNCTION smk_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(TRIGGER, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS smk_event_append_only ON smk_event;")


class Migration(migrations.Migration):
    dependencies = [("smk", "0002_notification")]

    operations = [migrations.RunPython(forwards, backwards)]
