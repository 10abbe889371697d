"""Each community's rollup rows for a page's months, kept per community (street office).

A street office's own figures add its communities up: its hours, money and task counts
are sums of theirs, its pay medians are taken over their person-months together. So a
community's part of them is its rows of the monthly rollups (``MonthlyRollup``), its
pending tasks past their due day (``PendingDueRollup``), its person-months counted per
amount (``PayMonth``), its rows of the department league (``DepartmentMonth``, with the
departments' pending tasks past their decision day) and its approval queue (tasks waiting
for a decision, and of them overdue): ``read`` takes them for some communities in six
queries,
``using`` hands them to the rollup reads (``dashboards/rollup_metrics.py``,
``dashboards/pay_medians.py``), which add them up in Python instead of asking the database
(``facts_for``) for any of those communities and months. The street-office page keeps them
in its parts (``dashboards/figure_cache.py``) per community, with the state they were
read at: after a write in one community, only that community's are read again.

What is added up equals what the database sums (tests/dashboards/test_community_facts.py):
sums of whole counts and of amounts to the fen, medians by the same middle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone

from dashboards.department_rollups import FIGURES as DEPARTMENT
from dashboards.models import (
    DepartmentMonth,
    DepartmentPendingDue,
    MonthlyRollup,
    PayMonth,
    PendingDueRollup,
)
from dashboards.page_reads import id_set
from dashboards.rollups import SUMS, settle_pending
from tasks.models import Task

FEN = Cast(Round(F("net") * 100), BigIntegerField())  # whole fen (SQLite multiplies floats)


@dataclass
class CommunityFacts:
    """One community's rollup rows over some months (module docstring)."""

    months: dict[date, tuple] = field(default_factory=dict)  # month → values of SUMS
    due: dict[date, int] = field(default_factory=dict)  # month → pending tasks past due
    pay: dict[tuple[date, str], dict[int, int]] = field(default_factory=dict)
    # (month, kind) → {net pay in fen: person-months}
    departments: dict[tuple[date, int], tuple] = field(default_factory=dict)
    # (month received, department) → values of DEPARTMENT (department_rollups.FIGURES)
    department_due: dict[tuple[date, int], tuple[int, int]] = field(default_factory=dict)
    # (month received, department) → (pending unworked, pending in time) past decision day
    names: dict[int, str] = field(default_factory=dict)  # department → its name
    queue: tuple[int, int] = (0, 0)  # tasks waiting for a decision, and of them overdue
    surveys: Any = None  # its survey figures (dashboards/survey_facts.py: SurveyFacts)
    paperwork: Any = None  # its paperwork figures (dashboards/paperwork_facts.py)
    certificates: Any = None  # its certificate desk's counts (dashboards/certificate_facts.py)


@dataclass
class Facts:
    """Some communities' facts over the months ``start``–``end``, as of ``today``."""

    start: date
    end: date
    today: date
    of: dict[int, CommunityFacts]


_active: ContextVar[Facts | None] = ContextVar("juwei_community_facts", default=None)


def read(ids: list[int], start: date, end: date) -> dict[int, CommunityFacts]:
    """The facts of these communities over these months, in six queries."""
    settle_pending()
    found = {pk: CommunityFacts() for pk in ids}
    if not ids:
        return found
    where = {"community_id__in": sorted(ids), "month__range": (start, end)}
    rows = (
        MonthlyRollup.objects.filter(**where).order_by().values_list("community_id", "month", *SUMS)
    )
    for pk, month, *values in rows:
        found[pk].months[month] = tuple(values)
    for pk, month, n in overdue(where):
        found[pk].due[month] = n
    pay = (
        PayMonth.objects.filter(**where)
        .annotate(fen=FEN)
        .values("community_id", "month", "kind", "fen")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("community_id", "month", "kind", "fen", "n")
    )
    for pk, month, kind, fen, n in pay:
        found[pk].pay.setdefault((month, kind), {})[int(fen)] = n
    _read_departments(found, where)
    return found


def _read_departments(found: dict[int, CommunityFacts], where: dict) -> None:
    """The department league's rows and the approval queue of these communities."""
    today = timezone.localdate()
    rows = (
        DepartmentMonth.objects.filter(**where)
        .order_by()
        .values_list("community_id", "month", "department_id", "department__name", *DEPARTMENT)
    )
    for pk, month, department, name, *values in rows:
        found[pk].departments[(month, department)] = tuple(values)
        found[pk].names[department] = name
    due = (
        DepartmentPendingDue.objects.filter(**where, due__lt=today)
        .values("community_id", "month", "department_id")
        .annotate(u=Sum("unworked"), t=Sum("in_time"))
        .order_by()
        .values_list("community_id", "month", "department_id", "u", "t")
    )
    for pk, month, department, unworked, in_time in due:
        found[pk].department_due[(month, department)] = (unworked, in_time)
    for pk, waiting, overdue in queue_by_community(where["community_id__in"]):
        found[pk].queue = (waiting, overdue)


def queue_by_community(communities) -> QuerySet:
    """(community, tasks waiting for a decision, of them overdue) of these communities
    (ids or a queryset of their ids) with any waiting."""
    today = timezone.localdate()
    return (
        Task.objects.filter(community_id__in=communities)
        .awaiting_decision()
        .values("community_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(decision_due__lt=today)))
        .order_by()
        .values_list("community_id", "n", "late")
    )


def overdue(where: dict) -> QuerySet:
    """(community, month, tasks) still pending past their due day, of these rows."""
    return (
        PendingDueRollup.objects.filter(**where, due__lt=timezone.localdate())
        .values("community_id", "month")
        .annotate(n=Sum("tasks"))
        .order_by()
        .values_list("community_id", "month", "n")
    )


@contextmanager
def using(facts: Facts) -> Iterator[None]:
    """Within this block, the rollup reads of these communities and months add up
    ``facts`` instead of reading the database."""
    token = _active.set(facts)
    try:
        yield
    finally:
        _active.reset(token)


def facts_for(communities: QuerySet, start: date, end: date) -> dict[int, CommunityFacts] | None:
    """The facts of these communities for [start, end] in the block of ``using``, if it
    holds them all; else None (the caller reads the database)."""
    found = _active.get()
    if found is None or not (found.start <= start and end <= found.end):
        return None
    if found.today != timezone.localdate():
        return None
    ids = id_set(communities)
    if not ids <= found.of.keys():
        return None
    return {pk: found.of[pk] for pk in ids}


def sums(facts: dict[int, CommunityFacts], start: date, end: date) -> dict[str, object]:
    """Every rollup figure summed over these communities and months, as ``Sum`` gives
    them (None where no row: ``rollup_metrics._clean`` makes them what the database's
    sums make)."""
    totals: list = [None] * len(SUMS)
    for one in facts.values():
        for month, values in one.months.items():
            if start <= month <= end:
                _add(totals, values)
    return {f"r_{name}": total for name, total in zip(SUMS, totals, strict=True)}


def sums_by_month(facts: dict[int, CommunityFacts], start: date, end: date) -> dict[date, dict]:
    """The same per month with a row, in order of month."""
    months: dict[date, list] = {}
    for one in facts.values():
        for month, values in one.months.items():
            if start <= month <= end:
                _add(months.setdefault(month, [None] * len(SUMS)), values)
    return {
        month: {f"r_{name}": v for name, v in zip(SUMS, months[month], strict=True)}
        for month in sorted(months)
    }


def _add(totals: list, values: tuple) -> None:
    for i, value in enumerate(values):
        totals[i] = value if totals[i] is None else totals[i] + value


WORKED = SUMS.index("tasks_worked_pending")


def unauthorised_months(
    facts: dict[int, CommunityFacts], start: date, end: date
) -> dict[tuple[int, date], int]:
    """(community, month) → tasks worked on while pending or pending past due."""
    found: dict[tuple[int, date], int] = {}
    for pk, one in facts.items():
        for month, values in one.months.items():
            if start <= month <= end and values[WORKED] > 0:
                found[(pk, month)] = values[WORKED]
        for month, n in one.due.items():
            if start <= month <= end:
                found[(pk, month)] = found.get((pk, month), 0) + n
    return found


def pay_counts(
    facts: dict[int, CommunityFacts], start: date, end: date, key
) -> dict[tuple, dict[int, int]]:
    """{key(community, month, kind): {fen: person-months}} over these months."""
    counts: dict[tuple, dict[int, int]] = {}
    for pk, one in facts.items():
        for (month, kind), amounts in one.pay.items():
            if start <= month <= end:
                found = counts.setdefault(key(pk, month, kind), {})
                for fen, n in amounts.items():
                    found[fen] = found.get(fen, 0) + n
    return counts


def departments(
    facts: dict[int, CommunityFacts], start: date, end: date
) -> dict[int, tuple[str, dict[str, object], list[int]]]:
    """Per department with tasks received in these months: its name, its DEPARTMENT
    figures summed (as ``Sum`` gives them) and its pending tasks past their decision day
    ([unworked, in time])."""
    found: dict[int, tuple[str, list, list[int]]] = {}
    for one in facts.values():
        for (month, department), values in one.departments.items():
            if start <= month <= end:
                name = one.names[department]
                _add(
                    found.setdefault(department, (name, [None] * len(DEPARTMENT), [0, 0]))[1],
                    values,
                )
    for one in facts.values():
        for (month, department), pending in one.department_due.items():
            if start <= month <= end and department in found:
                due = found[department][2]
                due[0], due[1] = due[0] + pending[0], due[1] + pending[1]
    return {
        department: (name, dict(zip(DEPARTMENT, totals, strict=True)), due)
        for department, (name, totals, due) in found.items()
    }


def queue(facts: dict[int, CommunityFacts]) -> tuple[int, int]:
    """Tasks of these communities waiting for a decision, and of them overdue."""
    return (
        sum(one.queue[0] for one in facts.values()),
        sum(one.queue[1] for one in facts.values()),
    )
