"""Burden metrics, computed in the database for any set of communities and any period.

Every function takes ``(communities, start, end)``: a Community queryset already scoped
by the caller and an inclusive date period. Hours count TimeEntry rows dated in the
period; task counts and money count tasks *received* in the period. The exception is
the department league (``tasks_by_department``): its hours are every hour logged on the
tasks received in the period, whenever logged, so a task's whole cost stays with it.
Each runs a fixed number of queries (one, unless said otherwise) whatever the number of
communities.
Hours and money are Decimal; shares are Decimal fractions 0..1, or None when there is
nothing to divide by. An hour is "administrative" when its task's nature is
administrative (政务性); hours on resident work and on community-affairs tasks are not.

Public functions:

- ``hours_by_nature`` → {"administrative": h, "community": h}; also ``_by_community``, ``_by_month``
- ``administrative_share`` → share of hours on administrative work; ``_by_community``, ``_by_month``
- ``hours_by_outcome`` → {outcome code: hours} (resident work under "resident_work")
- ``hours_by_category`` → {category code: hours} (resident work under "resident_work")
- ``hours_by_department`` → {department id: hours}
- ``hours_while_pending`` → hours logged on tasks still waiting for approval; ``_by_community``
- ``tasks_by_department`` → [DepartmentRow] tasks, unauthorised, refused, overdue, hours, money
- ``department_league`` → the same rows, most tasks first (the league table)
- ``unauthorised_tasks`` → tasks worked on without admission; ``_by_community``, ``_by_month``
- ``unauthorised_peak_month`` → PeakMonth(count, month): the period's worst calendar month
  for those tasks; ``_by_community``
- ``pending_worked_on`` → count of tasks worked on while pending; ``_by_community``, ``_by_month``
- ``negative_list_worked_on`` → count of negative-list tasks with hours; ``_by_community``
- ``assistance_funded_share`` → share of assistance tasks that came with money promised;
  ``_by_community``
- ``money_promised_received`` → Money(promised, received); ``_by_community``
- ``returns_by_month`` → {month: MonthCounts(meetings, inspections, returns)}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from committee.models import Community, Department
from committee.numbers import share
from tasks import league
from tasks.models import (
    ASSIST_OUTCOMES,
    CatalogueList,
    Category,
    Nature,
    Outcome,
    Task,
    TimeEntry,
)

ZERO = Decimal("0.00")
HOURS = DecimalField(max_digits=12, decimal_places=2)
MONEY = DecimalField(max_digits=14, decimal_places=2)
RETURNS = (Category.FORMS, Category.STATISTICS)


def _sum(expr, **kw):
    return Coalesce(Sum(expr, **kw), Value(ZERO), output_field=HOURS)


def _money(expr, **kw):
    return Coalesce(Sum(expr, **kw), Value(ZERO), output_field=MONEY)


def _entries(communities: QuerySet[Community], start: date, end: date) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(
        staff_member__community__in=communities.values("pk"), date__range=(start, end)
    )


def _tasks(communities: QuerySet[Community], start: date, end: date) -> QuerySet[Task]:
    return Task.objects.filter(
        community__in=communities.values("pk"), received_on__range=(start, end)
    )


ADMIN = Q(task__nature=Nature.ADMINISTRATIVE)
ADMINISTRATIVE, COMMUNITY = Nature.ADMINISTRATIVE.value, Nature.COMMUNITY.value


# --- hours by nature --------------------------------------------------------------


def hours_by_nature(communities, start: date, end: date) -> dict[str, Decimal]:
    """Hours on administrative work and on community affairs (resident work included)."""
    row = _entries(communities, start, end).aggregate(
        admin=_sum("hours", filter=ADMIN), total=_sum("hours")
    )
    return {ADMINISTRATIVE: row["admin"], COMMUNITY: row["total"] - row["admin"]}


def hours_by_nature_by_community(communities, start: date, end: date) -> dict[int, dict]:
    """hours_by_nature per community id (every community given, zeros included)."""
    in_period = Q(staff__time_entries__date__range=(start, end))
    rows = (
        Community.objects.filter(pk__in=communities.values("pk"))
        .annotate(
            admin=_sum(
                "staff__time_entries__hours",
                filter=in_period & Q(staff__time_entries__task__nature=Nature.ADMINISTRATIVE),
            ),
            total=_sum("staff__time_entries__hours", filter=in_period),
        )
        .values_list("pk", "admin", "total")
    )
    return {pk: {ADMINISTRATIVE: admin, COMMUNITY: total - admin} for pk, admin, total in rows}


def hours_by_nature_by_month(communities, start: date, end: date) -> dict[date, dict]:
    """hours_by_nature per first day of month (months with hours only)."""
    rows = (
        _entries(communities, start, end)
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(admin=_sum("hours", filter=ADMIN), total=_sum("hours"))
        .order_by("month")
    )
    return {
        _as_date(r["month"]): {
            ADMINISTRATIVE: r["admin"],
            COMMUNITY: r["total"] - r["admin"],
        }
        for r in rows
    }


def administrative_share(communities, start: date, end: date) -> Decimal | None:
    """Share of all logged hours spent on administrative work."""
    h = hours_by_nature(communities, start, end)
    return share(h[ADMINISTRATIVE], h[ADMINISTRATIVE] + h[COMMUNITY])


def administrative_share_by_community(communities, start: date, end: date) -> dict:
    return {
        pk: share(h[ADMINISTRATIVE], h[ADMINISTRATIVE] + h[COMMUNITY])
        for pk, h in hours_by_nature_by_community(communities, start, end).items()
    }


def administrative_share_by_month(communities, start: date, end: date) -> dict:
    return {
        month: share(h[ADMINISTRATIVE], h[ADMINISTRATIVE] + h[COMMUNITY])
        for month, h in hours_by_nature_by_month(communities, start, end).items()
    }


# --- hours by outcome, category, department ---------------------------------------

RESIDENT_WORK = "resident_work"


def _hours_grouped(communities, start, end, field: str) -> dict:
    rows = (
        _entries(communities, start, end)
        .values(key=F(field))
        .annotate(h=_sum("hours"))
        .order_by("key")
    )
    return {(r["key"] if r["key"] is not None else RESIDENT_WORK): r["h"] for r in rows}


def hours_by_outcome(communities, start: date, end: date) -> dict[str, Decimal]:
    """Hours per admission outcome of the task; resident work under "resident_work"."""
    return _hours_grouped(communities, start, end, "task__outcome")


def hours_by_category(communities, start: date, end: date) -> dict[str, Decimal]:
    """Hours per task category; resident work under "resident_work"."""
    return _hours_grouped(communities, start, end, "task__category")


def hours_by_department(communities, start: date, end: date) -> dict[int, Decimal]:
    """Hours per department id of the task (resident work left out)."""
    rows = (
        _entries(communities, start, end)
        .filter(task__isnull=False)
        .values("task__department_id")
        .annotate(h=_sum("hours"))
        .order_by()
    )
    return {r["task__department_id"]: r["h"] for r in rows}


def hours_while_pending(communities, start: date, end: date) -> Decimal:
    """Hours logged on tasks while they waited for the street office's decision."""
    return _entries(communities, start, end).aggregate(
        h=_sum("hours", filter=Q(while_pending=True))
    )["h"]


def hours_while_pending_by_community(communities, start: date, end: date) -> dict[int, Decimal]:
    rows = Community.objects.filter(pk__in=communities.values("pk")).annotate(
        h=_sum(
            "staff__time_entries__hours",
            filter=Q(
                staff__time_entries__date__range=(start, end),
                staff__time_entries__while_pending=True,
            ),
        )
    )
    return dict(rows.values_list("pk", "h"))


# --- tasks per department -----------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRow:
    """One department's tasks in the period, for the league table and the dashboards."""

    department_id: int
    name: str
    tasks: int
    unauthorised: int
    refused: int
    overdue: int
    hours: Decimal
    money_promised: Decimal
    money_received: Decimal
    # Columns other apps add (tasks/league.py): {column key: count}.
    extra: dict = field(default_factory=dict)

    @property
    def unauthorised_share(self) -> Decimal | None:
        return share(Decimal(self.unauthorised), Decimal(self.tasks))

    @property
    def money_received_share(self) -> Decimal | None:
        return share(self.money_received, self.money_promised)


def _unauthorised_q(prefix: str = "", today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(**{f"{prefix}worked_while_pending": True}) | Q(
        **{f"{prefix}outcome": Outcome.PENDING, f"{prefix}decision_due__lt": today}
    )


def _overdue_q(prefix: str = "", today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(**{f"{prefix}outcome": Outcome.PENDING, f"{prefix}decision_due__lt": today}) | Q(
        **{
            f"{prefix}decided_on__isnull": False,
            f"{prefix}decided_on__gt": F(f"{prefix}decision_due"),
        }
    )


def tasks_by_department(communities, start: date, end: date) -> list[DepartmentRow]:
    """Per department with tasks in the period: counts, hours on them, money. Two queries."""
    tasks = _tasks(communities, start, end)
    hours = dict(
        tasks.values("department_id")
        .annotate(h=_sum("time_entries__hours"))
        .order_by()
        .values_list("department_id", "h")
    )
    rows = (
        tasks.values("department_id")
        .annotate(
            name=F("department__name"),
            n=Count("pk"),
            unauthorised=Count("pk", filter=_unauthorised_q()),
            refused=Count("pk", filter=Q(outcome=Outcome.REFUSED)),
            overdue=Count("pk", filter=_overdue_q()),
            promised=_money("money_promised"),
            received=_money("money_received"),
        )
        .order_by("department__name")
    )
    return [
        DepartmentRow(
            department_id=r["department_id"],
            name=r["name"],
            tasks=r["n"],
            unauthorised=r["unauthorised"],
            refused=r["refused"],
            overdue=r["overdue"],
            hours=hours.get(r["department_id"], ZERO),
            money_promised=r["promised"],
            money_received=r["received"],
        )
        for r in rows
    ]


def department_league(communities, start: date, end: date) -> list[DepartmentRow]:
    """tasks_by_department, the departments pushing the most work first."""
    return sorted(
        tasks_by_department(communities, start, end),
        key=lambda row: (-row.tasks, -row.hours, row.name),
    )


def with_league_columns(rows: list[DepartmentRow], communities, start: date, end: date):
    """The league's rows with the registered columns (tasks/league.py) filled in; a
    department that only has counts there (returns, no tasks) joins with zero tasks."""
    counts = {column.key: column.counts(communities, start, end) for column in league.COLUMNS}
    ids = {pk for found in counts.values() for pk in found}
    names = departments_named(ids - {row.department_id for row in rows}) if ids else {}
    rows = rows + [
        DepartmentRow(pk, name, 0, 0, 0, 0, ZERO, ZERO, ZERO) for pk, name in names.items()
    ]
    return [
        replace(row, extra={key: found.get(row.department_id, 0) for key, found in counts.items()})
        for row in rows
    ]


def departments_named(ids) -> dict[int, str]:
    """Department names for ids returned above (one query)."""
    return dict(Department.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


# --- unauthorised, pending worked on, negative list ---------------------------------


def unauthorised_tasks(communities, start: date, end: date) -> int:
    """Tasks worked on without admission: worked on while pending, or pending past due."""
    return _tasks(communities, start, end).filter(_unauthorised_q()).count()


def unauthorised_tasks_by_community(communities, start: date, end: date) -> dict[int, int]:
    return _count_by_community(communities, start, end, _unauthorised_q("tasks__"))


def unauthorised_tasks_by_month(communities, start: date, end: date) -> dict[date, int]:
    return _count_by_month(communities, start, end, _unauthorised_q())


@dataclass(frozen=True)
class PeakMonth:
    """The calendar month of a period with the most of some tasks (by month received).

    ``month`` is the month's first day (the earliest of equal months), None when no month
    has any; ``count`` is how many that month has (0 then).
    """

    count: int
    month: date | None


NO_PEAK = PeakMonth(0, None)


def unauthorised_peak_month(communities, start: date, end: date) -> PeakMonth:
    """The month of the period with the most tasks worked on without admission (≥ 3 is red)."""
    return _peak(unauthorised_tasks_by_month(communities, start, end).items())


def unauthorised_peak_month_by_community(
    communities, start: date, end: date
) -> dict[int, PeakMonth]:
    """unauthorised_peak_month per community id (every community given). Two queries."""
    rows = (
        _tasks(communities, start, end)
        .filter(_unauthorised_q())
        .annotate(month=TruncMonth("received_on"))
        .values("community_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("community_id", "month", "n")
    )
    months: dict[int, list[tuple[date, int]]] = {}
    for pk, month, n in rows:  # one row per community and month: the database counted
        months.setdefault(pk, []).append((_as_date(month), n))
    return {pk: _peak(months.get(pk, [])) for pk in communities.values_list("pk", flat=True)}


def _peak(counts: Iterable[tuple[date, int]]) -> PeakMonth:
    month, count = min(counts, key=lambda pair: (-pair[1], pair[0]), default=(None, 0))
    return PeakMonth(count, month) if count else NO_PEAK


def pending_worked_on(communities, start: date, end: date) -> int:
    """Tasks the committee worked on while they waited for approval (the burden we measure)."""
    return _tasks(communities, start, end).filter(worked_while_pending=True).count()


def pending_worked_on_by_community(communities, start: date, end: date) -> dict[int, int]:
    return _count_by_community(communities, start, end, Q(tasks__worked_while_pending=True))


def pending_worked_on_by_month(communities, start: date, end: date) -> dict[date, int]:
    return _count_by_month(communities, start, end, Q(worked_while_pending=True))


def _negative_q(prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}catalogue_item__list__in": (
                CatalogueList.NEGATIVE,
                CatalogueList.CERT_BANNED,
            )
        }
    )


def negative_list_worked_on(communities, start: date, end: date) -> int:
    """Tasks on the negative list (or banned certificates) that still got hours logged."""
    worked = TimeEntry.objects.filter(task=OuterRef("pk"))
    return _tasks(communities, start, end).filter(_negative_q(), Exists(worked)).count()


def negative_list_worked_on_by_community(communities, start: date, end: date) -> dict[int, int]:
    worked = TimeEntry.objects.filter(task=OuterRef("pk"))
    rows = (
        _tasks(communities, start, end)
        .filter(_negative_q(), Exists(worked))
        .values("community_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {r["community_id"]: r["n"] for r in rows}
    return {pk: found.get(pk, 0) for pk in communities.values_list("pk", flat=True)}


def _count_by_community(communities, start, end, q: Q) -> dict[int, int]:
    rows = Community.objects.filter(pk__in=communities.values("pk")).annotate(
        n=Count("tasks", filter=q & Q(tasks__received_on__range=(start, end)))
    )
    return dict(rows.values_list("pk", "n"))


def _count_by_month(communities, start, end, q: Q) -> dict[date, int]:
    rows = (
        _tasks(communities, start, end)
        .filter(q)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return {_as_date(r["month"]): r["n"] for r in rows}


# --- money --------------------------------------------------------------------------


def assistance_funded_share(communities, start: date, end: date) -> Decimal | None:
    """Of the assistance tasks (listed or authorised), the share that came with money promised."""
    row = (
        _tasks(communities, start, end)
        .filter(outcome__in=ASSIST_OUTCOMES)
        .aggregate(n=Count("pk"), funded=Count("pk", filter=Q(money_promised__gt=0)))
    )
    return share(Decimal(row["funded"]), Decimal(row["n"]))


def assistance_funded_share_by_community(communities, start: date, end: date) -> dict:
    in_period = Q(tasks__received_on__range=(start, end), tasks__outcome__in=ASSIST_OUTCOMES)
    rows = Community.objects.filter(pk__in=communities.values("pk")).annotate(
        n=Count("tasks", filter=in_period),
        funded=Count("tasks", filter=in_period & Q(tasks__money_promised__gt=0)),
    )
    return {
        pk: share(Decimal(funded), Decimal(n))
        for pk, n, funded in rows.values_list("pk", "n", "funded")
    }


@dataclass(frozen=True)
class Money:
    """Money promised with tasks and money actually received (费随事转)."""

    promised: Decimal
    received: Decimal

    @property
    def received_share(self) -> Decimal | None:
        return share(self.received, self.promised)


def money_promised_received(communities, start: date, end: date) -> Money:
    row = _tasks(communities, start, end).aggregate(
        promised=_money("money_promised"), received=_money("money_received")
    )
    return Money(row["promised"], row["received"])


def money_promised_received_by_community(communities, start: date, end: date) -> dict:
    in_period = Q(tasks__received_on__range=(start, end))
    rows = Community.objects.filter(pk__in=communities.values("pk")).annotate(
        promised=_money("tasks__money_promised", filter=in_period),
        received=_money("tasks__money_received", filter=in_period),
    )
    return {pk: Money(p, r) for pk, p, r in rows.values_list("pk", "promised", "received")}


# --- meetings, inspections, returns -------------------------------------------------


@dataclass(frozen=True)
class MonthCounts:
    """Tasks received in a month: meetings, inspections, returns (forms + statistics)."""

    meetings: int
    inspections: int
    returns: int


def returns_by_month(communities, start: date, end: date) -> dict[date, MonthCounts]:
    """会议多、检查多、报表多: counts per month (months with tasks only)."""
    rows = (
        _tasks(communities, start, end)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(
            meetings=Count("pk", filter=Q(category=Category.MEETING)),
            inspections=Count("pk", filter=Q(category=Category.INSPECTION)),
            returns=Count("pk", filter=Q(category__in=RETURNS)),
        )
        .order_by("month")
    )
    return {
        _as_date(r["month"]): MonthCounts(r["meetings"], r["inspections"], r["returns"])
        for r in rows
    }


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value
