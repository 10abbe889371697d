"""How many random examples a property test draws: all of them on SQLite, half on
PostgreSQL.

Under ``HYPOTHESIS_PROFILE=repeatable`` (``make test``, so CI) both halves of the suite draw
the same examples in the same order, whatever the database: PostgreSQL checks the first
half of those SQLite checks, on its own engine, where the second half would check the same
figures' SQL on that engine again. A plain ``pytest`` run draws new examples each time.
"""

from django.db import connection


def examples(n: int) -> int:
    return n if connection.vendor == "sqlite" else max(3, (n + 1) // 2)
