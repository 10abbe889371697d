"""Finished reports of ended periods, drawn once and kept in the database.

A report of a month, quarter or year that has ended is stored (``StoredReport``) under its
kind, unit, period and language, with the stamp of the figures it was drawn from
(``dashboards.report_changes.stamp``). The next request for it is one query for the
stamp and one for the stored PDF; a correction to the period's records since (a late
time entry, a restored record, a changed threshold, a rebuilt rollup) gives another stamp,
and the report is drawn again. So is a report one of whose period's pending tasks has
fallen overdue since it was drawn (the unauthorised count depends on the day it is read):
it is kept only through the first such due date.

The document is dated: its cover says the day it was drawn up, and the approval queue
it shows is the queue of that day. The current period, and custom dates, are always
drawn afresh.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Min, Q
from django.utils import timezone, translation

from committee.periods import Period
from dashboards import report_changes
from dashboards.models import PendingDueRollup, StoredReport
from dashboards.rollups import settle_pending
from dashboards.services import store_report

COMMUNITY = "community"
STREET_OFFICE = "street_office"
WHOLE_PERIODS = ("month", "quarter", "year")


def is_closed(period: Period) -> bool:
    """A whole month, quarter or year that has ended: its report can be kept."""
    return period.kind in WHOLE_PERIODS and period.end < timezone.localdate()


def report_pdf(
    kind: str,
    unit_id: int,
    community_ids: list[int],
    period: Period,
    filename: str,
    draw: Callable[[], bytes],
) -> bytes:
    """The report's PDF: the stored copy when it still holds, else ``draw()`` (kept when
    the period is closed). The caller has already checked that the user may see it."""
    if not is_closed(period):
        return draw()
    settle_pending()  # a write outside any service marks its months before the stamp is read
    today = timezone.localdate()
    key = {
        "kind": kind,
        "object_id": unit_id,
        "period": f"{period.kind}:{period.start}:{period.end}",
        "language": translation.get_language() or "",
    }
    stamp = report_changes.stamp(community_ids, period.start, period.end)
    stored = (
        StoredReport.objects.filter(**key, stamp=stamp)
        .filter(Q(fresh_through__isnull=True) | Q(fresh_through__gte=today))
        .values_list("pdf", flat=True)
        .first()
    )
    if stored is not None:
        return bytes(stored)
    data = draw()
    store_report(
        **key,
        stamp=stamp,
        fresh_through=_first_due(community_ids, period, today),
        filename=filename,
        pdf=data,
    )
    return data


def _first_due(community_ids: list[int], period: Period, today):
    """The first day on which a pending task of the period falls overdue (None: none)."""
    return PendingDueRollup.objects.filter(
        community__in=community_ids,
        month__range=(period.start.replace(day=1), period.end),
        due__gte=today,
    ).aggregate(first=Min("due"))["first"]
