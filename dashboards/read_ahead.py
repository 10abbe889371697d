"""Reads a page starts early on a connection of its own, answered when the page asks.

A district's first visit at 2,000 communities spends a third of its time waiting for a few
reads over the whole district (the sort of every person-month for the pay medians, the
approval queue, the department league) while the database's CPU is otherwise idle between
its statements. ``start(queryset)`` sends such a read, as the page will ask it, to a thread
of this process with its own connection; ``rows(queryset)`` gives its rows when the page
comes to it (the same SQL and parameters), or reads it then, in line, when it was not
started. The page's Python work and the database's sort run side by side.

Only on PostgreSQL, outside a transaction (another connection sees what this one sees only
when neither is inside one: a test's records are never committed, so its reads run in
line), inside ``committee.rollups.shared`` (a page's reads, where the answer is kept), and
unless ``READ_AHEAD=false`` (settings: the second connection is opened for the reads and
closed after them, one at a time a process). The rows are what the driver gives, without
the ORM's converters: for ids, counts, sums and text (the callers' columns) they are the
same values.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from committee import rollups as hook

# One thread a process: a page's reads ahead run one after another, beside the page.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="juwei-read-ahead")
Statement = tuple[str, tuple]


def statement(read: QuerySet | Statement) -> tuple[str, Statement]:
    """The database alias and (SQL, parameters) of a queryset or of a written statement."""
    if isinstance(read, QuerySet):
        sql, params = read.query.sql_with_params()
        return read.db, (sql, tuple(params))
    return "default", read


def start(read: QuerySet | Statement, alias: str | None = None) -> None:
    """Send ``read`` to the thread, when the page can take its answer (module docstring)."""
    found_alias, sql = statement(read)
    alias = alias or found_alias
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block or not hook.sharing():
        return
    if not settings.READ_AHEAD:
        return
    hook.once(_key(alias, sql), lambda: _POOL.submit(_fetch, alias, sql))


def rows(read: QuerySet | Statement, alias: str | None = None) -> list[tuple]:
    """The rows of ``read``: those of the read started ahead, else read now, in line."""
    if hook.sharing():  # else nothing was started
        found_alias, sql = statement(read)
        started: Future | None = hook.once(_key(alias or found_alias, sql), lambda: None)
        if started is not None:
            return started.result()
    if isinstance(read, QuerySet):
        return list(read)
    with connections[alias or "default"].cursor() as cursor:
        cursor.execute(*read)
        return cursor.fetchall()


def _key(alias: str, sql: Statement) -> tuple:
    return ("read ahead", alias, sql[0], repr(sql[1]))


def _fetch(alias: str, sql: Statement) -> list[tuple]:
    """Run one statement on this thread's own connection, closed after it."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(*sql)
            return cursor.fetchall()
    finally:
        connections[alias].close()
