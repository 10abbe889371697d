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

Beside the figures, each page keeps its drawn body (``Kept``): the HTML between the page's
head and its end, per query string (sort, page of street offices), under the figures' key
and the drawing's own (``DRAWN``: the templates, the tables' code and the translations
this process draws with). A warm visit reads the key (one query) and the body (one), and
draws only the site's frame around it.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from committee.periods import Period
from surveys.models import Tally

VERSION = "5"
ALIAS = "figures"
# Tests draw pages of different records under the same ids: each test gets its own salt
# (tests/conftest.py), so no entry of one test is read by another.
salt = ""


def _tallied(ids: QuerySet, function: str, field: str) -> Subquery:
    """One total of these communities' survey tallies, as a column of every row: a plain
    SQL aggregate (a ``Func``, so Django adds no GROUP BY), naming no outer column, so the
    database computes it once."""
    total = Func(F(field), function=function, output_field=IntegerField())
    return Subquery(Tally.objects.filter(survey__community__in=ids).values(n=total))


def state(communities: QuerySet) -> tuple[list[tuple[int, int]], tuple[int, int, int]]:
    """(community id, revision) in id order, and (rows, answers, stars) of their survey
    tallies: what a page of these communities depends on, read in one query."""
    ids = communities.order_by().values("pk")
    rows = list(
        communities.order_by("pk").values_list(
            "pk",
            "revision__revision",
            _tallied(ids, "COUNT", "pk"),
            _tallied(ids, "SUM", "answers"),
            _tallied(ids, "SUM", "total"),
        )
    )
    tallies = (rows[0][2] or 0, rows[0][3] or 0, rows[0][4] or 0) if rows else (0, 0, 0)
    return [(pk, revision or 0) for pk, revision, *_tally in rows], tallies


def key(page: str, unit_id: int, communities: QuerySet, period: Period) -> str:
    """The cache key of one page's figures, read from the database now (one query)."""
    digest = hashlib.sha256()
    revised, answered = state(communities)
    for pk, revision in revised:
        digest.update(f"{pk}:{revision},".encode())
    parts = [
        VERSION,
        salt,
        page,
        str(unit_id),
        period.query(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        "{}:{}:{}".format(*answered),
        digest.hexdigest(),
    ]
    return "dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached(
    page: str, unit_id: int, communities: QuerySet, period: Period, compute: Callable[[], Any]
) -> Any:
    """The page's figures: kept ones under the current key, else ``compute()``'s, kept."""
    return Kept(page, unit_id, communities, period).figures(compute)


# What a page's query string may hold for its drawn body to be kept (anything else: drawn
# each time, so a stranger's parameters fill no entries).
QUERY = frozenset({"period", "at", "start", "end", "sort", "page"})
# Where the drawing of a body comes from besides its figures: a change to any of these
# (a deployment) changes the body's key.
_SOURCES = (
    "templates/dashboards",
    "templates/django_tables2",
    "dashboards/tables.py",
    "dashboards/specs.py",
    "locale",
)
_drawn: str | None = None


def drawn() -> str:
    """A digest of the templates, table code and translations bodies are drawn with."""
    global _drawn  # noqa: PLW0603 -- computed once per process
    if _drawn is None:
        import django_tables2

        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256(django_tables2.__version__.encode())
        for source in _SOURCES:
            path = root / source
            files = sorted(path.rglob("*")) if path.is_dir() else [path]
            for file in files:
                if file.is_file() and file.suffix in {".html", ".py", ".mo"}:
                    digest.update(str(file.relative_to(root)).encode())
                    digest.update(file.read_bytes())
        _drawn = digest.hexdigest()
    return _drawn


class Kept:
    """One page's kept figures and drawn body under its key: both read in one query."""

    def __init__(
        self,
        page: str,
        unit_id: int,
        communities: QuerySet,
        period: Period,
        query: QueryDict | None = None,
    ):
        self.cache = caches[ALIAS]
        self.name = key(page, unit_id, communities, period)
        self.body_name = None
        if query is not None and set(query) <= QUERY:
            # The query as asked, in its order: the body's links keep it.
            variant = f"{drawn()}|{query.urlencode()}"
            self.body_name = f"{self.name}:body:{hashlib.sha256(variant.encode()).hexdigest()}"
        names = [self.name, self.body_name] if self.body_name else [self.name]
        self.found = self.cache.get_many(names)

    def body(self) -> SafeString | None:
        """The body drawn for this key and query, if kept."""
        html = self.found.get(self.body_name) if self.body_name else None
        return mark_safe(zlib.decompress(html).decode()) if html is not None else None  # noqa: S308 -- drawn by our own templates (keep_body)

    def figures(self, compute: Callable[[], Any]) -> Any:
        """The figures: kept ones, else ``compute()``'s, kept."""
        kept = self.found.get(self.name)
        if kept is not None:
            return pickle.loads(zlib.decompress(kept))
        found = compute()
        # Compressed: a district's links repeat its communities' ids (2.7 MB → a tenth).
        self.cache.set(self.name, zlib.compress(pickle.dumps(found, pickle.HIGHEST_PROTOCOL), 1))
        return found

    def keep_body(self, html: str) -> SafeString:
        if self.body_name:
            self.cache.set(self.body_name, zlib.compress(str(html).encode(), 1))
        return mark_safe(html)  # noqa: S308 -- drawn by our own templates
