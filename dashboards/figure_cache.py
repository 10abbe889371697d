"""The street-office and district dashboards' figures, kept in Django's cache ("figures").

A district page judges every flag of two thousand communities; drawn once, its figures are
kept under a key that changes with anything they depend on:

- the communities the page covers and each one's revision (``dashboards/revisions.py``),
  raised in the same transaction as every write that changes what a dashboard shows of a
  community: a page is never older than its records;
- the survey tallies of those communities (how many rows, how many answers): a resident's
  answer through the public form raises no revision (``revisions``), but always adds to
  the tallies the page reads;
- the page, the unit, the period, the language, today (pending tasks fall overdue, a
  current period grows), and ``VERSION`` (raise it when what is kept changes shape).

Reading the key comes before computing the figures, so figures stored under a key are at
least as new as it. The cache is ``CACHES["figures"]`` (settings): the database by default,
shared by every app server; entries of past days expire (``TIMEOUT``).
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone, translation

from committee.periods import Period
from dashboards.revisions import revisions
from surveys.models import Tally

VERSION = "5"
ALIAS = "figures"
# Tests draw pages of different records under the same ids: each test gets its own salt
# (tests/conftest.py), so no entry of one test is read by another.
salt = ""


def key(page: str, unit_id: int, communities: QuerySet, period: Period) -> str:
    """The cache key of one page's figures, read from the database now (two queries)."""
    digest = hashlib.sha256()
    for pk, revision in revisions(communities):
        digest.update(f"{pk}:{revision},".encode())
    ids = communities.order_by().values("pk")
    answered = Tally.objects.filter(survey__community__in=ids).aggregate(
        rows=Count("pk"), answers=Sum("answers"), stars=Sum("total")
    )
    parts = [
        VERSION,
        salt,
        page,
        str(unit_id),
        period.query(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        f"{answered['rows']}:{answered['answers'] or 0}:{answered['stars'] or 0}",
        digest.hexdigest(),
    ]
    return "dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached(
    page: str, unit_id: int, communities: QuerySet, period: Period, compute: Callable[[], Any]
) -> Any:
    """The page's figures: kept ones under the current key, else ``compute()``'s, kept."""
    cache = caches[ALIAS]
    name = key(page, unit_id, communities, period)
    kept = cache.get(name)
    if kept is not None:
        return pickle.loads(zlib.decompress(kept))
    found = compute()
    # Compressed: a district's links repeat its communities' ids (2.7 MB → a tenth).
    cache.set(name, zlib.compress(pickle.dumps(found, pickle.HIGHEST_PROTOCOL), 1))
    return found
