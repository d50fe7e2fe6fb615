"""History and register rows cannot be changed or deleted: in the ORM and in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from registry.models import RegisterEntry
from registry.services import make_strike_off_entry
from smk.audit import log_event
from smk.models import AppendOnlyError, Event
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return log_event(ReferralFactory(), "referral.created")


@pytest.fixture
def entry():
    return make_strike_off_entry(ReferralFactory(), user=None, reason="Rezygnacja")


def test_the_orm_refuses_to_change_or_delete_history(event):
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


def test_the_orm_refuses_to_change_or_delete_register_entries(entry):
    entry.reason = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.filter(pk=entry.pk).update(reason="forged")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("table", "fixture"), [("smk_event", "event"), ("registry_registerentry", "entry")]
)
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET id = id WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_the_database_refuses_raw_sql_changes_too(request, table, fixture, statement):
    row = request.getfixturevalue(fixture)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table), [row.pk])
