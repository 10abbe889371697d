"""The writes on the books that carry a rule. Views, imports, the demo and tests call these.

Rules (issue #5):
- amounts are positive with at most two decimals;
- a voucher number is unique in a community's books for a year (income and expenses);
- an expense that takes the year's usable money below zero is allowed but flagged;
- the records of a closed year cannot be added, changed or deleted; the chair closes a
  year, only a district officer reopens it;
- money that came with a task and the task's "money received" agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, DecimalField, F, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import audit, bounds, rollups, versions
from committee.models import Community, District
from committee.periods import year_bounds
from committee.roles import Action
from committee.scoping import can
from committee.services import save_record, service
from funds.models import (
    CENT,
    BudgetLine,
    Category,
    Expense,
    FinancialYear,
    FundsLogEntry,
    Income,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)

# code, name (stored as data: the district may rename it), essential
DEFAULT_CATEGORIES = [
    ("utilities", "水电暖气", True),
    ("phone", "电话", True),
    ("internet", "网络", True),
    ("consumables", "办公耗材", True),
    ("signboards", "挂牌与展板", True),
    ("meetings", "会议与活动", False),
    ("resident_services", "居民服务", False),
    ("repairs", "维修", False),
    ("training", "培训", False),
    ("other", "其他", False),
]


def ensure_default_categories(*, district: District) -> None:
    """Give a district the starting list of spending categories (keeps any it has)."""
    have = set(Category.objects.filter(district=district).values_list("code", flat=True))
    Category.objects.bulk_create(
        [
            Category(district=district, code=code, name=name, essential=essential, order=i)
            for i, (code, name, essential) in enumerate(DEFAULT_CATEGORIES, start=1)
            if code not in have
        ]
    )


def check_amount(value) -> Decimal:
    """A positive amount with at most two decimals, as a Decimal; refuses anything else."""
    if isinstance(value, float):
        raise ValidationError({"amount": _("Give amounts as text or Decimal, never as float.")})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": _("Enter an amount in yuan, like 1234.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({"amount": _("Enter an amount in yuan, like 1234.50.")})
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({"amount": _("Amounts have at most two decimals (fen).")})
    bounds.check_money(amount, "amount")
    return amount.quantize(CENT)


def is_closed(*, community: Community, year: int) -> bool:
    return FinancialYear.objects.filter(
        community=community, year=year, closed_at__isnull=False
    ).exists()


def check_year_open(*, community: Community, year: int) -> None:
    """Refuse any change to a closed year's books."""
    if is_closed(community=community, year=year):
        raise ValidationError(
            _(
                "The books of %(year)s are closed; nothing in them can be changed. "
                "A district officer can reopen the year."
            )
            % {"year": year}
        )


def check_voucher(*, community: Community, year: int, voucher: str, exclude=None) -> None:
    """A voucher number is used once in a community's books for a year."""
    if not voucher:
        return
    for model in (Income, Expense):
        taken = model.objects.filter(community=community, year=year, voucher=voucher)
        if exclude is not None and isinstance(exclude, model):
            taken = taken.exclude(pk=exclude.pk)
        if taken.exists():
            raise ValidationError(
                {
                    "voucher": _("Voucher %(voucher)s is already used in %(year)s.")
                    % {"voucher": voucher, "year": year}
                }
            )


def _log(*, community: Community, year: int, user, action: str, record) -> None:
    FundsLogEntry.objects.create(
        community=community, year=year, user=user, action=action, record=str(record)[:200]
    )


def _check_task(record, *, community: Community) -> None:
    task = record.task
    if task is not None and task.community_id != community.pk:
        raise ValidationError({"task": _("The task belongs to another community.")})
    if isinstance(record, Income):
        funding = record.kind == Income.Kind.TASK_FUNDING
        if funding and task is None:
            raise ValidationError({"task": _("Money that came with a task needs the task.")})
        if task is not None and not funding:
            raise ValidationError(
                {"task": _("Only money that came with a task is linked to a task.")}
            )


def left_in_year(*, community: Community, year: int) -> Decimal:
    """What is left of a year's money (all income, pooling deducted) after spending."""
    from funds.metrics import summary

    one = Community.objects.filter(pk=community.pk)
    return summary(one, *year_bounds(year)).balance


# Income ------------------------------------------------------------------------------------

INCOME_FIELDS = ("date", "kind", "payer", "amount", "voucher", "note", "task")
EXPENSE_FIELDS = ("date", "category", "payee", "amount", "voucher", "note", "task")


def _prepare(record, *, community: Community, fields: dict, old_year: int | None) -> None:
    for name, value in fields.items():
        setattr(record, name, value)
    record.community = community
    record.amount = check_amount(record.amount)
    bounds.check_date(record.date, "date")
    new_year = record.date.year
    if old_year is not None:
        check_year_open(community=community, year=old_year)
    check_year_open(community=community, year=new_year)
    record.year = new_year
    check_voucher(community=community, year=new_year, voucher=record.voucher, exclude=record)
    _check_task(record, community=community)


def _own_fields(model, fields: dict) -> dict:
    """Only the model's own fields, so a caller cannot set the community or the year."""
    allowed = INCOME_FIELDS if model is Income else EXPENSE_FIELDS
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {sorted(unknown)}")
    return fields


def check_restored(record) -> None:
    """A deleted income, expense or budget line may come back while its year is open and
    its voucher number has not been used again (committee/restore.py)."""
    check_year_open(community=record.community, year=record.year)
    voucher = getattr(record, "voucher", "")
    if voucher:
        check_voucher(community=record.community, year=record.year, voucher=voucher)


def check_year_of(record) -> None:
    """A task, an hour entry or a pay record is deleted or comes back only while the books
    of its community's year are open (registered for those apps in funds/apps.py)."""
    day = {"tasks.Task": "received_on", "tasks.TimeEntry": "date", "staff.PayRecord": "month"}
    when = getattr(record, day[record._meta.label])
    community = getattr(record, "community", None) or record.staff_member.community
    check_year_open(community=community, year=when.year)


def resync_restored(income: Income, *, user) -> None:
    """A restored task-funding income counts again in its task's money received."""
    _sync_task_money(income)


@service
def record_income(*, community: Community, user, **fields) -> Income:
    """Record money that came in."""
    income = Income()
    _prepare(income, community=community, fields=_own_fields(Income, fields), old_year=None)
    income.recorded_by = user
    income.save()
    _sync_task_money(income)
    _log(community=community, year=income.year, user=user, action="add", record=income)
    return income


@service
def change_income(*, income: Income, user, **fields) -> Income:
    """Change an income record (neither its old nor its new year may be closed)."""
    before = Income.objects.select_for_update().get(pk=income.pk)
    versions.claim(income, user=user)
    _prepare(
        income,
        community=before.community,
        fields=_own_fields(Income, fields),
        old_year=before.year,
    )
    income.save()
    _sync_task_money(before, income)
    _log(community=income.community, year=income.year, user=user, action="change", record=income)
    return income


@service
def delete_income(*, income: Income, user) -> None:
    """Delete an income record of an open year, keeping a trace in the log."""
    check_year_open(community=income.community, year=income.year)
    _log(community=income.community, year=income.year, user=user, action="delete", record=income)
    income.delete()
    _sync_task_money(income)


def _sync_task_money(*incomes: Income) -> None:
    """Keep Task.money_received equal to the sum of its task-funding income."""
    task_ids = {i.task_id for i in incomes} - {None}
    if not task_ids:
        return
    from tasks.models import Task

    received = (
        Income.objects.filter(task=OuterRef("pk"), kind=Income.Kind.TASK_FUNDING)
        .order_by()
        .values("task")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    rollups.touch_all(
        Task.objects.filter(pk__in=task_ids).values_list("community_id", "received_on")
    )
    tasks = Task.objects.filter(pk__in=task_ids)
    before = list(tasks)
    tasks.update(money_received=Coalesce(Subquery(received), Value(ZERO), output_field=MONEY_FIELD))
    after = tasks.in_bulk()
    audit.log_changed((old, after[old.pk]) for old in before)


# Expenses ----------------------------------------------------------------------------------


def _check_category(*, community: Community, category: Category) -> None:
    if category.district_id != community.street_office.district_id:
        raise ValidationError({"category": _("Choose one of your district's categories.")})


@service
def record_expense(*, community: Community, user, **fields) -> Expense:
    """Record money spent; flag it when it takes the year's usable money below zero."""
    expense = Expense()
    _prepare(expense, community=community, fields=_own_fields(Expense, fields), old_year=None)
    _check_category(community=community, category=expense.category)
    expense.overdraws = left_in_year(community=community, year=expense.year) < expense.amount
    expense.recorded_by = user
    expense.save()
    _log(community=community, year=expense.year, user=user, action="add", record=expense)
    return expense


@service
def change_expense(*, expense: Expense, user, **fields) -> Expense:
    """Change an expense of an open year; the overdraft flag is worked out again."""
    before = Expense.objects.select_for_update().get(pk=expense.pk)
    versions.claim(expense, user=user)
    _prepare(
        expense,
        community=before.community,
        fields=_own_fields(Expense, fields),
        old_year=before.year,
    )
    _check_category(community=expense.community, category=expense.category)
    left = left_in_year(community=expense.community, year=expense.year)
    if before.year == expense.year:
        left += before.amount
    expense.overdraws = left < expense.amount
    expense.save()
    _log(community=expense.community, year=expense.year, user=user, action="change", record=expense)
    return expense


@service
def delete_expense(*, expense: Expense, user) -> None:
    """Delete an expense of an open year, keeping a trace in the log."""
    check_year_open(community=expense.community, year=expense.year)
    _log(community=expense.community, year=expense.year, user=user, action="delete", record=expense)
    expense.delete()


# Budget ------------------------------------------------------------------------------------


@service
def save_budget_line(
    *, user, line: BudgetLine | None = None, community: Community | None = None, **fields
) -> BudgetLine:
    """Plan (or re-plan) a category's spending for an open year."""
    if line is None:
        line = BudgetLine(community=community)
    else:
        before = BudgetLine.objects.get(pk=line.pk)
        check_year_open(community=before.community, year=before.year)
        versions.claim(line, user=user)
    for name, value in fields.items():
        setattr(line, name, value)
    if line.planned is None or line.planned < 0 or line.planned != line.planned.quantize(CENT):
        raise ValidationError({"planned": _("Plan zero or more yuan, with at most two decimals.")})
    bounds.check_money(line.planned, "planned", low=Decimal("0"))
    check_year_open(community=line.community, year=line.year)
    _check_category(community=line.community, category=line.category)
    duplicate = BudgetLine.objects.filter(
        community=line.community, year=line.year, category=line.category
    ).exclude(pk=line.pk)
    if duplicate.exists():
        raise ValidationError(
            {"category": _("This category already has a line in that year's budget.")}
        )
    action = "change" if line.pk else "add"
    line.save()
    _log(community=line.community, year=line.year, user=user, action=action, record=line)
    return line


@service
def delete_budget_line(*, line: BudgetLine, user) -> None:
    """Remove a line from an open year's budget."""
    check_year_open(community=line.community, year=line.year)
    _log(community=line.community, year=line.year, user=user, action="delete", record=line)
    line.delete()


# Years and the public notice ---------------------------------------------------------------


def _year(community: Community, year: int) -> FinancialYear:
    book, _created = FinancialYear.objects.select_for_update().get_or_create(
        community=community, year=year
    )
    return book


@dataclass(frozen=True)
class YearContents:
    """What closing a year locks: its records, counted and summed."""

    incomes: int
    income_total: Decimal
    expenses: int
    expense_total: Decimal
    budget_lines: int
    budget_total: Decimal
    days_left: int  # of the calendar year, counting today; 0 once it has ended


def year_contents(*, community: Community, year: int) -> YearContents:
    """The records a close would lock, in three aggregate queries."""

    def count_and_sum(model, amount) -> tuple[int, Decimal]:
        found = model.objects.filter(community=community, year=year).aggregate(
            n=Count("pk"), total=Sum(amount)
        )
        return found["n"], found["total"] or ZERO

    # Pooling is kept positive and deducted, as on the year page.
    net_income = Case(
        When(kind=Income.Kind.POOLING, then=-F("amount")),
        default=F("amount"),
        output_field=MONEY_FIELD,
    )
    incomes, income_total = count_and_sum(Income, net_income)
    expenses, expense_total = count_and_sum(Expense, "amount")
    budget_lines, budget_total = count_and_sum(BudgetLine, "planned")
    today = timezone.localdate()
    days_left = max(0, (date(year, 12, 31) - today).days + 1) if year >= today.year else 0
    return YearContents(
        incomes, income_total, expenses, expense_total, budget_lines, budget_total, days_left
    )


@service
def close_year(
    *, community: Community, year: int, user, before_year_end: bool = False
) -> FinancialYear:
    """The chair closes a year's books: nothing in them changes any more.

    Closing a year that has not ended yet must be asked for (``before_year_end``):
    everything dated in its remaining days could then no longer be entered.
    """
    if not can(user, Action.MANAGE, community):
        raise PermissionDenied(_("Only the community's chair may close a year."))
    book = _year(community, year)
    if book.closed:
        raise ValidationError(_("The books of %(year)s are already closed.") % {"year": year})
    today = timezone.localdate()
    if year > today.year:
        raise ValidationError(_("A year that has not begun cannot be closed."))
    if year == today.year and not before_year_end:
        raise ValidationError(
            _("%(year)s has not ended yet; confirm that you want to close it before 31 December.")
            % {"year": year}
        )
    book.closed_at = timezone.now()
    book.closed_by = user
    book.save()
    _log(community=community, year=year, user=user, action="close", record=book)
    return book


@service
def reopen_year(*, community: Community, year: int, user, reason: str = "") -> FinancialYear:
    """A district officer reopens a closed year, so its records can be corrected.

    The reason is required and kept in the year's history (committee/audit.py)."""
    if not can(user, Action.ADMINISTER, community):
        raise PermissionDenied(_("Only a district officer may reopen a closed year."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the year is reopened; the reason is kept."))
    book = _year(community, year)
    if not book.closed:
        raise ValidationError(_("The books of %(year)s are open.") % {"year": year})
    book.closed_at = None
    book.closed_by = None
    with audit.reason(reason):
        book.save()
    _log(community=community, year=year, user=user, action="reopen", record=book)
    return book


@service
def publish_notice(*, community: Community, year: int, user, publish: bool = True):
    """The chair publishes (or withdraws) the public finance notice (居务公开) of a year."""
    if not can(user, Action.MANAGE, community):
        raise PermissionDenied(_("Only the community's chair may publish the notice."))
    book = _year(community, year)
    book.published_at = timezone.now() if publish else None
    book.save()
    _log(
        community=community,
        year=year,
        user=user,
        action="publish" if publish else "unpublish",
        record=book,
    )
    return book


@service
def save_category(category: Category, *, user) -> Category:
    """Add or change one of the district's spending categories (its district officers only)."""
    return save_record(category, user=user)
