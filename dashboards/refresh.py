"""The street-office and district pages drawn by a worker ahead of their visits.

A page's figures and body are kept in the figure cache (``dashboards/figure_cache.py``)
under a key of its communities' revisions and today: the first visit after any write in
one of its communities, and the first of each day, computes them again while the official
waits (a district of two thousand communities: about two seconds). So that the visit
after a write finds the page drawn:

- ``bump`` (``dashboards/revisions.py``), in the write's transaction, hands the
  communities to ``written``, which gathers them for the transaction; once it commits,
  their street offices' and districts' pages are queued (``queue``) to be drawn
  ``DASHBOARD_REFRESH_SECONDS`` later (settings);
- one ``PageRefresh`` row per page while its job waits or draws (a unique constraint): a
  burst of writes queues one job. When the job has drawn, it drops the row and compares
  the page's communities' state (``figure_cache.state``) with the one it began with: if a
  write came meanwhile, the page is queued again, after ``PAUSE`` times the drawing's
  time, so that a page written to all day takes a bounded share of a worker. A row older
  than ``LOST`` (its job lost with a worker or a queue) is queued again;
- the job (``refresh_page``) draws what the page's own visit would (the same functions,
  ``dashboards.views``): the current period, in every language, with no query string and
  with the period's own (the links between dashboards carry it);
- every page is queued once a day, at the first worker beat after midnight (when every
  kept page's key changes with the day), and once per deployment that draws them
  differently (``daily``, run at each beat of ``jobs_worker``); ``manage.py
  refresh_dashboards`` queues them all by hand.

A visit that comes before the worker computes the page itself, as without this module;
it is never shown older figures (the key is read by the visit).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from committee import rollups
from committee.jobs import DEFAULT
from committee.models import Community, District, StreetOffice
from committee.periods import Period
from dashboards import figure_cache
from dashboards.models import PageRefresh

# A row whose job has not dropped it after this long was lost (a worker killed before it
# ran, a queue emptied by hand): the next write queues the page again.
LOST = timedelta(minutes=10)
_GATHERED = "_juwei_refresh_gathered"
# A page changed while it was drawn is drawn again after this many times the drawing's time
# (or DASHBOARD_REFRESH_SECONDS, if longer).
PAUSE = 4
# Each page's unit, its URL, and the lookup from a community to the unit.
UNITS = {
    PageRefresh.Page.STREET_OFFICE: (StreetOffice, "dashboards:street_office", "street_office"),
    PageRefresh.Page.DISTRICT: (District, "dashboards:district", "street_office__district"),
}


def written(community_ids: Iterable[int]) -> None:
    """Gather these communities for the current transaction's commit (or queue their
    pages now, outside one). Called by ``revisions.bump``, once per write at most."""
    gathered = getattr(connection, _GATHERED, None)
    # The gathering's callback is in the commit's list unless a rollback dropped it.
    new = gathered is None or not any(
        entry[1] is gathered.flush for entry in connection.run_on_commit
    )
    if new:
        gathered = _Gathered()
        setattr(connection, _GATHERED, gathered)
    gathered.ids.update(community_ids)
    if new:
        transaction.on_commit(gathered.flush)  # outside a transaction: at once


class _Gathered:
    def __init__(self) -> None:
        self.ids: set[int] = set()

    def flush(self) -> None:
        if getattr(connection, _GATHERED, None) is self:
            delattr(connection, _GATHERED)
        units = Community.objects.filter(pk__in=sorted(self.ids)).values_list(
            "street_office_id", "street_office__district_id"
        )
        offices = sorted({office for office, _district in units})
        districts = sorted({district for _office, district in units})
        queue(
            [(PageRefresh.Page.STREET_OFFICE, pk) for pk in offices]
            + [(PageRefresh.Page.DISTRICT, pk) for pk in districts]
        )


def queue(pages: list[tuple[str, int]], delay: int | None = None) -> int:
    """Queue a job for each page that has none waiting; how many were queued."""
    if not pages:
        return 0
    now = timezone.now()
    quote = connection.ops.quote_name
    table = quote(PageRefresh._meta.db_table)
    queued = []
    for start in range(0, len(pages), 300):
        part = pages[start : start + 300]
        rows = ", ".join(["(%s, %s, %s)"] * len(part))
        params = [value for page, pk in part for value in (page, pk, now)]
        # A page already waiting is left alone, unless its row is so old its job was lost.
        sql = (
            f"INSERT INTO {table} (page, unit_id, queued_at) VALUES {rows}"
            f" ON CONFLICT (page, unit_id) DO UPDATE SET queued_at = excluded.queued_at"
            f" WHERE {table}.queued_at < %s RETURNING page, unit_id"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [*params, now - LOST])
            queued += cursor.fetchall()
    seconds = settings.DASHBOARD_REFRESH_SECONDS if delay is None else delay
    run = refresh_page.using(run_after=now + timedelta(seconds=seconds))
    for page, pk in sorted(queued):
        run.enqueue(str(page), pk)
    return len(queued)


def every_page() -> list[tuple[str, int]]:
    """Every district's and street office's page, the districts first."""
    districts = District.objects.order_by("pk").values_list("pk", flat=True)
    offices = StreetOffice.objects.order_by("pk").values_list("pk", flat=True)
    pages = [(PageRefresh.Page.DISTRICT, pk) for pk in districts]
    return pages + [(PageRefresh.Page.STREET_OFFICE, pk) for pk in offices]


def queue_all() -> int:
    """Queue every page (the day's first drawing)."""
    return queue(every_page(), delay=0)


_daily_done: str | None = None  # this process's last marker (module docstring)


def daily() -> int:
    """At a worker's beat: queue every page once a day and once per deployment (the first
    beat after midnight, or of a worker that draws with other templates or translations);
    one worker of many does it (the figure cache's ``add`` of the day's marker). How many
    pages were queued."""
    global _daily_done  # noqa: PLW0603 -- a memo of this process's last marker
    marker = f"dashboards-drawn:{timezone.localdate().isoformat()}:{figure_cache.drawn()[:16]}"
    if marker == _daily_done:
        return 0
    first = caches[figure_cache.ALIAS].add(marker, True, timeout=2 * 24 * 3600)
    _daily_done = marker
    return queue_all() if first else 0


@task(queue_name=DEFAULT)
def refresh_page(page: str, unit_id: int) -> int:
    """The job: draw one page as its visits will ask for it; how many bodies were drawn.

    The page's row stays while it draws, so the writes meanwhile queue nothing; then the
    row goes, and if its communities changed since the drawing began, the page is queued
    again, ``PAUSE`` times the drawing's time later at the least: a district written to
    all day is drawn over and over, but by a fifth of a worker at most."""
    communities = _communities(page, unit_id)
    before = figure_cache.state(communities)
    started = time.monotonic()
    drawn = draw(page, unit_id)
    took = time.monotonic() - started
    PageRefresh.objects.filter(page=page, unit_id=unit_id).delete()
    if figure_cache.state(communities) != before:
        delay = max(settings.DASHBOARD_REFRESH_SECONDS, math.ceil(PAUSE * took))
        queue([(page, unit_id)], delay=delay)
    return drawn


def _communities(page: str, unit_id: int) -> QuerySet:
    return Community.objects.filter(**{UNITS[page][2]: unit_id})


def draw(page: str, unit_id: int, period: Period | None = None) -> int:
    """Draw and keep the page's figures and bodies for the period (the current one), in
    every language, with no query string and with the period's own; 0 if the unit is
    gone."""
    from dashboards.views import (  # the views draw the same pages
        DistrictDashboardView,
        district_body,
        period_context,
        street_office_body,
    )

    period = period or Period.from_query({}, timezone.localdate())
    model, url, _lookup = UNITS[page]
    unit = model.objects.filter(pk=unit_id).first()
    if unit is None:
        return 0
    path = reverse(url, args=[unit.pk])
    drawn = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language), rollups.shared():
            for query in ("", period.query()):
                request = _request(path, query)
                context = period_context(period)
                if page == PageRefresh.Page.STREET_OFFICE:
                    street_office_body(unit, context, request)
                else:
                    view = DistrictDashboardView
                    district_body(unit, context, request, view.per_page, view.worst_communities)
                drawn += 1
    return drawn


def _request(path: str, query: str) -> HttpRequest:
    """A GET of the page as a visit asks it: the bodies draw their links from its query."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query
    return request
