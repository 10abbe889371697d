"""The committee's books: spending categories, budget lines, income, expenses, years.

- Category: a kind of spending, kept per district, marked when it is an essential
  running cost (water, power, phone, internet …).
- BudgetLine: what a community plans to spend on a category in a year.
- Income: money that came in; the street office's pooling (统筹) is its own kind,
  stored as a positive amount and shown as a deduction.
- Expense: money spent, on a category and optionally on a task pushed down.
- FinancialYear: whether a community's year is closed and its notice published.
- FundsLogEntry: who recorded, changed or deleted which money record, and when.

Writes that carry a rule go through funds/services.py.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.bounds import AmountInRange, DateInRange
from committee.links import record_url
from committee.models import Community, District
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.versions import Versioned

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """A positive amount of yuan with two decimals."""
    kwargs.setdefault("validators", [MinValueValidator(CENT), AmountInRange()])
    return models.DecimalField(verbose_name, **MONEY, **kwargs)


class CategoryQuerySet(DistrictScopedQuerySet):
    scope_path = "district"


class Category(Versioned):
    """A kind of spending, kept by the district; essential ones keep the office running."""

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="spending_categories",
        verbose_name=_("district"),
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    essential = models.BooleanField(
        _("essential running cost"),
        default=False,
        help_text=_("Money the office must spend to keep running (water, power, phone …)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("spending category")
        verbose_name_plural = _("spending categories")
        ordering = ["district", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="funds_category_unique_code"),
            models.UniqueConstraint(fields=["district", "name"], name="funds_category_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funds:category_list")


class FinancialYear(models.Model):
    """A community's books for one calendar year: closed or open, notice published or not.

    A year without a row is open and unpublished.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="financial_years"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    published_at = models.DateTimeField(_("notice published at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("financial year")
        verbose_name_plural = _("financial years")
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="funds_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.year}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def published(self) -> bool:
        return self.published_at is not None


class MoneyRecordQuerySet(ScopedQuerySet):
    scope_path = "community"

    def in_period(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class MoneyRecord(Versioned):
    """What income and expenses share: a dated, vouchered, positive amount of a community."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, verbose_name=_("community"))
    date = models.DateField(_("date"), validators=[DateInRange()])
    # Kept from `date` on save, so "unique per community and year" is a database rule.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    amount = money_field(_("amount (¥)"))
    voucher = models.CharField(
        _("voucher number"),
        max_length=30,
        blank=True,
        help_text=_("Unique in the community's books for the year."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = MoneyRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]

    def save(self, *args, **kwargs):
        self.year = self.date.year
        super().save(*args, **kwargs)


class Income(MoneyRecord):
    """Money that came in, by kind; pooling is kept by the street office and deducted."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", _("allocation from the district")
        POOLING = "pooling", _("pooled by the street office (deducted)")
        CONTRIBUTION = "contribution", _("contribution from a unit in the area")
        SERVICE = "service", _("paid or low-cost services")
        TASK_FUNDING = "task_funding", _("money that came with a task")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    payer = models.CharField(
        _("payer"),
        max_length=100,
        blank=True,
        help_text=_("Who paid: the department, or the unit's name for a contribution."),
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding",
        verbose_name=_("task"),
        help_text=_("For money that came with a task: which task."),
    )

    class Meta(MoneyRecord.Meta):
        verbose_name = _("income")
        verbose_name_plural = _("income")
        indexes = [models.Index(fields=["community", "date"], name="funds_income_comm_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_income_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(kind="task_funding", task__isnull=False)
                | (~Q(kind="task_funding") & Q(task__isnull=True)),
                name="funds_income_task_iff_task_funding",
                violation_error_message=_(
                    "Money that came with a task needs the task; other income has no task."
                ),
            ),
            models.UniqueConstraint(
                fields=["community", "year", "voucher"],
                condition=~Q(voucher=""),
                name="funds_income_unique_voucher",
                violation_error_message=_("This voucher number is already used in that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} ¥{self.amount}"

    def get_absolute_url(self) -> str:
        return record_url("funds:income_detail", self.pk)

    @property
    def is_deduction(self) -> bool:
        return self.kind == self.Kind.POOLING


class Expense(MoneyRecord):
    """Money spent on a category, optionally on a task that was pushed down."""

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("category")
    )
    payee = models.CharField(_("payee"), max_length=100, blank=True)
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("task"),
        help_text=_("The task pushed down that this money was spent on, if any."),
    )
    overdraws = models.BooleanField(
        _("overdraws the year"),
        default=False,
        editable=False,
        help_text=_("When recorded, it took the year's usable money below zero."),
    )

    class Meta(MoneyRecord.Meta):
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [models.Index(fields=["community", "date"], name="funds_expense_comm_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funds_expense_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["community", "year", "voucher"],
                condition=~Q(voucher=""),
                name="funds_expense_unique_voucher",
                violation_error_message=_("This voucher number is already used in that year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.category} ¥{self.amount}"

    def get_absolute_url(self) -> str:
        return record_url("funds:expense_detail", self.pk)


class BudgetLineQuerySet(ScopedQuerySet):
    scope_path = "community"


class BudgetLine(Versioned):
    """What a community plans to spend on one category in one year."""

    community = models.ForeignKey(Community, on_delete=models.PROTECT, verbose_name=_("community"))
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("category")
    )
    planned = money_field(
        _("planned (¥)"), validators=[MinValueValidator(Decimal("0")), AmountInRange(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["community", "-year", "category__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "category"],
                name="funds_budget_unique_line",
                violation_error_message=_(
                    "This category already has a line in that year's budget."
                ),
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0),
                name="funds_budget_not_negative",
                violation_error_message=_("Plan zero or more yuan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category if self.category_id else ''}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("funds:budget_list") + f"?community={self.community_id}&year={self.year}"


class FundsLogEntry(models.Model):
    """One change to the books: who added, changed or deleted which record, and when."""

    class Action(models.TextChoices):
        ADD = "add", _("added")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        CLOSE = "close", _("closed the year")
        REOPEN = "reopen", _("reopened the year")
        PUBLISH = "publish", _("published the notice")
        UNPUBLISH = "unpublish", _("withdrew the notice")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    record = models.CharField(_("record"), max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("change to the books")
        verbose_name_plural = _("changes to the books")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.record}"
