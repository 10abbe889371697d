"""Statements PostgreSQL parses and plans once per connection: the public form's hot path.

Django binds parameters on the client (psycopg's ``ClientCursor``): each statement goes to
PostgreSQL as text with its values written in, to be parsed and planned again. The public
survey form runs the same few statements hundreds of times a second (``make load``), so
those few go through ``fetchone`` here: on PostgreSQL a cursor that binds on the server
and prepares the statement (psycopg's ``prepare=True``), so each connection parses and
plans it once; wrapped like any Django cursor (database errors, query logging and the
tests' query counts see it). ``PREPARED_STATEMENTS=false`` turns it off, e.g. behind a
connection pooler in transaction mode that cannot keep prepared statements (PgBouncer
before 1.21). Anywhere else it is a plain cursor. ``fetchall`` runs a list's kept first
page the same way (committee/paging.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections


def fetchone(sql: str, params, using: str | None = None) -> tuple | None:
    """Run ``sql`` with ``params`` (``%s`` placeholders) and return its first row."""
    return _run(sql, params, one=True, connection=connections[using] if using else connection)


def fetchall(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Run ``sql`` with ``params`` on database ``using`` and return every row (a list
    page's, committee/paging.py)."""
    return _run(sql, params, one=False, connection=connections[using])


def _run(sql: str, params, *, one: bool, connection=connection):
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if one else cursor.fetchall()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    database = connection.connection
    if database.prepare_threshold is None:  # Django turns psycopg's preparing off
        # On again, for what is asked to be prepared only (this module's cursors); none
        # of Django's own cursors prepares (they bind on the client).
        database.prepare_threshold = ONLY_WHEN_ASKED
        # A prepared statement's plan made once, not for each of its first five runs
        # (PostgreSQL's default): the statements prepared here find rows by ids and
        # fixed words, whose plan does not depend on the values. Only prepared
        # statements are planned this way; a rolled-back transaction takes the setting
        # back (the statements are then planned as by default, nothing else changes).
        with connection.wrap_database_errors:
            database.execute("SET plan_cache_mode = force_generic_plan")
    with connection.wrap_database_errors:
        raw = _cursor_class()(database)
    cursor = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    with cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchone() if one else cursor.fetchall()
    if connection.queries_logged and connection.queries_log[-1]["sql"] is None:
        # psycopg keeps no text of a prepared statement's run: logged as Django writes it.
        connection.queries_log[-1]["sql"] = connection.ops.compose_sql(sql, params)
    return rows


# psycopg prepares a statement by itself after this many runs: never, in effect.
ONLY_WHEN_ASKED = 2**31 - 1
_classes: list[type] = []


def _cursor_class() -> type:
    if not _classes:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PreparedCursor(ServerBindingCursor):
            """Binds on the server and prepares every statement it runs."""

            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

        _classes.append(PreparedCursor)
    return _classes[0]
