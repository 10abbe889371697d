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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from committee import rollups as hook
from committee.models import Community
from committee.numbers import CENT, cents, share
from committee.periods import months_between
from dashboards import certificate_facts, paperwork_facts, read_ahead, survey_facts
from dashboards import community_facts as facts
from dashboards.department_rollups import FIGURES as DEPARTMENT
from dashboards.models import DepartmentMonth, DepartmentPendingDue, MonthlyRollup
from dashboards.page_reads import id_set, units
from dashboards.pay_medians import ASSISTANT, FEN, FULLTIME, _medians, _pay_months
from dashboards.pay_medians import BANDED as BANDED  # noqa: PLC0414 -- tests read it here
from dashboards.pay_medians import _medians_live as _medians_live  # noqa: PLC0414 -- same
from dashboards.rollups import SUMS, ZERO, settle_pending
from funds import metrics as funds_metrics
from funds.metrics import FundsSummary
from staff import metrics as staff_metrics
from staff.metrics import PayRatios
from tasks import metrics as tasks_metrics
from tasks.metrics import ADMINISTRATIVE, COMMUNITY, DepartmentRow, Money, MonthCounts, PeakMonth

FUNDS = ["allocated", "pooled", "contributions", "service", "task_funding", "other"]
FUNDS += ["spent", "essential_costs"]


whole_months = hook.whole_months


_shared: ContextVar[dict | None] = ContextVar("juwei_rollup_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block, a page's flags and panels asking for the same communities'
    rollup sums for the same period share one read (a district page asks six times)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _once(read: Callable[[QuerySet, date, date], Any]) -> Callable[[QuerySet, date, date], Any]:
    """`read`, remembered inside `shared_reads` for the same communities and period."""

    @wraps(read)
    def remembered(communities: QuerySet, start: date, end: date):
        memo = _shared.get()
        if memo is None:
            return read(communities, start, end)
        try:
            key = (read.__name__, hook.sql(communities, unordered=True), start, end)
        except EmptyResultSet:
            return read(communities, start, end)
        if key not in memo:
            memo[key] = read(communities, start, end)
        return memo[key]

    return remembered


@_once
def _by_community(communities: QuerySet, start: date, end: date) -> dict[int, dict]:
    """Every rollup figure summed per community over the months (every community given)."""
    kept = facts.facts_for(communities, start, end)
    if kept is not None:
        return {pk: _clean(facts.sums({pk: one}, start, end)) for pk, one in kept.items()}
    settle_pending()
    in_period = Q(monthly_rollups__month__range=(start, end))
    rows = (
        Community.objects.filter(pk__in=communities.order_by().values("pk"))
        .annotate(**{f"r_{n}": Sum(f"monthly_rollups__{n}", filter=in_period) for n in SUMS})
        .order_by()
        .values("pk", *(f"r_{n}" for n in SUMS))
    )
    return {row.pop("pk"): _clean(row) for row in rows}


@_once
def _whole(communities: QuerySet, start: date, end: date) -> dict:
    kept = facts.facts_for(communities, start, end)
    if kept is not None:
        return _clean(facts.sums(kept, start, end))
    settle_pending()
    row = MonthlyRollup.objects.filter(
        community__in=communities.order_by().values("pk"), month__range=(start, end)
    ).aggregate(**{f"r_{n}": Sum(n) for n in SUMS})
    return _clean(row)


def _clean(row: dict) -> dict:
    # Counts as they are; money to the fen (a PostgreSQL sum is a Decimal: quantized straight).
    return {
        name.removeprefix("r_"): value
        if isinstance(value, int)
        else value.quantize(CENT, ROUND_HALF_UP)
        if type(value) is Decimal and value
        else cents(value or ZERO)
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


@_once
def _unauthorised_months(communities, start, end) -> dict[tuple[int, date], int]:
    """(community, month) → tasks worked on while pending or pending past due (2 queries;
    a district page's flags, offices and panel share them). Not to be changed by callers."""
    kept = facts.facts_for(communities, start, end)
    if kept is not None:
        return facts.unauthorised_months(kept, start, end)
    settle_pending()
    where = {
        "community__in": communities.order_by().values("pk"),
        "month__range": (start, end),
    }
    found: dict[tuple[int, date], int] = {}
    worked = MonthlyRollup.objects.filter(**where, tasks_worked_pending__gt=0).values_list(
        "community_id", "month", "tasks_worked_pending"
    )
    overdue = facts.overdue(where)
    if connections[worked.db].vendor == "postgresql":  # ids, dates, counts: as the driver
        worked, overdue = staff_metrics.plain_rows(worked), staff_metrics.plain_rows(overdue)
    for pk, month, n in worked:
        found[(pk, month)] = n
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
    return {pk: tasks_metrics._peak(months.get(pk, [])) for pk in sorted(id_set(communities))}


@_once
def _by_month(communities, start, end) -> dict[date, dict]:
    """Every rollup figure summed per month over the communities (months with a row)."""
    kept = facts.facts_for(communities, start, end)
    if kept is not None:
        return {m: _clean(f) for m, f in facts.sums_by_month(kept, start, end).items()}
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


def money_promised_received(communities, start, end) -> Money:
    f = _whole(communities, start, end)
    return Money(f["money_promised"], f["money_received"])


def money_promised_received_by_community(communities, start, end) -> dict[int, Money]:
    return {
        pk: Money(f["money_promised"], f["money_received"])
        for pk, f in _by_community(communities, start, end).items()
    }


def returns_by_month(communities, start, end) -> dict[date, MonthCounts]:
    return {
        month: MonthCounts(f["meetings"], f["inspections"], f["returns"])
        for month, f in _by_month(communities, start, end).items()
        if f["tasks"]
    }


def tasks_by_department(communities, start, end) -> list[DepartmentRow]:
    """Per department with tasks in the period, from the department rollups (2 queries;
    none inside ``community_facts.using`` for its communities)."""
    kept = facts.facts_for(communities, start, end)
    if kept is not None:
        rows = facts.departments(kept, start, end)
        return [
            _department_row(pk, name, figures, *due)
            for pk, (name, figures, due) in sorted(rows.items(), key=lambda item: item[1][0])
        ]
    overdue_read, rows_read = department_reads(communities, start, end)
    # A district's first visit starts them early (dashboards/read_ahead.py).
    overdue = {pk: (u, t) for pk, u, t in read_ahead.rows(overdue_read)}
    return [
        _department_row(
            pk, name, dict(zip(DEPARTMENT, figures, strict=True)), *overdue.get(pk, (0, 0))
        )
        for pk, name, *figures in read_ahead.rows(rows_read)
    ]


def department_reads(communities, start, end) -> tuple[QuerySet, QuerySet]:
    """The department league's two reads of the rollups: (department, pending unworked,
    pending in time) past their decision day, and (department, name, the sums of
    DEPARTMENT) in order of name."""
    settle_pending()
    where = {
        "community__in": communities.order_by().values("pk"),
        "month__range": (start, end),
    }
    overdue = (
        DepartmentPendingDue.objects.filter(**where, due__lt=timezone.localdate())
        .values("department_id")
        .annotate(u=Sum("unworked"), t=Sum("in_time"))
        .order_by()
        .values_list("department_id", "u", "t")
    )
    sums = {f"s_{name}": Sum(name) for name in DEPARTMENT}
    rows = (
        DepartmentMonth.objects.filter(**where)
        .values("department_id")
        .annotate(name=F("department__name"), **sums)
        .order_by("department__name")
        .values_list("department_id", "name", *sums)
    )
    return overdue, rows


def _department_row(pk: int, name: str, f: dict, unworked: int, in_time: int) -> DepartmentRow:
    return DepartmentRow(
        department_id=pk,
        name=name,
        tasks=f["tasks"],
        unauthorised=f["worked_pending"] + unworked,
        refused=f["refused"],
        overdue=f["decided_late"] + in_time,
        hours=cents(f["hours"] or ZERO),
        money_promised=cents(f["money_promised"] or ZERO),
        money_received=cents(f["money_received"] or ZERO),
    )


def department_league(communities, start, end) -> list[DepartmentRow]:
    return sorted(
        tasks_by_department(communities, start, end),
        key=lambda row: (-row.tasks, -row.hours, row.name),
    )


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


# --- pay (the medians: dashboards/pay_medians.py) ----------------------------------------


@_once
def _medians_by_kind(communities, start, end) -> dict[tuple, Decimal]:
    """The medians of the communities together (the flag and the panel share one read)."""
    return _medians(communities, start, end, ("kind",))


def pay_ratios(communities, start, end) -> PayRatios:
    medians = _medians_by_kind(communities, start, end)
    bench = staff_metrics.benchmarks(communities, start, end)
    return PayRatios(
        fulltime_median=medians.get((FULLTIME,)),
        assistant_median=medians.get((ASSISTANT,)),
        minimum_wage=bench.minimum_wage if bench else None,
        average_wage=bench.average_wage if bench else None,
    )


def pay_ratios_by_community(communities, start, end) -> dict[int, PayRatios]:
    medians = _medians(communities, start, end, ("community_id", "kind"))
    districts = {pk: district_id for pk, _office, district_id in units(communities)}
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


def _pay_summaries(communities, start, end, group: tuple[str, ...]) -> dict:
    return staff_metrics._summaries(
        _pay_months(communities, start, end),
        group,
        person="staff_member_id",
        medians=_medians(communities, start, end, group),
    )


def net_pay_summary(communities, start, end) -> dict[str, staff_metrics.PaySummary]:
    found = staff_metrics._summaries(
        _pay_months(communities, start, end),
        ("kind",),
        person="staff_member_id",
        medians=_medians_by_kind(communities, start, end),
    )
    return {k: found.get((k,), staff_metrics.PaySummary()) for k in (FULLTIME, ASSISTANT)}


def net_pay_summary_by_community(communities, start, end) -> dict[int, dict]:
    return staff_metrics._nested(_pay_summaries(communities, start, end, ("community_id", "kind")))


def net_pay_summary_by_street_office(communities, start, end) -> dict[int, dict]:
    group = ("community__street_office_id", "kind")
    return staff_metrics._nested(_pay_summaries(communities, start, end, group))


def median_net_pay_by_month(communities, start, end) -> dict[date, dict[str, Decimal | None]]:
    found = _medians(communities, start, end, ("month", "kind"))
    months = sorted({month for month, _kind in found})
    return {m: {k: found.get((m, k)) for k in (FULLTIME, ASSISTANT)} for m in months}


def pay_ratios_by_month(communities, start, end) -> dict[date, PayRatios]:
    medians = median_net_pay_by_month(communities, start, end)
    return staff_metrics.ratios_by_month(medians, communities, end)


def pay_by_community_and_office(communities, start, end) -> staff_metrics.PayByUnit:
    rows = (
        _pay_months(communities, start, end)
        .annotate(fen=FEN)
        .values_list(
            "community_id",
            "community__street_office_id",
            "kind",
            "staff_member_id",
            "fen",
            "uninsured",
        )
    )
    return staff_metrics.summarise_person_months(staff_metrics.plain_rows(rows))


def months_without_employer_insurance(communities, start, end) -> int:
    return _pay_months(communities, start, end).filter(uninsured=True).count()


def months_without_employer_insurance_by_community(communities, start, end) -> dict[int, int]:
    found = dict(
        _pay_months(communities, start, end)
        .filter(uninsured=True)
        .values("community_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("community_id", "n")
    )
    return {pk: found.get(pk, 0) for pk in communities.order_by().values_list("pk", flat=True)}


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
    tasks_metrics.money_promised_received: money_promised_received,
    tasks_metrics.money_promised_received_by_community: money_promised_received_by_community,
    tasks_metrics.returns_by_month: returns_by_month,
    tasks_metrics.tasks_by_department: tasks_by_department,
    tasks_metrics.department_league: department_league,
    staff_metrics.net_pay_summary: net_pay_summary,
    staff_metrics.net_pay_summary_by_community: net_pay_summary_by_community,
    staff_metrics.net_pay_summary_by_street_office: net_pay_summary_by_street_office,
    staff_metrics.median_net_pay_by_month: median_net_pay_by_month,
    staff_metrics.pay_ratios_by_month: pay_ratios_by_month,
    staff_metrics.months_without_employer_insurance: months_without_employer_insurance,
    staff_metrics.pay_by_community_and_office: pay_by_community_and_office,
    staff_metrics.months_without_employer_insurance_by_community: (
        months_without_employer_insurance_by_community
    ),
}


# The survey, paperwork and certificate figures a street office's page adds up from its
# communities'.
INSTEAD |= survey_facts.INSTEAD | paperwork_facts.INSTEAD | certificate_facts.INSTEAD

# The rollup version of a live metric for a period of whole months, or the metric itself;
# `read` calls it. They live in committee/rollups.py so the lower apps' pages read through
# them too; `install` hands them INSTEAD.
instead_of = hook.instead_of
read = hook.read


def install() -> None:
    """Let the lower apps' pages read these too (committee.rollups.read)."""
    hook.register_instead(INSTEAD)
    hook.register_shared(shared_reads)
