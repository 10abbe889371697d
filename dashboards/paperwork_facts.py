"""Each community's paperwork figures for a page's period, kept per community with its
rollup rows (``dashboards/community_facts.py``, the street-office page).

A group's paperwork figures add its communities' up: flagged demands and demands per kind
are counts; returns registered, unapproved, lines asked and repeat asks are counts; the
share of data items asked more than once (重复填报) counts each data item once for the
group, so each community keeps the sets of data items it was asked and asked again, and a
group's share is taken on their unions. ``read`` takes them for some communities in three
queries; the stand-ins below (registered with the rollup stand-ins) add them up inside
``community_facts.using``, and call the live metric anywhere else.
tests/dashboards/test_community_facts.py holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet

from dashboards import community_facts
from dashboards.page_reads import units
from paperwork import metrics as paperwork_metrics
from paperwork.models import Demand, ReturnForm, ReturnItem, unapproved_q

KEYS = ("standing", "over_cap", "no_basis", "flagged")
FORMS = ("registered", "unapproved", "asked", "repeats")


@dataclass
class PaperworkFacts:
    """One community's paperwork figures for [start, end] (module docstring)."""

    start: date
    end: date
    kinds: dict[str, dict[str, int]] = field(default_factory=dict)
    forms: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FORMS, 0))
    asked: set[int] = field(default_factory=set)  # data items asked
    repeated: set[int] = field(default_factory=set)  # data items asked again

    @property
    def flagged(self) -> int:
        return sum(counts["flagged"] for counts in self.kinds.values())


def read(ids: list[int], start: date, end: date) -> dict[int, PaperworkFacts]:
    """The paperwork facts of these communities for [start, end] (three queries)."""
    found = {pk: PaperworkFacts(start, end) for pk in ids}
    if not ids:
        return found
    demands = (
        Demand.objects.filter(community_id__in=sorted(ids))
        .standing_between(start, end)
        .values("community_id", "kind")
        .annotate(**paperwork_metrics.demand_counts())
        .order_by()
    )
    for row in demands:
        found[row["community_id"]].kinds[row["kind"]] = {k: row[f"n_{k}"] for k in KEYS}
    forms = (
        ReturnForm.objects.filter(community_id__in=sorted(ids), registered_on__range=(start, end))
        .values("community_id")
        .annotate(registered=Count("pk"), unapproved=Count("pk", filter=unapproved_q()))
        .order_by()
        .values_list("community_id", "registered", "unapproved")
    )
    for pk, registered, unapproved in forms:
        found[pk].forms |= {"registered": registered, "unapproved": unapproved}
    lines = ReturnItem.objects.filter(
        return_form__community_id__in=sorted(ids), return_form__registered_on__range=(start, end)
    ).values_list("return_form__community_id", "data_item_id", "repeat")
    for pk, item, repeat in lines:
        one = found[pk]
        one.forms["asked"] += 1
        if repeat:
            one.forms["repeats"] += 1
        if item is not None:
            one.asked.add(item)
            if repeat:
                one.repeated.add(item)
    return found


def _kept(communities: QuerySet, start: date, end: date) -> dict[int, PaperworkFacts] | None:
    """The communities' paperwork facts for exactly [start, end], if all are kept."""
    facts = community_facts.facts_for(communities, start, end)
    if facts is None:
        return None
    found = {pk: one.paperwork for pk, one in facts.items()}
    if any(one is None or (one.start, one.end) != (start, end) for one in found.values()):
        return None
    return found


def _share(found) -> Decimal | None:
    asked = set().union(*(one.asked for one in found))
    repeated = set().union(*(one.repeated for one in found))
    return paperwork_metrics._share(len(asked), len(repeated))


def flagged_demands(communities, start: date, end: date) -> int:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.flagged_demands(communities, start, end)
    return sum(one.flagged for one in kept.values())


def flagged_demands_by_community(communities, start: date, end: date) -> dict[int, int]:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.flagged_demands_by_community(communities, start, end)
    return {pk: one.flagged for pk, one in kept.items()}


def duplicate_share(communities, start: date, end: date) -> Decimal | None:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.duplicate_share(communities, start, end)
    return _share(kept.values())


def duplicate_share_by_community(communities, start: date, end: date) -> dict:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.duplicate_share_by_community(communities, start, end)
    return {pk: _share([one]) for pk, one in kept.items()}


def duplicate_share_by_street_office(communities, start: date, end: date) -> dict:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.duplicate_share_by_street_office(communities, start, end)
    offices: dict[int, list[PaperworkFacts]] = {}
    for pk, office, _district in units(communities):
        if kept[pk].forms["asked"]:  # the offices with a line asked, as the database groups
            offices.setdefault(office, []).append(kept[pk])
    return {office: _share(found) for office, found in offices.items()}


def demands_by_kind(communities, start: date, end: date) -> dict[str, dict[str, int]]:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.demands_by_kind(communities, start, end)
    found: dict[str, dict[str, int]] = {}
    for one in kept.values():
        for kind, counts in one.kinds.items():
            total = found.setdefault(kind, dict.fromkeys(KEYS, 0))
            for key in KEYS:
                total[key] += counts[key]
    return found


def return_counts(communities, start: date, end: date) -> dict[str, int]:
    kept = _kept(communities, start, end)
    if kept is None:
        return paperwork_metrics.return_counts(communities, start, end)
    return {key: sum(one.forms[key] for one in kept.values()) for key in FORMS}


INSTEAD = {
    paperwork_metrics.flagged_demands: flagged_demands,
    paperwork_metrics.flagged_demands_by_community: flagged_demands_by_community,
    paperwork_metrics.duplicate_share: duplicate_share,
    paperwork_metrics.duplicate_share_by_community: duplicate_share_by_community,
    paperwork_metrics.duplicate_share_by_street_office: duplicate_share_by_street_office,
    paperwork_metrics.demands_by_kind: demands_by_kind,
    paperwork_metrics.return_counts: return_counts,
}
