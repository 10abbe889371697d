"""Excel imports of income and expenses, saved through funds/services.py.

``record_income`` and ``record_expense`` keep the book rules (positive amounts, a voucher
once a year, closed years, task money in step). Here names are looked up (category, task),
and a row is refused early when the services' own checks (voucher, closed year) would
refuse it, or when the same record is already in the books.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.import_views import ImportView
from committee.imports import (
    CHOICE,
    DATE,
    DECIMAL,
    MONEY,
    Column,
    Importer,
    ParsedRow,
    RowError,
    choice_labels,
    normalise,
    repeated_rows,
    unknown_name,
)
from funds import services
from funds.models import Category, Expense, Income
from funds.tables import ExpenseTable, IncomeTable

DAY, KIND, AMOUNT, PAYER, PAYEE = "日期", "类型", "金额", "付款方", "收款方"
CATEGORY, VOUCHER, TASK, NOTE = "支出类别", "凭证号", "任务", "备注"


class MoneyImporter(Importer):
    """What income and expense imports share: task lookup, voucher and year checks."""

    model: type[Income] | type[Expense]

    @cached_property
    def tasks(self) -> dict[str, Any]:
        from tasks.models import Task

        found: dict[str, Any] = {}
        for task in Task.objects.filter(community=self.community).order_by("-received_on", "-pk"):
            found.setdefault(normalise(task.title), task)
        return found

    @cached_property
    def saved(self) -> set[tuple]:
        return set(
            self.model.objects.filter(community=self.community).values_list(*self.key_fields)
        )

    key_fields: tuple[str, ...] = ()

    @cached_property
    def used_vouchers(self) -> set[tuple[int, str]]:
        """(year, voucher) already in the community's books, read once for the whole file."""
        used: set[tuple[int, str]] = set()
        for model in (Income, Expense):
            records = model.objects.filter(community=self.community).exclude(voucher="")
            used.update(records.values_list("year", "voucher"))
        return used

    @cached_property
    def _years(self) -> dict[int, str]:
        return {}

    def closed_year(self, year: int) -> str:
        """The services' refusal for a closed year ('' when open), asked once a year."""
        if year not in self._years:
            try:
                services.check_year_open(community=self.community, year=year)
                self._years[year] = ""
            except ValidationError as error:
                self._years[year] = " ".join(error.messages)
        return self._years[year]

    def record_key(self, values: dict[str, Any]) -> tuple | None:
        raise NotImplementedError

    def check_books(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        values["task_obj"] = None
        if values.get("task"):
            task = self.tasks.get(normalise(values["task"]))
            if task is None:
                problems.append(
                    (
                        TASK,
                        unknown_name(
                            _("task"), values["task"], [t.title for t in self.tasks.values()]
                        ),
                    )
                )
            values["task_obj"] = task
        year = values["date"].year
        if self.closed_year(year):
            problems.append((DAY, self.closed_year(year)))
        voucher = values.get("voucher") or ""
        if (year, voucher) in self.used_vouchers:  # only then can the service refuse it
            try:
                services.check_voucher(community=self.community, year=year, voucher=voucher)
            except ValidationError as error:
                problems.append((VOUCHER, " ".join(error.messages)))
        key = self.record_key(values)
        if key is not None and key in self.saved:
            problems.append((AMOUNT, _("This record is already in the books.")))
        return problems

    def clean_all(self, rows: list[ParsedRow]) -> list[RowError]:
        def voucher(values):
            return (values["date"].year, values["voucher"]) if values.get("voucher") else None

        return repeated_rows(rows, self.record_key, AMOUNT) + repeated_rows(rows, voucher, VOUCHER)

    def save_row(self, values: dict[str, Any]) -> None:
        raise NotImplementedError


class IncomeImporter(MoneyImporter):
    """Income from the committee's cash book; each row goes through record_income."""

    title = gettext_lazy("Import income")
    model = Income
    table_class = IncomeTable
    key_fields = ("date", "kind", "amount", "payer")
    columns = [
        Column("date", DAY, kind=DATE, example="2026年3月15日"),
        Column(
            "kind",
            KIND,
            kind=CHOICE,
            choices=choice_labels(
                Income.Kind.choices, {"拨款": Income.Kind.ALLOCATION, "统筹": Income.Kind.POOLING}
            ),
            example="区级拨款",
        ),
        # DECIMAL, not MONEY: the income list shows (and exports) pooling as a deduction.
        Column("amount", AMOUNT, kind=DECIMAL, example="¥15,000", money=True),
        Column("payer", PAYER, required=False, example="区民政局", max_length=100),
        Column("voucher", VOUCHER, required=False, example="收-2026-001", max_length=30),
        Column("task", TASK, required=False, example=""),
        Column("note", NOTE, required=False, example="年度办公经费"),
    ]

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values["kind"] == Income.Kind.POOLING and values["amount"] < 0:
            values["amount"] = -values["amount"]  # −¥3,000 pooling, as the list shows it
        if values["amount"] <= 0:
            return [(AMOUNT, _("The amount must be more than zero."))]
        problems = self.check_books(values)
        funding = values["kind"] == Income.Kind.TASK_FUNDING
        if funding and not values.get("task"):
            problems.append((TASK, _("Money that came with a task needs the task.")))
        if values.get("task") and not funding:
            problems.append((TASK, _("Only money that came with a task is linked to a task.")))
        return problems

    def record_key(self, values: dict[str, Any]) -> tuple | None:
        return (values["date"], values["kind"], values["amount"], values.get("payer") or "")

    def save_row(self, values: dict[str, Any]) -> None:
        services.record_income(
            community=self.community,
            user=self.user,
            date=values["date"],
            kind=values["kind"],
            amount=values["amount"],
            payer=values.get("payer") or "",
            voucher=values.get("voucher") or "",
            note=values.get("note") or "",
            task=values["task_obj"],
        )


class ExpenseImporter(MoneyImporter):
    """Expenses from the committee's cash book; each row goes through record_expense."""

    title = gettext_lazy("Import expenses")
    model = Expense
    table_class = ExpenseTable
    key_fields = ("date", "category__name", "amount", "payee")
    columns = [
        Column("date", DAY, kind=DATE, example="2026/3/20"),
        Column("category", CATEGORY, example="水电暖气", max_length=50),
        Column("amount", AMOUNT, kind=MONEY, example="1500元"),
        Column("payee", PAYEE, required=False, example="供电公司", max_length=100),
        Column("voucher", VOUCHER, required=False, example="支-2026-001", max_length=30),
        Column("task", TASK, required=False, example=""),
        Column("note", NOTE, required=False, example="一季度电费"),
    ]

    @cached_property
    def categories(self) -> dict[str, Category]:
        district_id = self.community.street_office.district_id
        found: dict[str, Category] = {}
        for category in Category.objects.filter(district_id=district_id):
            found[normalise(category.name)] = category
            found.setdefault(category.code, category)
        return found

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        category = self.categories.get(normalise(values["category"]))
        if category is None:
            names = [c.name for c in self.categories.values()]
            problems.append(
                (CATEGORY, unknown_name(_("spending category"), values["category"], names))
            )
        else:
            values["category"] = category.name
        values["category_obj"] = category
        return problems + self.check_books(values)

    def record_key(self, values: dict[str, Any]) -> tuple | None:
        return (values["date"], values["category"], values["amount"], values.get("payee") or "")

    def save_row(self, values: dict[str, Any]) -> None:
        services.record_expense(
            community=self.community,
            user=self.user,
            date=values["date"],
            category=values["category_obj"],
            amount=values["amount"],
            payee=values.get("payee") or "",
            voucher=values.get("voucher") or "",
            note=values.get("note") or "",
            task=values["task_obj"],
        )


class IncomeImportView(ImportView):
    services = (services.record_income,)
    importer_class = IncomeImporter
    success_url_name = "funds:income_list"


class ExpenseImportView(ImportView):
    services = (services.record_expense,)
    importer_class = ExpenseImporter
    success_url_name = "funds:expense_list"
