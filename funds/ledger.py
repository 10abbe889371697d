"""The committee's own cash book (现金日记账) imported as it is kept: income and expenses.

A bookkeeping workbook has a title and blank rows above its header, then 日期 摘要 收入
支出 余额 经手人 备注 columns, monthly 本月小计 rows and a 合计 row (skipped with a note
by the import machinery). Each row with an amount under 收入 becomes an income, under 支出
an expense; the preview shows them as two groups. Where the sheet has no 类型 or 支出类别
column, the kind of income and the spending category are read from the 摘要 (电费 →
水电暖气, 街道统筹 → pooling …), falling back to 其他. Every row is checked and saved by
the income and expense imports' own rules (IncomeImporter, ExpenseImporter).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.import_views import ImportView
from committee.imports import (
    CHOICE,
    DATE,
    MONEY,
    TEXT,
    Column,
    Importer,
    ParsedRow,
    ParseResult,
    PreviewGroup,
    RowError,
)
from funds import services
from funds.importers import CATEGORY, DAY, KIND, NOTE, VOUCHER, ExpenseImporter, IncomeImporter
from funds.models import Income

SUMMARY, INCOME, EXPENSE, HANDLER = "摘要", "收入", "支出", "经手人"
INCOME_GROUP, EXPENSE_GROUP = "income", "expense"
INCOME_KINDS = next(c.choices for c in IncomeImporter.columns if c.key == "kind")

# Words of a 摘要 that say what kind of income it is, first match wins.
INCOME_WORDS = [
    (("统筹",), Income.Kind.POOLING),
    (("拨款", "拨付", "下拨", "办公经费", "运转经费"), Income.Kind.ALLOCATION),
    (("共建", "捐", "赞助"), Income.Kind.CONTRIBUTION),
    (("服务费", "服务收入", "有偿", "低偿"), Income.Kind.SERVICE),
]
# Words of a 摘要 that say which spending category (by code) an expense belongs to.
EXPENSE_WORDS = [
    (("水费", "电费", "暖气", "供暖", "燃气", "水电"), "utilities"),
    (("话费", "电话"), "phone"),
    (("网费", "宽带", "网络"), "internet"),
    (("打印", "复印", "纸", "墨", "硒鼓", "耗材", "文具", "办公用品"), "consumables"),
    (("展板", "挂牌", "标牌", "牌子", "横幅", "宣传栏"), "signboards"),
    (("会议", "活动"), "meetings"),
    (("慰问", "居民服务"), "resident_services"),
    (("维修", "修理"), "repairs"),
    (("培训",), "training"),
]
OTHER_CATEGORY = "other"


def _word_match(text: str, table) -> Any:
    for words, value in table:
        if any(word in text for word in words):
            return value
    return None


class LedgerImporter(Importer):
    """A cash book with separate 收入 and 支出 columns, feeding income and expenses."""

    title = gettext_lazy("Import a cash book (income and expenses)")
    columns = [
        Column("date", DAY, kind=DATE, example="2026年3月15日"),
        Column(
            "summary", SUMMARY, required=False, example="区级办公经费拨款", aliases=("事由", "内容")
        ),
        Column("income", INCOME, kind=MONEY, required=False, example="15,000.00"),
        Column("expense", EXPENSE, kind=MONEY, required=False, example=""),
        Column("handler", HANDLER, required=False, example="李明", max_length=50),
        Column("voucher", VOUCHER, required=False, example="收-2026-001", max_length=30),
        Column(
            "kind", KIND, kind=CHOICE, required=False, choices=IncomeImporter.columns[1].choices
        ),
        Column("category", CATEGORY, kind=TEXT, required=False, max_length=50),
        Column("note", NOTE, required=False, example=""),
    ]
    # Both amount columns must be in the header, though each row fills only one of them.
    header_needs = ("income", "expense")

    @cached_property
    def incomes(self) -> IncomeImporter:
        return IncomeImporter(user=self.user, community=self.community)

    @cached_property
    def expenses(self) -> ExpenseImporter:
        return ExpenseImporter(user=self.user, community=self.community)

    def _map_header(self, header):
        found, missing = super()._map_header(header)
        for key in self.header_needs:
            if key not in found:
                missing.append(next(c.header for c in self.columns if c.key == key))
        return found, missing

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        income, expense = values.get("income"), values.get("expense")
        if (income is None) == (expense is None):
            message = (
                _("Fill either 收入 or 支出, not both.")
                if income is not None
                else _("Fill 收入 or 支出.")
            )
            values["group"] = None
            return [(INCOME, message)]
        summary = values.get("summary") or ""
        note = "；".join(
            part
            for part in (
                summary,
                values.get("note") or "",
                f"{HANDLER}：{values['handler']}" if values.get("handler") else "",
            )
            if part
        )
        if income is not None:
            values["group"] = INCOME_GROUP
            values["row"] = {
                "date": values["date"],
                "kind": values.get("kind") or _word_match(summary, INCOME_WORDS) or "other",
                "amount": income,
                "payer": "",
                "voucher": values.get("voucher"),
                "task": None,
                "note": note,
            }
            return self.incomes.clean_row(values["row"])
        values["group"] = EXPENSE_GROUP
        values["row"] = {
            "date": values["date"],
            "category": values.get("category") or self._category_for(summary),
            "amount": expense,
            "payee": "",
            "voucher": values.get("voucher"),
            "task": None,
            "note": note,
        }
        return self.expenses.clean_row(values["row"])

    def _category_for(self, summary: str) -> str:
        code = _word_match(summary, EXPENSE_WORDS) or OTHER_CATEGORY
        category = self.expenses.categories.get(code) or self.expenses.categories.get(
            OTHER_CATEGORY
        )
        return category.name if category else summary or "—"

    def _subset(self, rows: list[ParsedRow], group: str) -> list[ParsedRow]:
        return [
            ParsedRow(row.row, row.values["row"], row.display)
            for row in rows
            if row.values.get("group") == group
        ]

    def clean_all(self, rows: list[ParsedRow]) -> list[RowError]:
        return self.incomes.clean_all(self._subset(rows, INCOME_GROUP)) + self.expenses.clean_all(
            self._subset(rows, EXPENSE_GROUP)
        )

    def display(self, values: dict[str, Any]) -> dict[str, str]:
        if values.get("group") == INCOME_GROUP:
            return self.incomes.display(values["row"])
        if values.get("group") == EXPENSE_GROUP:
            return self.expenses.display(values["row"])
        return super().display(values)

    def preview_groups(self, result: ParseResult) -> list[PreviewGroup]:
        def shown(importer):
            keys = ("date", "kind", "category", "amount", "voucher", "note")
            return [c for c in importer.columns if c.key in keys]

        return [
            PreviewGroup(_("Income"), shown(self.incomes), self._subset(result.rows, INCOME_GROUP)),
            PreviewGroup(
                _("Expenses"), shown(self.expenses), self._subset(result.rows, EXPENSE_GROUP)
            ),
        ]

    def save_row(self, values: dict[str, Any]) -> None:
        if values["group"] == INCOME_GROUP:
            self.incomes.save_row(values["row"])
        else:
            self.expenses.save_row(values["row"])


class LedgerImportView(ImportView):
    importer_class = LedgerImporter
    services = (services.record_income, services.record_expense)
    success_url_name = "funds:income_list"
