"""Funding-gap numbers for any set of communities and period, computed in the database.

Every function takes ``communities`` (a Community queryset, already scoped by the caller)
and a period ``start``, ``end`` (dates, inclusive); each runs a fixed number of queries
whatever the number of communities. Money is Decimal yuan; shares are Decimal fractions
(0..1, four places) or None when the denominator is zero.

- ``summary(c, start, end) -> FundsSummary``: every figure below at once (2 queries).
- ``summary_by_community(c, start, end) -> {community id: FundsSummary}`` (1 query).
- ``summary_by_month(c, start, end) -> {first day of month: FundsSummary}`` (2 queries).
- ``allocated``: allocation from the district.
- ``pooled``: kept back by the street office (统筹), a positive number.
- ``pooled_share``: pooled / allocated.
- ``usable``: running money: allocation − pooling + contributions + service income + other.
- ``task_funding``: money that came with tasks (费随事转), earmarked for those tasks.
- ``spent``: all expenses.
- ``essential_costs``: expenses on essential running-cost categories in the period.
- ``essential_costs_planned``: budget lines of essential categories for the period's years.
- ``funding_gap``: essential costs − usable money (positive: money missing).
- ``usable_essential_ratio``: usable / essential costs.
- ``funding_shortfall``: the gaps of the communities short of money, added up (one
  community's surplus does not fill another's gap) (1 query); ``shortfall_of(summaries)``
  does the same for FundsSummary values already at hand.
- ``…_by_community`` of each of the above: {community id: value}.
- ``spent_by_category(c, start, end) -> [CategoryAmount]``.
- ``task_spending(c, start, end) -> TaskSpending``: spent on tasks pushed down, and on those
  of them that came with no money (nothing received); ``unfunded_task_spending`` and
  ``unfunded_task_spending_by_community`` give the second figure alone.
- ``budget_vs_actual(c, start, end) -> [BudgetRow]``: planned, actual, variance per category.
- ``projection(c, start, end, on=None) -> Projection``: year-end balance at the pace so far.
- ``scenario(c, start, end, allocation=30000) -> Scenario``: the gap that would remain with
  a different allocation per community, or with nothing pooled; ``scenario_by_community``.

Usable money is the running money the funding gap is about. It departs from issue #5's
formula in two ways, on purpose: it counts "other" income (money the committee may use),
and it leaves out task funding, which is earmarked for the task it came with (费随事转) and
cannot pay the office's water, power and phone; the field report's ¥4,000–8,000 is running
money too. Task funding is its own figure, and is in the balance (``money_in − spent``).
Pooling is deducted, never counted as spending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from committee.numbers import cents, share
from committee.periods import months_between
from funds.models import BudgetLine, Expense, Income

ZERO = Decimal("0.00")
PROPOSED_ALLOCATION = Decimal("30000.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
K = Income.Kind


@dataclass(frozen=True)
class FundsSummary:
    """The money of a community (or a set of them) over a period."""

    allocated: Decimal = ZERO
    pooled: Decimal = ZERO
    contributions: Decimal = ZERO
    service: Decimal = ZERO
    task_funding: Decimal = ZERO
    other: Decimal = ZERO
    spent: Decimal = ZERO
    essential_costs: Decimal = ZERO

    @property
    def usable(self) -> Decimal:
        return self.allocated - self.pooled + self.contributions + self.service + self.other

    @property
    def money_in(self) -> Decimal:
        """Everything received, pooling deducted: usable running money and task funding."""
        return self.usable + self.task_funding

    @property
    def pooled_share(self) -> Decimal | None:
        return share(self.pooled, self.allocated)

    @property
    def funding_gap(self) -> Decimal:
        return self.essential_costs - self.usable

    @property
    def usable_essential_ratio(self) -> Decimal | None:
        return share(self.usable, self.essential_costs)

    @property
    def balance(self) -> Decimal:
        return self.money_in - self.spent


def _summary(values: dict) -> FundsSummary:
    # SQLite hands sums back as binary floats (1,000 × 0.10 is 99.9999999999986); rounding
    # to the fen restores the exact amount, as PostgreSQL's NUMERIC sum gives it.
    return FundsSummary(**{name: cents(value) for name, value in values.items()})


def _money_sum(field: str = "amount", **filter_kwargs) -> Coalesce:
    condition = Q(**filter_kwargs) if filter_kwargs else None
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=MONEY)


def _income_sums() -> dict:
    return {
        "allocated": _money_sum(kind=K.ALLOCATION),
        "pooled": _money_sum(kind=K.POOLING),
        "contributions": _money_sum(kind=K.CONTRIBUTION),
        "service": _money_sum(kind=K.SERVICE),
        "task_funding": _money_sum(kind=K.TASK_FUNDING),
        "other": _money_sum(kind=K.OTHER),
    }


def _expense_sums() -> dict:
    return {"spent": _money_sum(), "essential_costs": _money_sum(category__essential=True)}


def _incomes(communities: QuerySet, start: date, end: date) -> QuerySet:
    return Income.objects.filter(
        community__in=communities.order_by().values("pk"), date__gte=start, date__lte=end
    ).order_by()


def _expenses(communities: QuerySet, start: date, end: date) -> QuerySet:
    return Expense.objects.filter(
        community__in=communities.order_by().values("pk"), date__gte=start, date__lte=end
    ).order_by()


def summary(communities: QuerySet, start: date, end: date) -> FundsSummary:
    """All the figures for the communities together over the period (2 queries)."""
    income = _incomes(communities, start, end).aggregate(**_income_sums())
    spending = _expenses(communities, start, end).aggregate(**_expense_sums())
    return _summary({**income, **spending})


def _sum_subquery(records: QuerySet, **filter_kwargs) -> Coalesce:
    rows = (
        records.filter(community=OuterRef("pk"), **filter_kwargs)
        .values("community")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def summary_by_community(communities: QuerySet, start: date, end: date) -> dict[int, FundsSummary]:
    """One FundsSummary per community, every community present (1 query)."""
    incomes = Income.objects.filter(date__gte=start, date__lte=end).order_by()
    expenses = Expense.objects.filter(date__gte=start, date__lte=end).order_by()
    annotations = {
        "allocated": _sum_subquery(incomes, kind=K.ALLOCATION),
        "pooled": _sum_subquery(incomes, kind=K.POOLING),
        "contributions": _sum_subquery(incomes, kind=K.CONTRIBUTION),
        "service": _sum_subquery(incomes, kind=K.SERVICE),
        "task_funding": _sum_subquery(incomes, kind=K.TASK_FUNDING),
        "other": _sum_subquery(incomes, kind=K.OTHER),
        "spent": _sum_subquery(expenses),
        "essential_costs": _sum_subquery(expenses, category__essential=True),
    }
    rows = communities.order_by().annotate(**annotations).values("pk", *annotations)
    return {row.pop("pk"): _summary(row) for row in rows}


def summary_by_month(communities: QuerySet, start: date, end: date) -> dict[date, FundsSummary]:
    """One FundsSummary per calendar month of the period, empty months included (2 queries)."""
    found: dict[date, dict] = {month: {} for month in months_between(start, end)}
    for source, sums in (
        (_incomes(communities, start, end), _income_sums()),
        (_expenses(communities, start, end), _expense_sums()),
    ):
        rows = source.annotate(month=TruncMonth("date")).values("month").annotate(**sums)
        for row in rows:
            found[_as_date(row.pop("month"))].update(row)
    return {month: _summary(values) for month, values in found.items()}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


# One figure at a time, for the dashboards' flags ------------------------------------------


def allocated(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).allocated


def pooled(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).pooled


def pooled_share(communities: QuerySet, start: date, end: date) -> Decimal | None:
    return summary(communities, start, end).pooled_share


def usable(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).usable


def task_funding(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).task_funding


def spent(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).spent


def essential_costs(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).essential_costs


def funding_gap(communities: QuerySet, start: date, end: date) -> Decimal:
    return summary(communities, start, end).funding_gap


def usable_essential_ratio(communities: QuerySet, start: date, end: date) -> Decimal | None:
    return summary(communities, start, end).usable_essential_ratio


def funding_shortfall(communities: QuerySet, start: date, end: date) -> Decimal:
    """Money missing in the communities whose usable money is below their essential costs."""
    return shortfall_of(summary_by_community(communities, start, end).values())


def shortfall_of(summaries) -> Decimal:
    """The positive gaps among already computed summaries, added up."""
    return sum((s.funding_gap for s in summaries if s.funding_gap > 0), ZERO)


def _pick(name: str, communities: QuerySet, start: date, end: date) -> dict:
    return {pk: getattr(s, name) for pk, s in summary_by_community(communities, start, end).items()}


def allocated_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("allocated", communities, start, end)


def pooled_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("pooled", communities, start, end)


def pooled_share_by_community(communities, start, end) -> dict[int, Decimal | None]:
    return _pick("pooled_share", communities, start, end)


def usable_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("usable", communities, start, end)


def task_funding_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("task_funding", communities, start, end)


def spent_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("spent", communities, start, end)


def essential_costs_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("essential_costs", communities, start, end)


def funding_gap_by_community(communities, start, end) -> dict[int, Decimal]:
    return _pick("funding_gap", communities, start, end)


def usable_essential_ratio_by_community(communities, start, end) -> dict[int, Decimal | None]:
    return _pick("usable_essential_ratio", communities, start, end)


def _budget_lines(communities: QuerySet, start: date, end: date) -> QuerySet:
    return BudgetLine.objects.filter(
        community__in=communities.order_by().values("pk"),
        year__gte=start.year,
        year__lte=end.year,
    ).order_by()


def essential_costs_planned(communities: QuerySet, start: date, end: date) -> Decimal:
    """What the budgets of the period's years plan for essential running costs (1 query)."""
    found = _budget_lines(communities, start, end).aggregate(
        s=_money_sum("planned", category__essential=True)
    )
    return cents(found["s"])


def essential_costs_planned_by_community(communities, start, end) -> dict[int, Decimal]:
    lines = BudgetLine.objects.filter(
        year__gte=start.year, year__lte=end.year, category__essential=True
    ).order_by()
    rows = (
        lines.filter(community=OuterRef("pk")).values("community").annotate(s=Sum("planned"))
    ).values("s")
    found = communities.order_by().annotate(
        planned=Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)
    )
    return {pk: cents(planned) for pk, planned in found.values_list("pk", "planned")}


# By category -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryAmount:
    code: str
    name: str
    essential: bool
    amount: Decimal


@dataclass(frozen=True)
class BudgetRow:
    code: str
    name: str
    essential: bool
    planned: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Planned − actual: negative when more was spent than planned."""
        return self.planned - self.actual


_CATEGORY = ("category__code", "category__name", "category__essential")


def spent_by_category(communities: QuerySet, start: date, end: date) -> list[CategoryAmount]:
    """Spending per category, in the district's order, categories without spending left out."""
    rows = (
        _expenses(communities, start, end)
        .values(*_CATEGORY)
        .annotate(amount=_money_sum(), position=Min("category__order"))
        .order_by("-category__essential", "position", "category__name")
    )
    return [
        CategoryAmount(
            r["category__code"], r["category__name"], r["category__essential"], cents(r["amount"])
        )
        for r in rows
    ]


def budget_vs_actual(communities: QuerySet, start: date, end: date) -> list[BudgetRow]:
    """Planned and spent per category, with the variance (2 queries)."""
    planned = {
        (r["category__code"], r["category__name"], r["category__essential"]): cents(r["planned"])
        for r in _budget_lines(communities, start, end)
        .values(*_CATEGORY)
        .annotate(planned=_money_sum("planned"))
    }
    actual = {
        (c.code, c.name, c.essential): c.amount for c in spent_by_category(communities, start, end)
    }
    keys = list(actual) + [key for key in planned if key not in actual]
    return [
        BudgetRow(*key, planned=planned.get(key, ZERO), actual=actual.get(key, ZERO))
        for key in keys
    ]


# Money spent on tasks ----------------------------------------------------------------------


@dataclass(frozen=True)
class TaskSpending:
    """Expenses on tasks pushed down, and on the tasks that brought no money with them."""

    on_tasks: Decimal
    on_unfunded_tasks: Decimal


_UNFUNDED = {"task__isnull": False, "task__money_received": 0}


def task_spending(communities: QuerySet, start: date, end: date) -> TaskSpending:
    """Spent on tasks, and on tasks with no money received (1 query)."""
    found = _expenses(communities, start, end).aggregate(
        on_tasks=_money_sum(task__isnull=False), on_unfunded_tasks=_money_sum(**_UNFUNDED)
    )
    return TaskSpending(**{name: cents(value) for name, value in found.items()})


def unfunded_task_spending(communities: QuerySet, start: date, end: date) -> Decimal:
    return task_spending(communities, start, end).on_unfunded_tasks


def unfunded_task_spending_by_community(communities, start, end) -> dict[int, Decimal]:
    expenses = Expense.objects.filter(date__gte=start, date__lte=end).order_by()
    found = communities.order_by().annotate(amount=_sum_subquery(expenses, **_UNFUNDED))
    return {pk: cents(amount) for pk, amount in found.values_list("pk", "amount")}


# Projection and scenarios ------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Where the period's balance ends if spending goes on at the pace so far."""

    as_of: date
    money_in: Decimal
    spent_so_far: Decimal
    projected_spending: Decimal

    @property
    def balance_so_far(self) -> Decimal:
        return self.money_in - self.spent_so_far

    @property
    def projected_balance(self) -> Decimal:
        return self.money_in - self.projected_spending


def projection(communities: QuerySet, start: date, end: date, on: date | None = None) -> Projection:
    """The balance at ``end`` if spending continues at its pace from ``start`` to ``on``."""
    on = min(max(on or date.today(), start), end)
    so_far = summary(communities, start, on)
    elapsed = Decimal((on - start).days + 1)
    total = Decimal((end - start).days + 1)
    pace = cents(so_far.spent * total / elapsed)
    return Projection(
        as_of=on, money_in=so_far.money_in, spent_so_far=so_far.spent, projected_spending=pace
    )


@dataclass(frozen=True)
class Scenario:
    """The gap now and the gap that would remain with another allocation or no pooling."""

    communities: int
    allocation_per_community: Decimal
    now: FundsSummary

    @property
    def proposed_allocation(self) -> Decimal:
        return self.allocation_per_community * self.communities

    @property
    def gap_now(self) -> Decimal:
        return self.now.funding_gap

    @property
    def gap_with_allocation(self) -> Decimal:
        """With the proposed allocation, the street office pooling the same share of it."""
        pooled_share = self.now.pooled_share or Decimal(0)
        new_pooled = cents(self.proposed_allocation * pooled_share)
        usable = self.now.usable - self.now.allocated + self.now.pooled
        return self.now.essential_costs - (usable + self.proposed_allocation - new_pooled)

    @property
    def gap_without_pooling(self) -> Decimal:
        return self.now.funding_gap - self.now.pooled

    @property
    def gap_with_allocation_without_pooling(self) -> Decimal:
        usable = self.now.usable - self.now.allocated + self.now.pooled
        return self.now.essential_costs - (usable + self.proposed_allocation)


def scenario(
    communities: QuerySet,
    start: date,
    end: date,
    allocation: Decimal = PROPOSED_ALLOCATION,
) -> Scenario:
    """What if each community were allocated ``allocation``, or nothing were pooled (3 queries)."""
    return Scenario(
        communities=communities.count(),
        allocation_per_community=allocation,
        now=summary(communities, start, end),
    )


def scenario_by_community(
    communities: QuerySet, start: date, end: date, allocation: Decimal = PROPOSED_ALLOCATION
) -> dict[int, Scenario]:
    return {
        pk: Scenario(communities=1, allocation_per_community=allocation, now=s)
        for pk, s in summary_by_community(communities, start, end).items()
    }
