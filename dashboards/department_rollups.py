"""The department dimension of the monthly rollups: what the department league reads.

Per community, month a task was received and department: the task counts, the hours
logged on those tasks (whenever logged) and their money (``DepartmentMonth``), and the
pending ones by decision date (``DepartmentPendingDue``), since whether they are overdue
depends on the day the page is read. ``dashboards/rollups.py`` counts and stores them with
the other rollups (same marks, same rebuild); ``dashboards/rollup_metrics.py`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from committee.numbers import cents
from dashboards.models import DepartmentMonth, DepartmentPendingDue
from tasks.models import Outcome, Task, TimeEntry

ZERO = Decimal("0.00")
FIGURES = [
    f.name
    for f in DepartmentMonth._meta.concrete_fields
    if f.name not in ("id", "community", "month", "department")
]
MONEY = ("hours", "money_promised", "money_received")
Key = tuple[int, date, int]  # community, month, department


@dataclass
class DepartmentCounts:
    months: dict[Key, dict] = field(default_factory=dict)
    pending_due: dict[tuple[int, date, int, date], tuple[int, int]] = field(default_factory=dict)


def _month(value) -> date:
    value = value.date() if hasattr(value, "date") and callable(value.date) else value
    return value.replace(day=1)


def compute(ids: list[int], start: date, end: date) -> DepartmentCounts:
    """Count the department figures of these communities for [start, end] (3 queries)."""
    found = DepartmentCounts()
    tasks = Task.objects.filter(community__in=ids, received_on__range=(start, end))
    late = Q(decided_on__isnull=False, decided_on__gt=F("decision_due"))
    rows = (
        tasks.annotate(m=TruncMonth("received_on"))
        .values_list("community_id", "m", "department_id")
        .annotate(
            x_n=Count("pk"),
            x_worked=Count("pk", filter=Q(worked_while_pending=True)),
            x_refused=Count("pk", filter=Q(outcome=Outcome.REFUSED)),
            x_late=Count("pk", filter=late),
            x_promised=Sum("money_promised"),
            x_received=Sum("money_received"),
        )
        .order_by()
    )
    for c, m, d, n, worked, refused, decided_late, promised, received in rows:
        found.months[(c, _month(m), d)] = {
            "tasks": n,
            "worked_pending": worked,
            "refused": refused,
            "decided_late": decided_late,
            "hours": ZERO,
            "money_promised": cents(promised or ZERO),
            "money_received": cents(received or ZERO),
        }
    hours = (
        TimeEntry.objects.filter(task__community__in=ids, task__received_on__range=(start, end))
        .annotate(m=TruncMonth("task__received_on"))
        .values_list("task__community_id", "m", "task__department_id")
        .annotate(x_hours=Sum("hours"))
        .order_by()
    )
    for c, m, d, h in hours:
        found.months[(c, _month(m), d)]["hours"] = cents(h or ZERO)
    pending = (
        tasks.filter(outcome=Outcome.PENDING, decision_due__isnull=False)
        .annotate(m=TruncMonth("received_on"))
        .values_list("community_id", "m", "department_id", "decision_due")
        .annotate(
            x_n=Count("pk"),
            x_worked=Count("pk", filter=Q(worked_while_pending=True)),
            x_late=Count("pk", filter=late),
        )
        .order_by()
    )
    for c, m, d, due, n, worked, decided_late in pending:
        if n - worked or n - decided_late:
            found.pending_due[(c, _month(m), d, due)] = (n - worked, n - decided_late)
    return found


def stored(ids: list[int], start: date, end: date) -> DepartmentCounts:
    where = {"community__in": ids, "month__range": (start, end)}
    found = DepartmentCounts()
    for row in DepartmentMonth.objects.filter(**where).values(
        "community_id", "month", "department_id", *FIGURES
    ):
        key = (row.pop("community_id"), row.pop("month"), row.pop("department_id"))
        found.months[key] = row
    found.pending_due = {
        (c, m, d, due): (unworked, in_time)
        for c, m, d, due, unworked, in_time in DepartmentPendingDue.objects.filter(
            **where
        ).values_list("community_id", "month", "department_id", "due", "unworked", "in_time")
    }
    return found


def replace(ids: list[int], start: date, end: date, counted: DepartmentCounts) -> None:
    """Store `counted` in place of the rows of these communities and months."""
    where = {"community__in": ids, "month__range": (start, end)}
    DepartmentMonth.objects.filter(**where).delete()
    DepartmentPendingDue.objects.filter(**where).delete()
    DepartmentMonth.objects.bulk_create(
        (
            DepartmentMonth(community_id=c, month=m, department_id=d, **values)
            for (c, m, d), values in counted.months.items()
        ),
        batch_size=500,
    )
    DepartmentPendingDue.objects.bulk_create(
        (
            DepartmentPendingDue(
                community_id=c, month=m, department_id=d, due=due, unworked=u, in_time=t
            )
            for (c, m, d, due), (u, t) in counted.pending_due.items()
        ),
        batch_size=500,
    )


def differences(community_id: int, fresh: DepartmentCounts, kept: DepartmentCounts) -> list[str]:
    found = []
    for key in sorted(set(fresh.months) | set(kept.months)):
        if fresh.months.get(key) != kept.months.get(key):
            found.append(f"community {key[0]} {key[1]:%Y-%m}: department {key[2]}")
    if fresh.pending_due != kept.pending_due:
        found.append(f"community {community_id}: pending tasks by department and decision date")
    return found
