"""The figure cache's store (``CACHES["figures"]``): Django's database cache, with a
``set`` of one statement.

Django's ``DatabaseCache.set`` counts the table's rows, then in a transaction selects the
key and updates or inserts it: five statements a set, and a dashboard page after a write
sets three entries (its figures, its parts, its body). Here a set is one upsert
(``INSERT … ON CONFLICT (cache_key) DO UPDATE``, PostgreSQL and SQLite ≥ 3.35 alike)
that returns the number of rows the table held; past ``MAX_ENTRIES`` the table is culled
as Django culls it. Everything else (reading, expiry, deleting, clearing) is Django's.
"""

from __future__ import annotations

import base64
import pickle
import sqlite3
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class FigureStore(DatabaseCache):
    """A database cache whose ``set`` is one upsert (module docstring)."""

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("postgresql", "sqlite") or (
            connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 35)
        ):
            return super().set(key, value, timeout, version)  # no upsert with RETURNING
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        quote = connection.ops.quote_name
        table = quote(self._table)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        key_, value_, expires_ = quote("cache_key"), quote("value"), quote("expires")
        upsert = (
            f"INSERT INTO {table} ({key_}, {value_}, {expires_}) VALUES (%s, %s, %s)"  # noqa: S608 -- quoted names
            f" ON CONFLICT ({key_}) DO UPDATE SET {value_} = EXCLUDED.{value_},"
            f" {expires_} = EXCLUDED.{expires_} RETURNING (SELECT COUNT(*) FROM {table})"
        )
        with connection.cursor() as cursor:
            cursor.execute(upsert, [key, encoded, expires])
            count = cursor.fetchone()[0]
            if count > self._max_entries:
                # Culled as Django culls before a set; this entry written again after it.
                self._cull(db, cursor, tz_now().replace(microsecond=0), count)
                cursor.execute(upsert, [key, encoded, expires])
