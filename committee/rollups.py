"""The hook through which writes keep the monthly rollups current, without knowing them.

The dashboards keep per-community, per-month figures (``dashboards/rollups.py``). The apps
below them must not import the dashboards, so a write only says *which community-month
it changed*: ``touch(community_id, day)``. The dashboards register one refresher here
(``register``); when the outermost ``@service`` (committee/services.py) has run its
function, still inside its transaction, it calls ``flush()``, which hands the touched
community-months to the refresher. The rollups therefore commit, or roll back, with the
write that changed them.

A write made outside any service (the admin, a shell, a test's factory) is remembered
too and settled as soon as its transaction commits (``on_commit``), so another process
reads current figures; the dashboards also settle what is still remembered before they
read (``pending()``), which covers a test's transaction that never commits. Bulk paths that
bypass model saves (``generate_scale``, the demo) rebuild what they touched instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet

from committee.periods import month_end

Key = tuple[int, date]  # (community id, first day of the month)
Metric = Callable  # (communities, start, end) -> a figure

_marks: ContextVar[set[Key] | None] = ContextVar("juwei_rollup_marks", default=None)
_revised: ContextVar[set[int] | None] = ContextVar("juwei_revised_communities", default=None)
_refreshers: list[Callable[[set[Key]], None]] = []
_revisers: list[Callable[[set[int]], None]] = []
_settlers: list[Callable[[], None]] = []
_instead: dict[Metric, Metric] = {}
_sharing: list[Callable[[], AbstractContextManager]] = []
_keepers: list[Callable] = []


def register(refresher: Callable[[set[Key]], None]) -> None:
    """Call `refresher(keys)` with the touched community-months at every flush."""
    if refresher not in _refreshers:
        _refreshers.append(refresher)


def register_reviser(reviser: Callable[[set[int]], None]) -> None:
    """Call `reviser(community_ids)` with every community a write changed, in its
    transaction: the dashboards' figure cache keys on the revisions it keeps."""
    if reviser not in _revisers:
        _revisers.append(reviser)


def revise(community_ids: Iterable[int | None]) -> None:
    """Say that a write changed something of these communities a dashboard may show.

    Inside a service the communities are handed over at its flush (once per community and
    write); outside any, at once, still inside the write's transaction.
    """
    ids = {pk for pk in community_ids if pk is not None}
    if not ids:
        return
    if _in_service():
        revised = _revised.get()
        if revised is None:
            revised = set()
            _revised.set(revised)
        revised |= ids
    else:
        for reviser in _revisers:
            reviser(ids)


def register_settler(settler: Callable[[], None]) -> None:
    """Call `settler()` after a write made outside any service has committed."""
    if settler not in _settlers:
        _settlers.append(settler)


def _settle_committed() -> None:
    if pending():
        for settler in _settlers:
            settler()


def touch(community_id: int | None, day: date | None) -> None:
    """Say that a write changed a figure of this community in the month of `day`."""
    if community_id is None or day is None:
        return
    marks = _marks.get()
    if marks is None:
        marks = set()
        _marks.set(marks)
    marks.add((community_id, day.replace(day=1)))
    if not _in_service():
        transaction.on_commit(_settle_committed)


def touch_all(keys: Iterable[tuple[int | None, date | None]]) -> None:
    for community_id, day in keys:
        touch(community_id, day)


def forget() -> None:
    """Drop the remembered marks (a test's records are gone with its transaction)."""
    _marks.set(None)
    _revised.set(None)


def pending() -> bool:
    return bool(_marks.get())


def flush() -> None:
    """Hand every touched community-month to the refreshers, then every changed community
    (touched or revised) to the revisers (call inside a transaction)."""
    marks = _marks.get()
    changed: set[int] = set()
    while marks:
        keys = set(marks)
        marks.clear()
        changed |= {community_id for community_id, _month in keys}
        for refresher in _refreshers:
            refresher(keys)
    revised = _revised.get()
    if revised:
        changed |= revised
        revised.clear()
    if changed:
        for reviser in _revisers:
            reviser(changed)


def _outside_services() -> bool:
    return False  # until committee/services.py says how to tell (it imports this module)


_in_service: Callable[[], bool] = _outside_services


def tell_services_by(check: Callable[[], bool]) -> None:
    """How to tell that a service is running (committee/services.py sets it)."""
    global _in_service
    _in_service = check


# --- reading: a live metric, or its stand-in over the rollups ----------------------------


def register_instead(stand_ins: dict[Metric, Metric]) -> None:
    """Say which live metric has a stand-in over the rollups (the dashboards, at start-up).

    A page of a lower app (the department league, pay by community) then reads through
    ``read`` without knowing the dashboards' tables.
    """
    _instead.update(stand_ins)


def register_shared(sharing: Callable[[], AbstractContextManager]) -> None:
    """Say how the stand-ins share one read for the same communities and period (the
    dashboards' ``shared_reads``), for ``shared``."""
    if sharing not in _sharing:
        _sharing.append(sharing)


_once: ContextVar[dict | None] = ContextVar("juwei_shared_reads", default=None)


@contextmanager
def shared():
    """Within this block, ``read`` of stand-ins that read the same kept sums for the same
    communities and period reads them once (the department league's money and
    administrative share: one query, not two), and so does ``once``."""
    token = _once.set({})
    try:
        with ExitStack() as stack:
            for sharing in _sharing:
                stack.enter_context(sharing())
            yield
    finally:
        _once.reset(token)


def sharing() -> bool:
    """Whether this runs inside ``shared`` (what ``once`` computes is kept)."""
    return _once.get() is not None


def once(key: tuple | None, compute: Callable[[], Any]) -> Any:
    """``compute()``, run once inside ``shared`` for the same key (a page's flags and
    panels ask the same communities' latest surveys, wage benchmarks … several times).
    What it gives is shared: read it, never change it. A key of None: run each time."""
    memo = _once.get()
    if memo is None or key is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def of(values) -> str | tuple | None:
    """A queryset (its SQL) or ids (sorted) as part of a key for ``once``; None for a
    queryset that selects nothing."""
    if not isinstance(values, QuerySet):
        return tuple(sorted(values))
    try:
        return sql(values, unordered=True)
    except EmptyResultSet:
        return None


def sql(queryset: QuerySet, *, unordered: bool = False) -> str:
    """The queryset's SQL (without its ordering: `unordered`), as part of a key for
    ``once``. Inside ``shared`` it is worked out once for the same queryset: a report's
    reads key some twenty reads on the same communities, each compiling their SQL again.
    Raises EmptyResultSet for a queryset that selects nothing."""
    memo = _once.get()
    if memo is None:
        return str((queryset.order_by() if unordered else queryset).query)
    key = ("sql", id(queryset), unordered)
    found = memo.get(key)
    if found is None or found[0] is not queryset:  # the queryset kept: its id not reused
        text = str((queryset.order_by() if unordered else queryset).query)
        found = memo[key] = (queryset, text)
    return found[1]


def ids_of(communities) -> frozenset[int]:
    """The communities' ids, read once inside ``shared`` for the same queryset."""
    key = of(communities)
    return once(
        key and ("id set", key),
        lambda: frozenset(communities.order_by().values_list("pk", flat=True)),
    )


def know_ids(communities, ids) -> None:
    """Tell ``ids_of`` these communities' ids (a caller that has them already)."""
    key = of(communities)
    if key is not None:
        once(("id set", key), lambda: frozenset(ids))


def register_keeper(keeper: Callable[[str, Any, Callable[[], Any]], Any]) -> None:
    """Say how figures of communities are kept between requests (the dashboards' figure
    cache, keyed on each community's revision), for ``kept``."""
    if keeper not in _keepers:
        _keepers.append(keeper)


def kept(name: str, communities, compute: Callable[[], Any]) -> Any:
    """``compute()``'s figures of these communities, kept under `name` (which must hold
    everything else they depend on: the period, the page …) and the communities' state:
    any write that changes a figure of one of them changes the key. Without a keeper
    (the dashboards not installed), computed each time."""
    settle()
    if not _keepers:
        return compute()
    return _keepers[0](name, communities, compute)


def whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end == month_end(end) and start <= end


def instead_of(metric: Metric, start: date, end: date) -> Metric:
    """The rollup stand-in of a live metric for a period of whole months, else the metric."""
    if whole_months(start, end):
        return _instead.get(metric, metric)
    return metric


def read(metric: Metric, communities, start: date, end: date):
    """Call the stand-in of `metric` over the rollups for whole months, the metric otherwise."""
    return instead_of(metric, start, end)(communities, start, end)


def settle() -> None:
    """Before reading a kept figure: refresh what writes outside any service touched."""
    if pending():
        for settler in _settlers:
            settler()
