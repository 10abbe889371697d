"""The street-office and district dashboards' figures, kept in Django's cache ("figures").

A district page judges every flag of two thousand communities; drawn once, its figures are
kept under a key that changes with anything they depend on:

- the communities the page covers, each one's street office and revision
  (``dashboards/revisions.py``), raised in the same transaction as every write that changes
  what a dashboard shows of a community: a page is never older than its records;
- each community's survey tallies (how many rows, answers and stars): a resident's answer
  through the public form raises no revision (``revisions``), but always adds to the
  tallies the page reads;
- the page, the unit, the period, the language, today (pending tasks fall overdue, a
  current period grows), and ``VERSION`` (raise it when what is kept changes shape).

Reading the key comes before computing the figures, so figures stored under a key are at
least as new as it. The cache is ``CACHES["figures"]`` (settings): the database by default,
shared by every app server; entries of past days expire (``TIMEOUT``).

Three entries a page (``Kept``):

- its **drawn body** per query string (sort, page of street offices): the HTML between the
  page's head and its end, under the figures' key and the drawing's own (``drawn``: the
  templates, the tables' code and the translations this process draws with). A warm visit
  reads the key (one query) and the body (one), and draws only the site's frame around it;
- its **figures** (flags, rows, panels), drawn again into the body when another query
  string is asked;
- its **parts** as last computed, under a key without the communities' state, with the
  state they were computed at: on the district page each community's standing and each
  street office's flags, on the street-office page each community's flags and the
  figures its office's totals are added up from (``dashboards/community_facts.py``). After
  a write in one community the page computes that community's flags (and its street
  office's) again and takes the others' from the parts (``Reuse``): a community's flags
  depend on nothing but its own records, its district's thresholds and benchmarks (which
  raise every community's revision) and what the key names besides.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from committee.models import Community
from committee.periods import Period
from dashboards.models import CommunityRevision
from surveys.models import Survey, Tally

VERSION = "11"
ALIAS = "figures"
# Tests draw pages of different records under the same ids: each test gets its own salt
# (tests/conftest.py), so no entry of one test is read by another.
salt = ""

# (street office id, revision, tally rows, answers, stars) of one community.
State = dict[int, tuple[int, int, int, int, int]]


def state(communities: QuerySet) -> State:
    """What a page of these communities depends on, per community, read in one query."""
    ids, params = communities.order_by().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    community, revision = quote(Community._meta.db_table), quote(CommunityRevision._meta.db_table)
    tally, survey = quote(Tally._meta.db_table), quote(Survey._meta.db_table)
    sql = (
        f"SELECT c.id, c.street_office_id, COALESCE(r.revision, 0), COALESCE(t.n, 0),"
        f" COALESCE(t.answers, 0), COALESCE(t.stars, 0) FROM {community} c"
        f" LEFT JOIN {revision} r ON r.community_id = c.id"
        f" LEFT JOIN (SELECT s.community_id, COUNT(*) AS n, SUM(t.answers) AS answers,"
        f" SUM(t.total) AS stars FROM {tally} t JOIN {survey} s ON s.id = t.survey_id"
        f" WHERE s.community_id IN ({ids}) GROUP BY s.community_id) t"
        f" ON t.community_id = c.id WHERE c.id IN ({ids}) ORDER BY c.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params + params)
        return {pk: tuple(int(v) for v in rest) for pk, *rest in cursor.fetchall()}


def _prefix(page: str, unit_id: int, period: Period) -> str:
    parts = [
        VERSION,
        salt,
        page,
        str(unit_id),
        period.query(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
    ]
    return "|".join(parts)


def _name(prefix: str, found: State) -> str:
    digest = hashlib.sha256(prefix.encode())
    for pk, values in found.items():
        digest.update(f"|{pk}:{values}".encode())
    return "dashboard:" + digest.hexdigest()


def key(page: str, unit_id: int, communities: QuerySet, period: Period) -> str:
    """The cache key of one page's figures, read from the database now (one query)."""
    return _name(_prefix(page, unit_id, period), state(communities))


def _dump(value: Any) -> bytes:
    # Compressed: a district's links repeat its communities' ids (2.7 MB → a tenth).
    return zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)


def _load(value: bytes) -> Any:
    return pickle.loads(zlib.decompress(value))  # noqa: S301 -- our own cache, written by _dump


@dataclass
class Reuse:
    """The parts computed for the page at an earlier state, and what changed since."""

    changed: set[int]  # communities to compute again (changed or new)
    gone: set[int]  # communities no longer on the page
    offices: set[int]  # street offices to compute again (a community changed, came or went)
    parts: dict[str, dict]  # {part: {community or street office id: what was computed}}

    def of_communities(self, part: str) -> dict:
        """A part kept per community, for the communities that did not change."""
        again = self.changed | self.gone
        return {pk: v for pk, v in self.parts.get(part, {}).items() if pk not in again}

    def of_offices(self, part: str) -> dict:
        """A part kept per street office, for the street offices that did not change."""
        return {pk: v for pk, v in self.parts.get(part, {}).items() if pk not in self.offices}


def cached(
    page: str, unit_id: int, communities: QuerySet, period: Period, compute: Callable[[], Any]
) -> Any:
    """The page's figures: kept ones under the current key, else ``compute()``'s, kept."""
    return Kept(page, unit_id, communities, period).figures(lambda reuse: (compute(), None))


def value(name: str, communities: QuerySet, compute: Callable[[], Any]) -> Any:
    """A lower app's figures of these communities (``committee.rollups.kept``: pay by
    community), kept under `name` and the communities' state as a page's figures are."""
    cache = caches[ALIAS]
    prefix = "|".join((VERSION, salt, "value", name, timezone.localdate().isoformat()))
    key = _name(prefix, state(communities))
    found = cache.get(key)
    if found is not None:
        return _load(found)
    result = compute()
    cache.set(key, _dump(result))
    return result


# What a page's query string may hold for its drawn body to be kept (anything else: drawn
# each time, so a stranger's parameters fill no entries).
QUERY = frozenset({"period", "at", "start", "end", "sort", "page"})
# Where the drawing of a body comes from besides its figures: a change to any of these
# (a deployment) changes the body's key.
_SOURCES = (
    "templates/dashboards",
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
    """One page's kept body, figures and parts (module docstring)."""

    def __init__(
        self,
        page: str,
        unit_id: int,
        communities: QuerySet,
        period: Period,
        query: QueryDict | None = None,
        eager: bool = False,
    ):
        self.cache = caches[ALIAS]
        # eager: the figures and parts are read with the body, in one query (a page whose
        # entries are small: the street office's); else each when it is needed.
        self.eager = eager
        self._read: dict[str, Any] = {}
        prefix = _prefix(page, unit_id, period)
        self.state = state(communities)
        self.name = _name(prefix, self.state)
        self.parts_name = "dashboard-parts:" + hashlib.sha256(prefix.encode()).hexdigest()
        self.body_name = None
        if query is not None and set(query) <= QUERY:
            # The query as asked, in its order: the body's links keep it.
            variant = f"{drawn()}|{query.urlencode()}"
            self.body_name = f"{self.name}:body:{hashlib.sha256(variant.encode()).hexdigest()}"

    def body(self) -> SafeString | None:
        """The body drawn for this key and query, if kept."""
        if self.eager:
            names = [self.name, self.parts_name] + ([self.body_name] if self.body_name else [])
            self._read = dict.fromkeys(names) | self.cache.get_many(names)
        html = self._get(self.body_name) if self.body_name else None
        if html is None:
            return None
        return mark_safe(zlib.decompress(html).decode())  # noqa: S308 -- drawn by our templates (keep_body)

    def figures(
        self, compute: Callable[[Reuse | None], tuple[Any, dict | None]], reuse: bool = True
    ) -> Any:
        """The figures: kept ones, else ``compute(reuse)``'s, kept with their parts
        (``reuse=False``: a page that keeps none; its ``compute`` is given None)."""
        kept = self._get(self.name)
        if kept is not None:
            return _load(kept)
        found, parts = compute(self._reuse() if reuse else None)
        self.cache.set(self.name, _dump(found))
        if parts is not None:
            self.cache.set(self.parts_name, _dump((self.state, parts)))
        return found

    def _reuse(self) -> Reuse | None:
        """What the parts kept at an earlier state still give, if any are kept."""
        kept = self._get(self.parts_name)
        if kept is None:
            return None
        before, parts = _load(kept)
        now = self.state
        changed = {pk for pk, values in now.items() if before.get(pk) != values}
        if len(changed) == len(now):
            return None  # a threshold or benchmark changed: nothing to reuse
        gone = set(before) - set(now)
        offices = {now[pk][0] for pk in changed} | {
            before[pk][0] for pk in changed | gone if pk in before
        }
        return Reuse(changed=changed, gone=gone, offices=offices, parts=parts)

    def _get(self, name: str) -> Any:
        """An entry, as read with the body (``eager``) or now."""
        if name in self._read:
            return self._read.pop(name)
        return self.cache.get(name)

    def keep_body(self, html: str) -> SafeString:
        if self.body_name:
            self.cache.set(self.body_name, zlib.compress(str(html).encode(), 1))
        return mark_safe(html)  # noqa: S308 -- drawn by our own templates
