"""Each street office's own figures: sums over its communities, in one go for a district.

The district page gives every street office one row of its *own* totals (its hours, its
money, its pay medians, its survey answers added up), not the worst of its communities.
``by_street_office(metric, communities, start, end)`` stands for calling the live
``metric`` (a flag's ``Figure.whole``) once per street office of ``communities``: it
gives ``{street office id: what metric would give for that office's communities}`` in a
fixed number of queries whatever the number of offices or communities, or None when it
has no grouped version of that metric for that period (the caller then calls the metric
once per office). Task, money and pay figures are read from the monthly rollups and so
are grouped only for periods of whole months (every month, quarter and year); the survey
and paperwork figures for any period.

Shares and ratios are taken on the office's sums (never averaged over communities);
medians are taken over the office's person-months; the latest survey of each community
is added up, as ``latest_committee_nature_counts`` does for any set of communities.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from dashboards import community_facts
from dashboards import rollup_metrics as rm
from dashboards.page_reads import read_once, units
from dashboards.pay_medians import _middle, community_and_office_medians
from funds import metrics as funds_metrics
from paperwork import metrics as paperwork_metrics
from staff import metrics as staff_metrics
from staff.metrics import PayRatios
from surveys import metrics as surveys_metrics
from surveys.metrics import NatureCounts
from tasks import metrics as tasks_metrics


class OfficeFigures:
    """The grouped figures of one request; each underlying query runs once."""

    def __init__(self, communities: QuerySet, start: date, end: date):
        self.communities, self.start, self.end = communities, start, end
        rows = units(communities)
        self.office_of: dict[int, int] = {}
        self.district_of: dict[int, int] = {}
        for pk, office_id, district_id in rows:
            self.office_of[pk] = office_id
            self.district_of[office_id] = district_id
        self._memo: dict[str, Any] = {}

    def _once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _sum_by_office(self, per_community: dict[int, Any], add, empty) -> dict[int, Any]:
        found = {office: empty() for office in self.district_of}
        for pk, value in per_community.items():
            office = self.office_of[pk]
            found[office] = add(found[office], value)
        return found

    # --- rollups (whole months) ------------------------------------------------------

    def rollups(self) -> dict[int, dict]:
        def add(total: dict, figures: dict) -> dict:
            return {name: total.get(name, 0) + value for name, value in figures.items()}

        return self._once(
            "rollups",
            lambda: self._sum_by_office(
                rm._by_community(self.communities, self.start, self.end), add, dict
            ),
        )

    def _from_rollups(self, read: Callable[[dict], Any]) -> dict[int, Any]:
        return {office: read(f) for office, f in self.rollups().items()}

    def administrative_share(self):
        return self._from_rollups(rm._admin_share)

    def negative_list_worked_on(self):
        return self._from_rollups(lambda f: f["tasks_negative_worked"])

    def assistance_funded_share(self):
        return self._from_rollups(rm._funded_share)

    def funds_summary(self):
        return self._from_rollups(rm._summary)

    def usable_essential_ratio(self):
        return {o: s.usable_essential_ratio for o, s in self.funds_summary().items()}

    def pooled_share(self):
        return {o: s.pooled_share for o, s in self.funds_summary().items()}

    def unauthorised_peak_month(self):
        months: dict[int, dict[date, int]] = {office: {} for office in self.district_of}
        found = rm._unauthorised_months(self.communities, self.start, self.end)
        for (pk, month), n in found.items():
            by_month = months[self.office_of[pk]]
            by_month[month] = by_month.get(month, 0) + n
        return {office: tasks_metrics._peak(m.items()) for office, m in months.items()}

    def pay_ratios(self):
        def compute():
            kept = community_facts.facts_for(self.communities, self.start, self.end)
            if kept is not None:
                by_office = community_facts.pay_counts(
                    kept, self.start, self.end, lambda pk, _month, kind: (self.office_of[pk], kind)
                )
                medians = {key: _middle(found) for key, found in by_office.items() if found}
            else:
                both = community_and_office_medians(self.communities, self.start, self.end)
                if both is not None:
                    medians = both[1]
                else:
                    records = rm._pay_months(self.communities, self.start, self.end)
                    group = ("community__street_office_id", "kind")
                    medians = staff_metrics._medians(records, group)
            bench = staff_metrics._benchmarks_by_district(
                set(self.district_of.values()), self.end.year
            )
            result = {}
            for office, district_id in self.district_of.items():
                row = bench.get(district_id)
                result[office] = PayRatios(
                    fulltime_median=medians.get((office, rm.FULLTIME)),
                    assistant_median=medians.get((office, rm.ASSISTANT)),
                    minimum_wage=row.minimum_wage if row else None,
                    average_wage=row.average_wage if row else None,
                )
            return result

        return self._once("pay", compute)

    # --- any period --------------------------------------------------------------------

    def nature_counts(self):
        def add(total: NatureCounts, counts: NatureCounts) -> NatureCounts:
            return NatureCounts(
                government=total.government + counts.government,
                residents=total.residents + counts.residents,
                unknown=total.unknown + counts.unknown,
                total=total.total + counts.total,
            )

        found = read_once(
            surveys_metrics.latest_committee_nature_counts_by_community,
            self.communities,
            self.start,
            self.end,
        )
        return self._sum_by_office(found, add, NatureCounts)

    def flagged_demands(self):
        metric = paperwork_metrics.flagged_demands_by_community
        found = read_once(metric, self.communities, self.start, self.end)
        return self._sum_by_office(found, lambda a, b: a + b, int)

    def duplicate_share(self):
        metric = rm.instead_of(
            paperwork_metrics.duplicate_share_by_street_office, self.start, self.end
        )
        found = metric(self.communities, self.start, self.end)
        return {office: found.get(office) for office in self.district_of}


ROLLED_UP: dict[Callable, Callable[[OfficeFigures], dict]] = {
    tasks_metrics.administrative_share: OfficeFigures.administrative_share,
    tasks_metrics.negative_list_worked_on: OfficeFigures.negative_list_worked_on,
    tasks_metrics.assistance_funded_share: OfficeFigures.assistance_funded_share,
    tasks_metrics.unauthorised_peak_month: OfficeFigures.unauthorised_peak_month,
    funds_metrics.summary: OfficeFigures.funds_summary,
    funds_metrics.usable_essential_ratio: OfficeFigures.usable_essential_ratio,
    funds_metrics.pooled_share: OfficeFigures.pooled_share,
    staff_metrics.pay_ratios: OfficeFigures.pay_ratios,
}
ANY_PERIOD: dict[Callable, Callable[[OfficeFigures], dict]] = {
    surveys_metrics.latest_committee_nature_counts: OfficeFigures.nature_counts,
    paperwork_metrics.flagged_demands: OfficeFigures.flagged_demands,
    paperwork_metrics.duplicate_share: OfficeFigures.duplicate_share,
}


def grouped(metric: Callable, figures: OfficeFigures) -> dict[int, Any] | None:
    """``metric`` per street office in a fixed number of queries, or None without a way."""
    method = ANY_PERIOD.get(metric)
    if method is None and rm.whole_months(figures.start, figures.end):
        method = ROLLED_UP.get(metric)
    return None if method is None else method(figures)
