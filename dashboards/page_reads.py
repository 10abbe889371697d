"""Reads a dashboard page makes more than once, made once a page.

Inside ``committee.rollups.shared()`` (the dashboards' views enter it), ``once`` keeps what
a read gave for the rest of the block; outside it, every call reads. What is kept is
shared between callers: read it, never change it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from committee import rollups as hook


def community_ids(communities: QuerySet) -> list[int]:
    """``list(communities.values_list("pk", flat=True))`` (in the queryset's order), read
    once a page (``committee.rollups.once``)."""

    def read() -> list[int]:
        return list(communities.values_list("pk", flat=True))

    try:
        key = ("community ids", hook.sql(communities))
    except EmptyResultSet:
        return []
    return list(hook.once(key, read))


def remember(metric: Callable[[QuerySet, date, date], Any], communities, start, end) -> Any:
    """``metric(communities, start, end)``, once a page (``committee.rollups.once``) for the
    same metric, communities and period: a street office's flags per community and its own
    totals read the same survey and paperwork counts per community. Read what it gives,
    never change it."""
    key = hook.of(communities)
    return hook.once(
        key and ("metric", metric, key, start, end), lambda: metric(communities, start, end)
    )


def read_once(metric: Callable[[QuerySet, date, date], Any], communities, start, end) -> Any:
    """``metric``, or its rollup stand-in for whole months (``committee.rollups.instead_of``),
    remembered once a page as ``remember`` does: what a flag, a panel and a report share."""
    return remember(hook.instead_of(metric, start, end), communities, start, end)


def id_set(communities: QuerySet) -> frozenset[int]:
    """The communities' ids as a set, read once a page (or told by ``know``)."""
    return hook.ids_of(communities)


def know(communities: QuerySet, ids: list[int]) -> None:
    """Tell ``id_set`` and ``community_ids`` these communities' ids, in the queryset's
    order (a page that read them already)."""
    if hook.of(communities) is not None:
        hook.know_ids(communities, ids)
        hook.once(("community ids", hook.sql(communities)), lambda: list(ids))


def units(communities: QuerySet) -> list[tuple[int, int, int]]:
    """(id, street office id, district id) of each community, read once a page."""

    def read() -> list[tuple[int, int, int]]:
        rows = communities.order_by().values_list(
            "pk", "street_office_id", "street_office__district_id"
        )
        return list(rows)

    key = hook.of(communities)
    return hook.once(("units", key), read) if key is not None else []
