"""A committee's own cash book imports as it is kept: title rows, 收入/支出, 小计 and 合计."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from committee.models import ImportBatch
from funds import services
from funds.ledger import LedgerImporter
from funds.models import Expense, Income
from tests.conftest import logged_in
from tests.reports.test_imports import named
from tests.scoping import covers

HEADER = ("日期", "摘要", "收入", "支出", "余额", "经手人", "备注")
MARCH = [
    ("2026-03-02", "区级办公经费拨款", "15,000.00", None, 15000, "李明", None),
    ("2026-03-05", "街道统筹", "3000", None, 18000, "李明", None),
    ("2026-03-10", "三月电费", None, "620.50", 17379.5, "王芳", "一季度"),
    ("2026-03-18", "社区活动展板制作", None, "1,200", 16179.5, "王芳", None),
    ("本月小计", None, "18,000.00", "1,820.50", None, None, None),
]
APRIL = [
    ("2026/4/3", "共建单位支持", "2000", None, 18179.5, "李明", None),
    ("2026/4/9", "购买打印纸", None, "85", 18094.5, "王芳", None),
    ("2026/4/20", "杂项", None, "40", 18054.5, "王芳", None),
    ("本月小计", None, "2,000.00", "125.00", None, None, None),
    ("合计", None, "20,000.00", "1,945.50", None, None, None),
    ("本年累计", None, "20,000.00", "1,945.50", None, None, None),
]


def cash_book(second_sheet_first: bool = False) -> bytes:
    """A bookkeeping workbook as a committee keeps it: title, blank row, header on row 3."""
    wb = Workbook()
    book = wb.active
    book.title = "2026年现金日记账"
    book.append(["甲社区居委会 2026年 现金日记账"])
    book.append([])
    book.append(list(HEADER))
    for row in MARCH + APRIL:
        book.append(list(row))
    notes = wb.create_sheet("说明", 0 if second_sheet_first else None)
    notes.append(["本账由会计李明登记，每月底结出小计。"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def categories(world):
    services.ensure_default_categories(district=world.district)


def test_a_cash_book_feeds_income_and_expenses_skipping_its_totals(world, chair_a, categories):
    importer = LedgerImporter(user=chair_a, community=world.community_a)
    result = importer.parse(cash_book(second_sheet_first=True), "现金日记账.xlsx")
    assert result.ok, result.errors
    assert result.sheet == "2026年现金日记账"  # the notes sheet has no header: passed over
    assert result.header_row == 3
    assert [(e.row, e.message) for e in result.skipped] == [
        (8, "本月小计行，已跳过。"),
        (12, "本月小计行，已跳过。"),
        (13, "合计行，已跳过。"),
        (14, "本年累计行，已跳过。"),
    ]
    income, expenses = importer.preview_groups(result)
    assert [number for number, _cells in income.rows] == [4, 5, 9]
    assert [number for number, _cells in expenses.rows] == [6, 7, 10, 11]
    assert importer.save(result) == 7

    saved_income = Income.objects.filter(community=world.community_a).order_by("date")
    assert [(i.date, i.kind, i.amount) for i in saved_income] == [
        (date(2026, 3, 2), Income.Kind.ALLOCATION, Decimal("15000.00")),
        (date(2026, 3, 5), Income.Kind.POOLING, Decimal("3000.00")),
        (date(2026, 4, 3), Income.Kind.CONTRIBUTION, Decimal("2000.00")),
    ]
    assert "经手人：李明" in saved_income[0].note
    saved_expenses = Expense.objects.filter(community=world.community_a).order_by("date")
    assert [(e.category.code, e.amount) for e in saved_expenses] == [
        ("utilities", Decimal("620.50")),
        ("signboards", Decimal("1200.00")),
        ("consumables", Decimal("85.00")),
        ("other", Decimal("40.00")),
    ]
    assert saved_expenses[0].note == "三月电费；一季度；经手人：王芳"


def test_the_preview_page_shows_two_groups_and_the_skipped_rows(world, chair_a, categories):
    client = logged_in(chair_a)
    page = client.post(
        reverse("funds:ledger_import"),
        {"file": named(cash_book(), "现金日记账.xlsx"), "community": world.community_a.pk},
    )
    text = page.content.decode()
    assert "收入 · 3 行" in text and "支出 · 4 行" in text
    assert "4 行小计或合计已跳过" in text
    assert "表头在第 3 行" in text
    assert not Income.objects.exists() and not Expense.objects.exists()
    done = client.post(reverse("funds:ledger_import"), {"confirm": page.context["token"]})
    assert done.status_code == 302
    assert (Income.objects.count(), Expense.objects.count()) == (3, 4)


def test_a_row_with_both_or_neither_amount_is_named(world, chair_a, categories):
    wb = Workbook()
    wb.active.append(list(HEADER))
    wb.active.append(["2026-03-02", "拨款", "100", "100", None, None, None])
    wb.active.append(["2026-03-03", "什么也没有", None, None, None, None, "备注"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = LedgerImporter(user=chair_a, community=world.community_a).parse(
        buffer.getvalue(), "x.xlsx"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "收入"), (3, "收入")]


def test_the_sheet_can_be_chosen_from_the_preview(world, chair_a, categories):
    client = logged_in(chair_a)
    url = reverse("funds:ledger_import")
    page = client.post(
        url, {"file": named(cash_book(), "现金日记账.xlsx"), "community": world.community_a.pk}
    )
    assert page.context["result"].sheets == ["2026年现金日记账", "说明"]
    token = page.context["batch_token"]
    other = client.post(url, {"reread": token, "sheet": "说明"})
    assert "缺少必填列" in other.content.decode()
    again = client.post(url, {"reread": token, "sheet": "2026年现金日记账"})
    assert again.context["result"].ok and len(again.context["result"].rows) == 7
    assert ImportBatch.objects.get(token=token).sheet == "2026年现金日记账"


@covers("funds:ledger_import")
class TestLedgerImportScoping:
    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(reverse("funds:ledger_import"))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_an_official_who_only_reviews_may_not_import(self, official_a):
        assert logged_in(official_a).get(reverse("funds:ledger_import")).status_code == 403

    def test_staff_cannot_import_into_another_community(self, world, staff_a, categories):
        response = logged_in(staff_a).post(
            reverse("funds:ledger_import"),
            {"file": named(cash_book(), "a.xlsx"), "community": world.community_b.pk},
        )
        assert "community" in response.context["form"].errors
        assert not Income.objects.exists()

    def test_another_users_preview_cannot_be_reread(self, world, staff_a, chair_a, categories):
        page = logged_in(staff_a).post(
            reverse("funds:ledger_import"),
            {"file": named(cash_book(), "a.xlsx"), "community": world.community_a.pk},
        )
        response = logged_in(chair_a).post(
            reverse("funds:ledger_import"), {"reread": page.context["batch_token"]}
        )
        assert response.status_code == 302
