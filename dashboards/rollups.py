"""Monthly rollups: each community's figures per calendar month, kept current with every write.

``compute(community_ids, start, end)`` counts the figures from the records (a fixed number
of grouped queries, whatever the number of communities or months); ``rebuild`` replaces
the stored rows of those communities and months with them. Every write keeps them
current through the hook of ``committee/rollups.py``: the signals below mark the
community-months a saved or deleted record belongs to (before and after the change), and
the outermost service refreshes them before its transaction commits (``refresh``).
``drift`` compares stored rows with a fresh count (``manage.py rollups check``). The
districts' pay bands (``dashboards/pay_bands.py``) get what a rebuild changed in the
person-months added.

``dashboards/rollup_metrics.py`` reads them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from committee import rollups as hook
from committee.models import Community
from committee.numbers import cents
from committee.periods import month_end
from committee.services import in_service, service
from dashboards import department_rollups, pay_bands, report_changes
from dashboards.department_rollups import DepartmentCounts
from dashboards.models import (
    DepartmentMonth,
    MonthlyRollup,
    PayMonth,
    PendingDueRollup,
)
from funds.models import Category as ExpenseCategory
from funds.models import Expense, Income
from staff.models import PayRecord, StaffMember
from surveys import tallies
from surveys.models import Answer, Response, Tally
from tasks.models import (
    ASSIST_OUTCOMES,
    CatalogueItem,
    CatalogueList,
    Category,
    Nature,
    Outcome,
    Task,
    TimeEntry,
)

ZERO = Decimal("0.00")
SUMS = [
    f.name
    for f in MonthlyRollup._meta.concrete_fields
    if f.name not in ("id", "community", "month")
]
KINDS = (StaffMember.Kind.FULLTIME, StaffMember.Kind.ASSISTANT)
NEGATIVE = (CatalogueList.NEGATIVE, CatalogueList.CERT_BANNED)
RETURNS = (Category.FORMS, Category.STATISTICS)
K = Income.Kind


@dataclass
class Counted:
    """What compute() found for a set of communities and months."""

    months: dict[tuple[int, date], dict] = field(default_factory=dict)
    pending_due: dict[tuple[int, date, date], int] = field(default_factory=dict)
    pay: set[tuple[int, date, str, int, Decimal, bool]] = field(default_factory=set)
    departments: DepartmentCounts = field(default_factory=DepartmentCounts)


def _month(value) -> date:
    value = value.date() if hasattr(value, "date") and callable(value.date) else value
    return value.replace(day=1)


def _add(found: Counted, rows, community: str, month: str) -> None:
    for row in rows:
        key = (row.pop(community), _month(row.pop(month)))
        target = found.months.setdefault(key, {})
        for name, value in row.items():
            target[name.removeprefix("x_")] = value


def compute(community_ids: Iterable[int], start: date, end: date) -> Counted:
    """Every rollup figure of these communities for the months of [start, end] (9 queries)."""
    ids = list(community_ids)
    start, end = start.replace(day=1), month_end(end)
    found = Counted()
    entries = TimeEntry.objects.filter(staff_member__community__in=ids, date__range=(start, end))
    _add(
        found,
        entries.annotate(m=TruncMonth("date"))
        .values("staff_member__community_id", "m")
        .annotate(
            x_hours=Sum("hours"),
            x_hours_admin=Sum("hours", filter=Q(task__nature=Nature.ADMINISTRATIVE)),
            x_hours_while_pending=Sum("hours", filter=Q(while_pending=True)),
        )
        .order_by(),
        "staff_member__community_id",
        "m",
    )
    tasks = Task.objects.filter(community__in=ids, received_on__range=(start, end))
    worked = TimeEntry.objects.filter(task=OuterRef("pk"))
    assist = Q(outcome__in=ASSIST_OUTCOMES)
    _add(
        found,
        tasks.annotate(m=TruncMonth("received_on"))
        .values("community_id", "m")
        .annotate(
            x_tasks=Count("pk"),
            x_tasks_worked_pending=Count("pk", filter=Q(worked_while_pending=True)),
            x_tasks_refused=Count("pk", filter=Q(outcome=Outcome.REFUSED)),
            x_tasks_assist=Count("pk", filter=assist),
            x_tasks_assist_funded=Count("pk", filter=assist & Q(money_promised__gt=0)),
            x_tasks_negative_worked=Count(
                "pk", filter=Q(catalogue_item__list__in=NEGATIVE) & Q(Exists(worked))
            ),
            x_meetings=Count("pk", filter=Q(category=Category.MEETING)),
            x_inspections=Count("pk", filter=Q(category=Category.INSPECTION)),
            x_returns=Count("pk", filter=Q(category__in=RETURNS)),
            x_money_promised=Sum("money_promised"),
            x_money_received=Sum("money_received"),
        )
        .order_by(),
        "community_id",
        "m",
    )
    due = (
        tasks.filter(
            outcome=Outcome.PENDING, worked_while_pending=False, decision_due__isnull=False
        )
        .annotate(m=TruncMonth("received_on"))
        .values("community_id", "m", "decision_due")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("community_id", "m", "decision_due", "n")
    )
    found.pending_due = {(c, _month(m), d): n for c, m, d, n in due}
    incomes = Income.objects.filter(community__in=ids, date__range=(start, end))
    by_kind = {
        "allocated": K.ALLOCATION,
        "pooled": K.POOLING,
        "contributions": K.CONTRIBUTION,
        "service": K.SERVICE,
        "task_funding": K.TASK_FUNDING,
        "other": K.OTHER,
    }
    _add(
        found,
        incomes.annotate(m=TruncMonth("date"))
        .values("community_id", "m")
        .annotate(**{f"x_{name}": Sum("amount", filter=Q(kind=k)) for name, k in by_kind.items()})
        .order_by(),
        "community_id",
        "m",
    )
    expenses = Expense.objects.filter(community__in=ids, date__range=(start, end))
    _add(
        found,
        expenses.annotate(m=TruncMonth("date"))
        .values("community_id", "m")
        .annotate(
            x_spent=Sum("amount"),
            x_essential_costs=Sum("amount", filter=Q(category__essential=True)),
        )
        .order_by(),
        "community_id",
        "m",
    )
    uninsured = Q(pension_employer=0) | Q(medical_employer=0)
    pay = (
        PayRecord.objects.monthly()
        .filter(
            staff_member__community__in=ids,
            staff_member__kind__in=KINDS,
            month__range=(start, end),
        )
        .annotate(
            uninsured=models.Case(
                models.When(uninsured, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )
        .values_list(
            "staff_member__community_id",
            "month",
            "staff_member__kind",
            "staff_member_id",
            "net",
            "uninsured",
        )
    )
    found.pay = {(c, _month(m), k, s, cents(n), bool(u)) for c, m, k, s, n, u in pay}
    found.departments = department_rollups.compute(ids, start, end)
    for values in found.months.values():
        for name in SUMS:
            value = values.get(name)
            values[name] = ZERO if value is None else cents(value) if name in _DECIMALS else value
    return found


_DECIMALS = {
    f.name for f in MonthlyRollup._meta.concrete_fields if isinstance(f, models.DecimalField)
}


def _stored(community_ids: list[int], start: date, end: date) -> Counted:
    start, end = start.replace(day=1), month_end(end)
    where = {"community__in": community_ids, "month__range": (start, end)}
    found = Counted()
    for row in MonthlyRollup.objects.filter(**where).values("community_id", "month", *SUMS):
        found.months[(row.pop("community_id"), row.pop("month"))] = row
    found.pending_due = {
        (c, m, d): n
        for c, m, d, n in PendingDueRollup.objects.filter(**where).values_list(
            "community_id", "month", "due", "tasks"
        )
    }
    found.pay = set(
        PayMonth.objects.filter(**where).values_list(
            "community_id", "month", "kind", "staff_member_id", "net", "uninsured"
        )
    )
    found.departments = department_rollups.stored(community_ids, start, end)
    return found


def rebuild(community_ids: Iterable[int], start: date, end: date, surveys: bool = True) -> Counted:
    """Replace the stored rollups of these communities for the months of [start, end]
    (and their survey tallies, unless ``surveys`` is False)."""
    ids = list(community_ids)
    counted = compute(ids, start, end)
    first, last = start.replace(day=1), month_end(end)
    where = {"community__in": ids, "month__range": (first, last)}
    report_changes.mark_span(ids, first, last)  # a stored report of these months is stale
    hook.revise(ids)  # and a cached dashboard of these communities (dashboards/revisions.py)
    before = pay_bands.count(PayMonth.objects.filter(**where))
    for model in (MonthlyRollup, PendingDueRollup, PayMonth):
        model.objects.filter(**where).delete()
    MonthlyRollup.objects.bulk_create(
        (
            MonthlyRollup(community_id=c, month=m, **values)
            for (c, m), values in counted.months.items()
        ),
        batch_size=500,
    )
    PendingDueRollup.objects.bulk_create(
        (
            PendingDueRollup(community_id=c, month=m, due=d, tasks=n)
            for (c, m, d), n in counted.pending_due.items()
        ),
        batch_size=500,
    )
    PayMonth.objects.bulk_create(
        (
            PayMonth(community_id=c, month=m, kind=k, staff_member_id=s, net=n, uninsured=u)
            for c, m, k, s, n, u in counted.pay
        ),
        batch_size=500,
    )
    districts = dict(
        Community.objects.filter(pk__in=ids).values_list("pk", "street_office__district_id")
    )
    after = Counter((districts[c], m, k, n) for c, m, k, _s, n, _u in counted.pay)
    pay_bands.add({key: after[key] - before[key] for key in after.keys() | before.keys()})
    department_rollups.replace(ids, first, last, counted.departments)
    if surveys:
        tallies.replace(ids, first, last)
    return counted


# The communities whose answers changed: only their survey tallies are counted again (a pay
# record's write does not pay for them).
_answered: ContextVar[set[int] | None] = ContextVar("juwei_rollup_answered", default=None)


def _mark_answered(keys: list[tuple[int | None, date | None]]) -> list:
    found = _answered.get()
    if found is None:
        found = set()
        _answered.set(found)
    found.update(community_id for community_id, _day in keys if community_id is not None)
    return keys


def refresh(keys: set[tuple[int, date]]) -> None:
    """The registered refresher: recount the touched community-months (per community)."""
    months: dict[int, list[date]] = {}
    for community_id, month in keys:
        months.setdefault(community_id, []).append(month)
    answered = _answered.get() or set()
    for community_id, touched in months.items():
        surveys = community_id in answered
        rebuild([community_id], min(touched), max(touched), surveys=surveys)
        answered.discard(community_id)


@service
def rebuild_rollups(*, communities=None, year: int | None = None, user=None) -> int:
    """Rebuild the rollups of these communities (all when None) for a year (all years
    with records when None), one community at a time; returns how many were rebuilt.

    The plain function the job queue and ``manage.py rollups rebuild`` call.
    """
    ids = list(
        (communities if communities is not None else Community.objects.all())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for community_id in ids:
        start, end = _span(community_id, year)
        if start is not None:
            rebuild([community_id], start, end)
    pay_bands.rebuild(ids)
    return len(ids)


def fill_after_migrate(*, using: str = "default", **_kwargs) -> None:
    """A database that had records before the rollups existed gets them on `migrate`.

    Only when no rollup is there yet: later, every write keeps them current, and
    `manage.py rollups check` reports drift.
    """
    if using != "default":
        return
    # Rollups from before the department rows and the insurance mark are counted once more;
    # so are they when the survey tallies are new (one pass fills them all).
    if MonthlyRollup.objects.exists() and (
        DepartmentMonth.objects.exists() or not Task.objects.exists()
    ):
        if Tally.objects.exists() or not Answer.objects.exists():
            return
        fill_tallies()
        return
    if Task.objects.exists() or Income.objects.exists() or PayRecord.objects.exists():
        rebuild_everything()
    elif not Tally.objects.exists() and Answer.objects.exists():
        rebuild_everything()  # a database from before the survey tallies


@service
def rebuild_everything(batch: int = 100) -> None:
    """Rebuild every community's rollups over the whole span of records, 100 at a time
    (a first `migrate` of a filled database: per community it would take much longer)."""
    bounds = []
    for model, day in ((TimeEntry, "date"), (Task, "received_on"), (Income, "date")):
        row = model.objects.aggregate(lo=models.Min(day), hi=models.Max(day))
        bounds += [row["lo"], row["hi"]]
    for model, day in ((Expense, "date"), (PayRecord, "month"), (MonthlyRollup, "month")):
        row = model.objects.aggregate(lo=models.Min(day), hi=models.Max(day))
        bounds += [row["lo"], row["hi"]]
    row = Response.objects.aggregate(lo=models.Min("submitted_at"), hi=models.Max("submitted_at"))
    bounds += [timezone.localdate(row[k]) for k in ("lo", "hi") if row[k] is not None]
    days = [day for day in bounds if day is not None]
    if not days:
        return
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), batch):
        rebuild(ids[first : first + batch], min(days), max(days))


@service
def fill_tallies(batch: int = 100) -> None:
    """Count every survey tally from the answers, 100 communities at a time (a database
    whose rollups predate the tallies: the other figures need no second count)."""
    row = Response.objects.aggregate(lo=models.Min("submitted_at"), hi=models.Max("submitted_at"))
    if row["lo"] is None:
        return
    first, last = timezone.localdate(row["lo"]), timezone.localdate(row["hi"])
    ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        tallies.replace(ids[start : start + batch], first, last)


def _span(community_id: int, year: int | None) -> tuple[date | None, date | None]:
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    bounds = []
    for model, day, path in (
        (TimeEntry, "date", "staff_member__community"),
        (Task, "received_on", "community"),
        (Income, "date", "community"),
        (Expense, "date", "community"),
        (PayRecord, "month", "staff_member__community"),
        (MonthlyRollup, "month", "community"),
        (PendingDueRollup, "month", "community"),
        (PayMonth, "month", "community"),
    ):
        row = model.objects.filter(**{path: community_id}).aggregate(
            lo=models.Min(day), hi=models.Max(day)
        )
        if row["lo"] is not None:
            bounds += [row["lo"], row["hi"]]
    bounds += tallies.span(community_id)
    return (min(bounds), max(bounds)) if bounds else (None, None)


def drift(communities=None, year: int | None = None) -> list[str]:
    """The community-months whose stored rollups differ from a fresh count (empty: none)."""
    found = []
    ids = (communities if communities is not None else Community.objects.all()).order_by("pk")
    for community_id in ids.values_list("pk", flat=True):
        start, end = _span(community_id, year)
        if start is None:
            continue
        fresh, stored = compute([community_id], start, end), _stored([community_id], start, end)
        for key in sorted(set(fresh.months) | set(stored.months)):
            if fresh.months.get(key) != stored.months.get(key):
                found.append(f"community {key[0]} {key[1]:%Y-%m}: figures")
        if fresh.pending_due != stored.pending_due:
            found.append(f"community {community_id}: pending tasks by decision date")
        if fresh.pay != stored.pay:
            found.append(f"community {community_id}: pay person-months")
        found += department_rollups.differences(community_id, fresh.departments, stored.departments)
        if tallies.compute([community_id], start, end) != tallies.stored(
            [community_id], start, end
        ):
            found.append(f"community {community_id}: survey tallies")
    return found + pay_bands.drift(communities)


# --- which community-months a record belongs to ---------------------------------------------


def _keys(instance) -> list[tuple[int | None, date | None]]:
    if isinstance(instance, TimeEntry):
        keys = [
            (
                StaffMember.objects.filter(pk=instance.staff_member_id)
                .values_list("community_id", flat=True)
                .first(),
                instance.date,
            )
        ]
        if instance.task_id:
            task = Task.objects.filter(pk=instance.task_id).values_list(
                "community_id", "received_on"
            )
            keys += list(task)
        return keys
    if isinstance(instance, Task):
        return [(instance.community_id, instance.received_on)]
    if isinstance(instance, Income | Expense):
        return [(instance.community_id, instance.date)]
    if isinstance(instance, PayRecord):
        community = (
            StaffMember.objects.filter(pk=instance.staff_member_id)
            .values_list("community_id", flat=True)
            .first()
        )
        return [(community, instance.month)]
    if isinstance(instance, Answer | Response):
        return _mark_answered([tallies.month_of(instance)])
    return []


def _dependents(instance) -> list[tuple[int | None, date | None]]:
    """Months whose figures read this record through another one (a task's hours …)."""
    if isinstance(instance, Task):
        rows = TimeEntry.objects.filter(task=instance.pk)
        return list(rows.values_list("staff_member__community_id", "date").distinct())
    if isinstance(instance, StaffMember):
        hours = TimeEntry.objects.filter(staff_member=instance.pk)
        pay = PayRecord.objects.filter(staff_member=instance.pk)
        return [
            *hours.values_list("staff_member__community_id", "date").distinct(),
            *pay.values_list("staff_member__community_id", "month").distinct(),
        ]
    if isinstance(instance, ExpenseCategory):
        rows = Expense.objects.filter(category=instance.pk)
        return list(rows.values_list("community_id", "date").distinct())
    if isinstance(instance, CatalogueItem):
        rows = Task.objects.filter(catalogue_item=instance.pk)
        return list(rows.values_list("community_id", "received_on").distinct())
    return []


WATCHED = (TimeEntry, Task, Income, Expense, PayRecord, StaffMember, ExpenseCategory, CatalogueItem)
WATCHED += (Answer, Response)


def _before(sender, instance, raw=False, **kwargs) -> None:
    """A record changed: its old place counts too (and, for a task, its hours' months)."""
    if raw or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    if old is not None:
        hook.touch_all(_keys(old))
        hook.touch_all(_dependents(old))


def _after(sender, instance, raw=False, created=False, **kwargs) -> None:
    if raw or (created and sender is Response):  # a new response has no answer yet
        return
    hook.touch_all(_keys(instance))


def _deleted(sender, instance, **kwargs) -> None:
    hook.touch_all(_keys(instance))


def install() -> None:
    """Wire the signals and the refresher (dashboards.apps.ready)."""
    for model in WATCHED:
        uid = f"juwei-rollups-{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid)
        post_save.connect(_after, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    hook.register(refresh)
    hook.register_settler(settle_pending)


@service
def settle() -> None:
    """Refresh what writes outside a service touched (the service flushes on its way out)."""


def settle_pending() -> None:
    """Before reading: refresh marks left by writes made outside any service."""
    if hook.pending():
        if in_service():  # a service reading what it wrote: its transaction is open
            hook.flush()
        else:
            settle()
