"""Tables of the books; each list page and its Excel export are drawn from one of these."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from committee.tables import BaseTable, MoneyColumn, format_money
from funds.models import BudgetLine, Category, Expense, Income


class SignedMoneyColumn(MoneyColumn):
    """Income with pooling shown (and exported) as a deduction."""

    def render(self, value, record):
        if record.is_deduction:
            return "−" + format_money(value)
        return format_money(value)

    def value(self, value, record):
        return -value if record.is_deduction else value


def signed_amount(amount, kind):
    """The amount as the income list shows it: pooling is a deduction."""
    return -amount if kind == Income.Kind.POOLING and amount is not None else amount


class IncomeTable(BaseTable):
    date = tables.Column(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    amount = SignedMoneyColumn(verbose_name=_("amount (¥)"))
    task = tables.Column()
    recorded_by = tables.Column(verbose_name=_("recorded by"))

    default_columns = ("date", "community", "kind", "payer", "amount", "voucher")
    # The export reads the signed amount from two fields, not from each record.
    export_values = {"amount": (("amount", "kind"), signed_amount)}

    class Meta(BaseTable.Meta):
        model = Income
        fields = (
            "date",
            "community",
            "kind",
            "payer",
            "amount",
            "voucher",
            "task",
            "note",
            "recorded_by",
            "recorded_at",
        )
        sequence = fields


class ExpenseTable(BaseTable):
    date = tables.Column(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    category = tables.Column(accessor="category__name", verbose_name=_("category"))
    amount = MoneyColumn(verbose_name=_("amount (¥)"))
    task = tables.Column()
    overdraws = tables.BooleanColumn(verbose_name=_("overdraws the year"))
    recorded_by = tables.Column(verbose_name=_("recorded by"))

    default_columns = (
        "date",
        "community",
        "category",
        "payee",
        "amount",
        "voucher",
        "overdraws",
    )

    class Meta(BaseTable.Meta):
        model = Expense
        fields = (
            "date",
            "community",
            "category",
            "payee",
            "amount",
            "voucher",
            "task",
            "overdraws",
            "note",
            "recorded_by",
            "recorded_at",
        )
        sequence = fields
        row_attrs = {"class": lambda record: "overdraws" if record.overdraws else ""}


class BudgetLineTable(BaseTable):
    year = tables.Column()
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    category = tables.Column(accessor="category__name", verbose_name=_("category"))
    essential = tables.BooleanColumn(
        accessor="category__essential", verbose_name=_("essential running cost")
    )
    planned = MoneyColumn(verbose_name=_("planned (¥)"))
    actual = MoneyColumn(verbose_name=_("spent (¥)"), orderable=True)
    variance = MoneyColumn(verbose_name=_("variance (¥)"), orderable=False, empty_values=())
    edit = tables.Column(
        accessor="pk",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        linkify=("funds:budget_edit", {"pk": tables.A("pk")}),
    )

    default_columns = (
        "year",
        "community",
        "category",
        "essential",
        "planned",
        "actual",
        "variance",
        "edit",
    )

    class Meta(BaseTable.Meta):
        model = BudgetLine
        fields = (
            "year",
            "community",
            "category",
            "essential",
            "planned",
            "actual",
            "variance",
            "note",
        )
        sequence = (*fields, "edit")

    def render_edit(self, value):
        return _("Edit")

    def render_variance(self, record):
        return format_money(record.planned - record.actual)

    def value_variance(self, record):
        return record.planned - record.actual


class CategoryTable(BaseTable):
    name = tables.Column(linkify=("funds:category_edit", {"pk": tables.A("pk")}))
    district = tables.Column(accessor="district__name", verbose_name=_("district"))
    essential = tables.BooleanColumn()

    default_columns = ("order", "name", "code", "essential", "district")

    class Meta(BaseTable.Meta):
        model = Category
        fields = ("order", "name", "code", "essential", "district")
        sequence = fields
