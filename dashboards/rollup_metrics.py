"""The dashboards' figures read from the monthly rollups instead of the records.

Each function has the signature and the result of the live metric it stands for
(``tasks.metrics``, ``funds.metrics``, ``staff.metrics``), and ``INSTEAD`` maps the live
function to it. ``instead_of(metric, start, end)`` gives the rollup version when the
period is made of whole calendar months (every month, quarter and year is), the live one
otherwise (custom dates); ``read(metric, communities, start, end)`` calls it. Each runs
one query (two for the unauthorised counts and the pay ratios) whatever the number of
communities or months. tests/dashboards/test_rollups.py holds every one equal to its
live metric; the figure tests (tests/dashboards/test_*figures*.py) run through them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from committee.models import Community
from committee.numbers import cents, share
from committee.periods import month_end, months_between
from dashboards.models import MonthlyRollup, PayMonth, PendingDueRollup
from dashboards.rollups import SUMS, ZERO, settle_pending
from funds import metrics as funds_metrics
from funds.metrics import FundsSummary
from staff import metrics as staff_metrics
from staff.metrics import PayRatios
from staff.models import StaffMember
from tasks import metrics as tasks_metrics
from tasks.metrics import ADMINISTRATIVE, COMMUNITY, PeakMonth

FUNDS = ["allocated", "pooled", "contributions", "service", "task_funding", "other"]
FUNDS += ["spent", "essential_costs"]


def whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end == month_end(end) and start <= end


def _by_community(communities: QuerySet, start: date, end: date) -> dict[int, dict]:
    """Every rollup figure summed per community over the months (every community given)."""
    settle_pending()
    in_period = Q(monthly_rollups__month__range=(start, end))
    rows = (
        Community.objects.filter(pk__in=communities.order_by().values("pk"))
        .annotate(**{f"r_{n}": Sum(f"monthly_rollups__{n}", filter=in_period) for n in SUMS})
        .order_by()
        .values("pk", *(f"r_{n}" for n in SUMS))
    )
    return {row.pop("pk"): _clean(row) for row in rows}


def _whole(communities: QuerySet, start: date, end: date) -> dict:
    settle_pending()
    row = MonthlyRollup.objects.filter(
        community__in=communities.order_by().values("pk"), month__range=(start, end)
    ).aggregate(**{f"r_{n}": Sum(n) for n in SUMS})
    return _clean(row)


def _clean(row: dict) -> dict:
    return {
        name.removeprefix("r_"): (value if isinstance(value, int) else cents(value or ZERO))
        for name, value in row.items()
    }


# --- tasks ------------------------------------------------------------------------------


def _admin_share(f: dict) -> Decimal | None:
    return share(f["hours_admin"], f["hours"])


def _funded_share(f: dict) -> Decimal | None:
    return share(Decimal(f["tasks_assist_funded"]), Decimal(f["tasks_assist"]))


def administrative_share(communities, start, end):
    return _admin_share(_whole(communities, start, end))


def administrative_share_by_community(communities, start, end):
    return {pk: _admin_share(f) for pk, f in _by_community(communities, start, end).items()}


def negative_list_worked_on(communities, start, end):
    return _whole(communities, start, end)["tasks_negative_worked"]


def negative_list_worked_on_by_community(communities, start, end):
    found = _by_community(communities, start, end)
    return {pk: f["tasks_negative_worked"] for pk, f in found.items()}


def assistance_funded_share(communities, start, end):
    return _funded_share(_whole(communities, start, end))


def assistance_funded_share_by_community(communities, start, end):
    return {pk: _funded_share(f) for pk, f in _by_community(communities, start, end).items()}


def _unauthorised_months(communities, start, end) -> dict[tuple[int, date], int]:
    """(community, month) → tasks worked on while pending or pending past due (2 queries)."""
    settle_pending()
    where = {
        "community__in": communities.order_by().values("pk"),
        "month__range": (start, end),
    }
    found: dict[tuple[int, date], int] = {}
    worked = MonthlyRollup.objects.filter(**where, tasks_worked_pending__gt=0)
    for pk, month, n in worked.values_list("community_id", "month", "tasks_worked_pending"):
        found[(pk, month)] = n
    overdue = (
        PendingDueRollup.objects.filter(**where, due__lt=timezone.localdate())
        .values("community_id", "month")
        .annotate(n=Sum("tasks"))
        .order_by()
        .values_list("community_id", "month", "n")
    )
    for pk, month, n in overdue:
        found[(pk, month)] = found.get((pk, month), 0) + n
    return found


def unauthorised_peak_month(communities, start, end) -> PeakMonth:
    months: dict[date, int] = {}
    for (_pk, month), n in _unauthorised_months(communities, start, end).items():
        months[month] = months.get(month, 0) + n
    return tasks_metrics._peak(months.items())


def unauthorised_peak_month_by_community(communities, start, end) -> dict[int, PeakMonth]:
    months: dict[int, list[tuple[date, int]]] = {}
    for (pk, month), n in _unauthorised_months(communities, start, end).items():
        months.setdefault(pk, []).append((month, n))
    ids = communities.order_by().values_list("pk", flat=True)
    return {pk: tasks_metrics._peak(months.get(pk, [])) for pk in ids}


def _by_month(communities, start, end) -> dict[date, dict]:
    """Every rollup figure summed per month over the communities (months with a row)."""
    settle_pending()
    rows = (
        MonthlyRollup.objects.filter(
            community__in=communities.order_by().values("pk"), month__range=(start, end)
        )
        .values("month")
        .annotate(**{f"r_{n}": Sum(n) for n in SUMS})
        .order_by("month")
    )
    return {row.pop("month"): _clean(row) for row in rows}


def hours_by_nature_by_month(communities, start, end) -> dict[date, dict]:
    return {
        month: {ADMINISTRATIVE: f["hours_admin"], COMMUNITY: f["hours"] - f["hours_admin"]}
        for month, f in _by_month(communities, start, end).items()
        if f["hours"]
    }


def administrative_share_by_month(communities, start, end) -> dict[date, Decimal | None]:
    return {
        month: share(h[ADMINISTRATIVE], h[ADMINISTRATIVE] + h[COMMUNITY])
        for month, h in hours_by_nature_by_month(communities, start, end).items()
    }


def unauthorised_tasks_by_month(communities, start, end) -> dict[date, int]:
    months: dict[date, int] = {}
    for (_pk, month), n in sorted(_unauthorised_months(communities, start, end).items()):
        if n:
            months[month] = months.get(month, 0) + n
    return dict(sorted(months.items()))


# --- funds ------------------------------------------------------------------------------


def _summary(f: dict) -> FundsSummary:
    return FundsSummary(**{name: f[name] for name in FUNDS})


def funds_summary(communities, start, end) -> FundsSummary:
    return _summary(_whole(communities, start, end))


def funds_summary_by_community(communities, start, end) -> dict[int, FundsSummary]:
    return {pk: _summary(f) for pk, f in _by_community(communities, start, end).items()}


def funds_summary_by_month(communities, start, end) -> dict[date, FundsSummary]:
    found = _by_month(communities, start, end)
    return {
        month: _summary(found[month]) if month in found else FundsSummary()
        for month in months_between(start, end)
    }


def usable_essential_ratio(communities, start, end):
    return funds_summary(communities, start, end).usable_essential_ratio


def usable_essential_ratio_by_community(communities, start, end):
    found = funds_summary_by_community(communities, start, end)
    return {pk: s.usable_essential_ratio for pk, s in found.items()}


def pooled_share(communities, start, end):
    return funds_summary(communities, start, end).pooled_share


def pooled_share_by_community(communities, start, end):
    return {
        pk: s.pooled_share for pk, s in funds_summary_by_community(communities, start, end).items()
    }


# --- pay --------------------------------------------------------------------------------

FULLTIME, ASSISTANT = StaffMember.Kind.FULLTIME.value, StaffMember.Kind.ASSISTANT.value


def _pay_months(communities, start, end) -> QuerySet:
    settle_pending()
    return PayMonth.objects.filter(
        community__in=communities.order_by().values("pk"), month__range=(start, end)
    )


def pay_ratios(communities, start, end) -> PayRatios:
    medians = staff_metrics._medians(_pay_months(communities, start, end), ("kind",))
    bench = staff_metrics.benchmarks(communities, start, end)
    return PayRatios(
        fulltime_median=medians.get((FULLTIME,)),
        assistant_median=medians.get((ASSISTANT,)),
        minimum_wage=bench.minimum_wage if bench else None,
        average_wage=bench.average_wage if bench else None,
    )


def pay_ratios_by_community(communities, start, end) -> dict[int, PayRatios]:
    medians = staff_metrics._medians(_pay_months(communities, start, end), ("community_id", "kind"))
    districts = dict(communities.order_by().values_list("pk", "street_office__district_id"))
    bench = staff_metrics._benchmarks_by_district(set(districts.values()), end.year)
    result = {}
    for pk, district_id in districts.items():
        row = bench.get(district_id)
        result[pk] = PayRatios(
            fulltime_median=medians.get((pk, FULLTIME)),
            assistant_median=medians.get((pk, ASSISTANT)),
            minimum_wage=row.minimum_wage if row else None,
            average_wage=row.average_wage if row else None,
        )
    return result


INSTEAD: dict[Callable, Callable] = {
    tasks_metrics.administrative_share: administrative_share,
    tasks_metrics.administrative_share_by_community: administrative_share_by_community,
    tasks_metrics.negative_list_worked_on: negative_list_worked_on,
    tasks_metrics.negative_list_worked_on_by_community: negative_list_worked_on_by_community,
    tasks_metrics.assistance_funded_share: assistance_funded_share,
    tasks_metrics.assistance_funded_share_by_community: assistance_funded_share_by_community,
    tasks_metrics.unauthorised_peak_month: unauthorised_peak_month,
    tasks_metrics.unauthorised_peak_month_by_community: unauthorised_peak_month_by_community,
    funds_metrics.summary: funds_summary,
    funds_metrics.summary_by_community: funds_summary_by_community,
    funds_metrics.summary_by_month: funds_summary_by_month,
    tasks_metrics.hours_by_nature_by_month: hours_by_nature_by_month,
    tasks_metrics.administrative_share_by_month: administrative_share_by_month,
    tasks_metrics.unauthorised_tasks_by_month: unauthorised_tasks_by_month,
    funds_metrics.usable_essential_ratio: usable_essential_ratio,
    funds_metrics.usable_essential_ratio_by_community: usable_essential_ratio_by_community,
    funds_metrics.pooled_share: pooled_share,
    funds_metrics.pooled_share_by_community: pooled_share_by_community,
    staff_metrics.pay_ratios: pay_ratios,
    staff_metrics.pay_ratios_by_community: pay_ratios_by_community,
}


def instead_of(metric: Callable, start: date, end: date) -> Callable:
    """The rollup version of a live metric for this period, or the metric itself."""
    if whole_months(start, end):
        return INSTEAD.get(metric, metric)
    return metric


def read(metric: Callable, communities, start: date, end: date):
    """Call the rollup version of `metric` for whole months, the metric itself otherwise."""
    return instead_of(metric, start, end)(communities, start, end)
