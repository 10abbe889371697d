"""What the street-office and district pages show, computed for the figure cache
(``dashboards/figure_cache.py``): the figures, and the parts a later visit may reuse.

Given a ``Reuse`` (the parts kept at an earlier state of the page's communities), only the
communities that changed since, and the street offices they belong or belonged to, are
computed again on the district page; its own totals and panels, which add every community
up, always are. The district keeps each community's standing among the worst
(``tables.worst_key``), not its flags: it shows twenty, computed again from their records.
The street-office page keeps each community's flags the same way, and each community's
facts (``dashboards/community_facts.py``: its rollup rows, survey, paperwork and
certificate figures): its own flags and panels add its communities up from those, with
only the changed communities' read again.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from committee.models import Community
from committee.periods import Period, last_twelve_months, month_start
from committee.rollups import whole_months
from dashboards import (
    certificate_facts,
    community_facts,
    panels,
    paperwork_facts,
    pay_medians,
    read_ahead,
    survey_facts,
)
from dashboards.figure_cache import Reuse
from dashboards.flags import (
    Flag,
    Judged,
    flags,
    flags_by_community,
    flags_by_street_office,
    judged_by_community,
    worded,
)
from dashboards.page_reads import know
from dashboards.rollup_metrics import department_reads
from dashboards.tables import listed_rows, rows_for, worst_units

Flags = dict[int, list[Flag]]


def _again(communities: QuerySet, reuse: Reuse | None, part: str) -> tuple[dict, QuerySet]:
    """The communities' kept part, and the communities to compute it for."""
    if reuse is None:
        return {}, communities
    return reuse.of_communities(part), communities.filter(pk__in=sorted(reuse.changed))


def office_flags(communities: QuerySet, period: Period, reuse: Reuse | None) -> Flags:
    """``flags_by_street_office``, computed only for the street offices that changed."""
    if reuse is None:
        return flags_by_street_office(communities, period.start, period.end)
    found = reuse.of_offices("offices")
    if reuse.offices:
        again = communities.filter(street_office__in=sorted(reuse.offices))
        found |= flags_by_street_office(again, period.start, period.end)
    return found


def standings(
    communities: QuerySet, period: Period, kinds: list[str], reuse: Reuse | None
) -> tuple[dict[int, tuple], Judged | None]:
    """Each community's ``worst_key``, and what was read for those ranked now (None when
    every rank was kept): their flags are made only for the communities shown."""
    ranks, again = _again(communities, reuse, "ranks")
    judged = None
    if reuse is None or reuse.changed:
        judged = judged_by_community(again, period.start, period.end)
        ranks |= judged.ranks(kinds)
    return ranks, judged


def street_office(communities: QuerySet, period: Period, reuse: Reuse | None = None):
    """The street-office page's figures, and its parts: each community's flags.

    After a write in one community, only that community's flags are computed again; the
    others' are taken from the parts (``Reuse``). The office's own flags and its panels add
    every community up, and are computed again from each community's rollup rows, kept
    the same way (``_facts``).
    """
    listed = list(communities.order_by("code"))
    ids = [c.pk for c in listed]
    if communities.query.order_by == () and Community._meta.ordering == ["code"]:
        know(communities, ids)  # in the queryset's own order
    facts = _facts(ids, period, reuse)
    by_community = reuse.of_communities("flags") if reuse is not None else {}
    with community_facts.using(facts):
        found = _street_office(communities, period, listed, by_community, reuse)
    return found, {"flags": by_community, "facts": facts.of}


def _facts(ids: list[int], period: Period, reuse: Reuse | None) -> community_facts.Facts:
    """The communities' facts over the page's months and its trend's: kept ones, and
    those of the communities that changed read again. None kept for a period of other
    than whole months, whose figures are read live (the stand-ins are not used)."""
    first, last = last_twelve_months(period.end)
    start, end = min(month_start(period.start), first), last
    if not whole_months(period.start, period.end):
        return community_facts.Facts(start, end, timezone.localdate(), {})
    kept = reuse.of_communities("facts") if reuse is not None else {}
    found = {pk: kept[pk] for pk in ids if pk in kept}
    missing = [pk for pk in ids if pk not in found]
    read = community_facts.read(missing, start, end)
    for pk, surveys in survey_facts.read(missing, start, period.end).items():
        read[pk].surveys = surveys
    for pk, paperwork in paperwork_facts.read(missing, period.start, period.end).items():
        read[pk].paperwork = paperwork
    for pk, certificates in certificate_facts.read(missing, period.start, period.end).items():
        read[pk].certificates = certificates
    return community_facts.Facts(start, end, timezone.localdate(), found | read)


def _street_office(communities, period, listed, by_community, reuse) -> dict:
    start, end = period.start, period.end
    query = period.query()
    if reuse is None or reuse.changed:
        only = None if reuse is None else reuse.changed
        by_community |= flags_by_community(communities, start, end, only=only)
    if listed:
        office = listed[0].street_office_id
        ids = {office: [c.pk for c in listed]}
        totals = flags_by_street_office(communities, start, end, linked=ids)[office]
    else:
        totals = flags(communities, start, end)
    kinds = [f.kind for f in totals]
    units = [(c, f"{reverse('dashboards:community', args=[c.pk])}?{query}") for c in listed]
    rows = rows_for(units, kinds, by_community)
    worded(totals, *(row["flags"].values() for row in rows))
    return {"flags": totals, "rows": rows, "panels": panels.group_panels(communities, period)}


def district(district, communities: QuerySet, period: Period, worst: int, reuse: Reuse | None):
    """The district page's figures, and its parts (each community's standing, each street
    office's flags)."""
    start, end = period.start, period.end
    if reuse is None:
        _read_ahead(communities, period)
    # The panels first: what they read ahead comes back first, and meanwhile the pay
    # medians' sort, which the flags wait for, goes on.
    shown = panels.group_panels(communities, period)
    totals = flags(communities, start, end)
    kinds = [f.kind for f in totals]
    query = period.query()
    offices = list(district.street_offices.order_by("code"))
    units = [(o, f"{reverse('dashboards:street_office', args=[o.pk])}?{query}") for o in offices]
    by_office = office_flags(communities, period, reuse)
    ranks, judged = standings(communities, period, kinds, reuse)
    top = worst_units(list(communities.order_by("code")), ranks, worst)
    computed = judged.flags([c.pk for c in top if c.pk in judged]) if judged else {}
    missing = [c.pk for c in top if c.pk not in computed]
    if missing:
        computed |= flags_by_community(communities.filter(pk__in=missing), start, end)
    members = [(c, f"{reverse('dashboards:community', args=[c.pk])}?{query}") for c in top]
    named = {o.pk: (str(o), url) for o, url in units}
    listed = listed_rows(members, kinds, computed, named)
    # Kept with their words: the offices' rows are worded a page at a time, as shown.
    worded(totals, *(row["flags"].values() for row in listed))
    found = {
        "flags": totals,
        "office_rows": rows_for(units, kinds, by_office),
        "worst": listed,
        "panels": shown,
    }
    return found, {"ranks": ranks, "offices": by_office}


def _read_ahead(communities: QuerySet, period: Period) -> None:
    """Start the district's slowest reads on a connection of their own, answered when the
    page comes to them (``dashboards/read_ahead.py``): the approval queue and the
    department league (the panels', asked first), then the pay medians' sort of every
    person-month (the flags')."""
    read_ahead.start(community_facts.queue_by_community(communities.order_by().values("pk")))
    if whole_months(period.start, period.end):
        for read in department_reads(communities, period.start, period.end):
            read_ahead.start(read)
        pay_medians.start_reading(communities, period.start, period.end)
