"""Versions of the data a cached page is built from (key-based cache expiration).

A page is cached under a key that carries the versions of the data it shows, read before the
page is built; every change of that data bumps a version once its transaction commits. A page
is therefore never served from the cache after its data changed: a request that read the old
versions may still store what it built (old or newer data, under the old key), but once the
bump is committed every request reads the new versions and builds the page anew.

The versions live in the database (:class:`smk.models.DataVersion`), so every worker process
sees a bump at once whatever the cache backend; the bump runs after the commit, outside the
transaction, so it takes no lock that clerks' transactions would queue on. A process that dies
between the commit and the bump leaves pages stale until their cache timeout.
"""

from django.db import connection, transaction

from smk.models import DataVersion


def bump(*keys: str) -> None:
    """Bump ``keys`` when the current transaction commits (at once outside a transaction).

    ``robust``: a failed bump is logged by Django and does not fail the request whose change
    has already been committed; its pages then live until their cache timeout."""
    keys = tuple(dict.fromkeys(keys))
    transaction.on_commit(lambda: _bump_now(keys), robust=True)


def _bump_now(keys: tuple[str, ...]) -> None:
    table, key_column, version = (
        connection.ops.quote_name(name) for name in (DataVersion._meta.db_table, "key", "version")
    )
    with connection.cursor() as cursor:
        for key in keys:
            # PostgreSQL and SQLite: one statement, whether or not the row exists yet.
            cursor.execute(
                f"INSERT INTO {table} ({key_column}, {version}) VALUES (%s, 1) "  # noqa: S608
                f"ON CONFLICT ({key_column}) DO UPDATE SET {version} = {table}.{version} + 1",
                [key],
            )


def read(*keys: str) -> tuple[int, ...]:
    """The current versions of ``keys`` (0 for a key never bumped), in one query."""
    found = dict(DataVersion.objects.filter(key__in=keys).values_list("key", "version"))
    return tuple(found.get(key, 0) for key in keys)
