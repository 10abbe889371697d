"""The demo loaded once per test process and copied back for every test that needs it
committed (browser tests, whose live server reads through its own connection).

Loading the demo builds two years of books for six communities; copying its rows back is
a small fraction of that. The copy is taken right after the first load, on the frozen
test day, so every later test starts from exactly what `load_demo` would have made.

- SQLite (the test database is in memory): the sqlite3 backup API copies the whole file.
- PostgreSQL: every table's rows are copied out and back in with COPY (binary), in one
  transaction; foreign keys are checked at its end (Django makes them deferrable), and
  the sequences are moved past the copied ids.

`demo_in_transaction()` is the same for tests that roll the demo back (tests/conftest.py
`demo_books`, `demo`): the rows are put back inside the open transaction, so nothing is
committed. On SQLite they are kept as rows (the backup API cannot write inside a
transaction); on PostgreSQL COPY works inside one.
"""

from __future__ import annotations

import io
import sqlite3

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_taken: dict[str, object] = {}
_rows: dict[str, object] = {}


def _key() -> str:
    return f"{connection.vendor}:{connection.settings_dict['NAME']}"


def demo_in_transaction() -> None:
    """The demo inside the open transaction, rolled back with it: loaded the first time in
    this process, its rows copied back every later time (a load costs seconds, a copy a
    fraction of one)."""
    assert connection.in_atomic_block, "the demo is put back only inside a transaction"
    key = f"{_key()}:{timezone.localdate()}"  # the demo as loaded on this very day
    if key not in _rows:
        # Users made with the tests' fast hasher (tests/conftest.py), whichever test loads
        # first: a module-scoped fixture runs before that function-scoped setting.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command("load_demo", stdout=io.StringIO())
        _rows[key] = _rows_out()
    else:
        _rows_in(_rows[key])


def _rows_out():
    if connection.vendor != "sqlite":
        return _copy_out()
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f'PRAGMA table_info("{table}")')
            columns = [row[1] for row in cursor.fetchall()]
            # `+column` reads what is stored (no converter turns it into a date or a
            # Decimal), so it goes back in exactly as it was.
            stored = ", ".join(f'+"{column}"' for column in columns)
            cursor.execute(f'SELECT {stored} FROM "{table}"')
            tables[table] = (len(columns), cursor.fetchall())
    return tables


def _rows_in(taken) -> None:
    from django.contrib.contenttypes.models import ContentType

    if connection.vendor != "sqlite":
        _copy_in_postgresql(taken)
    else:
        # Foreign keys are deferred to the end of the transaction (Django makes them so),
        # which rolls back: the order of the tables does not matter.
        with transaction.atomic(), connection.cursor() as cursor:
            for table, (width, rows) in taken.items():
                cursor.execute(f'DELETE FROM "{table}"')
                if rows:
                    marks = ", ".join(["%s"] * width)
                    cursor.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
    ContentType.objects.clear_cache()
    _copied.append(True)


_copied: list[bool] = []


def after_rollback(copied: bool = False) -> None:
    """After the transaction a copy was put in is rolled back: the content types cached
    from the copy may not be the database's own (a flush since the copy was taken makes
    new ids), so they are read again. `copied`: a copy was put in (a module's demo)."""
    from django.contrib.contenttypes.models import ContentType

    if copied or _copied:
        ContentType.objects.clear_cache()
        _copied.clear()


def load_demo() -> None:
    """The demo, committed: from the copy when this process has one, else loaded and copied."""
    key = _key()
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
