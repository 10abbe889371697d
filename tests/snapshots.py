"""The demo loaded once per test process and copied back for every test that needs it
committed (browser tests, whose live server reads through its own connection).

Loading the demo builds two years of books for six communities; copying its rows back is
a small fraction of that. The copy is taken right after the first load, on the frozen
test day, so every later test starts from exactly what `load_demo` would have made.

- SQLite (the test database is in memory): the sqlite3 backup API copies the whole file.
- PostgreSQL: every table's rows are copied out and back in with COPY (binary), in one
  transaction; foreign keys are checked at its end (Django makes them deferrable), and
  the sequences are moved past the copied ids.
"""

from __future__ import annotations

import io
import sqlite3

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

_taken: dict[str, object] = {}


def load_demo() -> None:
    """The demo, committed: from the copy when this process has one, else loaded and copied."""
    key = f"{connection.vendor}:{connection.settings_dict['NAME']}"
    if key not in _taken:
        call_command("load_demo", stdout=io.StringIO())
        _taken[key] = _copy_out()
    else:
        _copy_in(_taken[key])


def _copy_out():
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return copy
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            with cursor.cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                tables[table] = b"".join(bytes(block) for block in copy)
    return tables


def _copy_in(taken) -> None:
    from django.contrib.contenttypes.models import ContentType

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        taken.backup(connection.connection)
    else:
        _copy_in_postgresql(taken)
    # The flush after the last test made new content types; the copy brought the old ids.
    ContentType.objects.clear_cache()


def _copy_in_postgresql(taken) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # The flush after the previous test left what post_migrate makes (content types,
        # permissions); the copy brings its own.
        names = ", ".join(f'"{table}"' for table in taken)
        cursor.execute(f"TRUNCATE {names} CASCADE")
        for table, rows in taken.items():
            with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                copy.write(rows)
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
