"""Every list that has an import exports a file that import reads back unchanged.

For each one: records are made through the services, the list is exported with all its
columns (what a clerk gets after showing every column), the records are removed, the
exported file is imported, and the records are what they were.
"""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from funds import services as funds_services
from funds.importers import ExpenseImporter, IncomeImporter
from funds.models import Category, Expense, Income
from funds.tables import ExpenseTable, IncomeTable
from staff.importers import PayRecordImporter
from staff.models import PayRecord
from staff.tables import PayRecordTable
from tasks import services as task_services
from tasks.importers import TaskImporter, TimeEntryImporter
from tasks.models import Task, TimeEntry
from tasks.tables import TaskTable, TimeEntryTable
from tests.conftest import logged_in
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.staff.factories import make_pay
from tests.tasks.factories import CatalogueItemFactory


def export(user, url_name: str, table) -> bytes:
    query = urlencode({"export": "xlsx", "columns": list(table.Meta.fields)}, doseq=True)
    response = logged_in(user).get(f"{reverse(url_name)}?{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def reimport(importer_class, user, community, data: bytes) -> int:
    importer = importer_class(user=user, community=community)
    result = importer.parse(data, "export.xlsx")
    assert result.ok, result.errors
    return importer.save(result)


@pytest.fixture
def books(world):
    district = world.district
    funds_services.ensure_default_categories(district=district)
    department = DepartmentFactory(district=district, name="区统计局")
    return {
        "department": department,
        "item": CatalogueItemFactory(district=district, list="duty", item="调解民间纠纷"),
        "wang": StaffMemberFactory(community=world.community_a, name="王芳"),
        "li": StaffMemberFactory(community=world.community_a, name="李明"),
    }


def log_task(world, chair_a, books, **fields):
    return task_services.log_task(
        community=world.community_a, department=books["department"], by=chair_a, **fields
    )


def test_income_round_trip(world, chair_a, books):
    task = log_task(
        world, chair_a, books, title="人口统计", category="statistics", catalogue_item=None
    )
    for fields in (
        {"kind": "allocation", "amount": Decimal("15000"), "payer": "区民政局", "voucher": "收-1"},
        {"kind": "pooling", "amount": Decimal("3000.50"), "payer": "东风街道"},
        {"kind": "task_funding", "amount": Decimal("800"), "task": task, "note": "统计经费"},
        {"kind": "contribution", "amount": Decimal("0.01"), "payer": "=SUM(A1)"},
    ):
        funds_services.record_income(
            community=world.community_a, user=chair_a, date=date(2026, 3, 2), **fields
        )
    fields = ("date", "kind", "amount", "payer", "voucher", "task_id", "note")
    before = sorted(Income.objects.values_list(*fields))
    data = export(chair_a, "funds:income_list", IncomeTable)
    Income.objects.all().delete()
    assert reimport(IncomeImporter, chair_a, world.community_a, data) == 4
    assert sorted(Income.objects.values_list(*fields)) == before


def test_expense_round_trip(world, chair_a, books):
    categories = {c.code: c for c in Category.objects.all()}
    for fields in (
        {"category": categories["utilities"], "amount": Decimal("620.50"), "payee": "供电公司"},
        {"category": categories["other"], "amount": Decimal("40"), "voucher": "支-9", "note": "杂"},
    ):
        funds_services.record_expense(
            community=world.community_a, user=chair_a, date=date(2026, 4, 9), **fields
        )
    fields = ("date", "category_id", "amount", "payee", "voucher", "task_id", "note")
    before = sorted(Expense.objects.values_list(*fields))
    data = export(chair_a, "funds:expense_list", ExpenseTable)
    Expense.objects.all().delete()
    assert reimport(ExpenseImporter, chair_a, world.community_a, data) == 2
    assert sorted(Expense.objects.values_list(*fields)) == before


def test_task_round_trip(world, chair_a, books):
    log_task(
        world,
        chair_a,
        books,
        title="调解邻里纠纷",
        category="mediation",
        catalogue_item=books["item"],
        nature="community",
        received_on=date(2026, 4, 6),
    )
    log_task(
        world,
        chair_a,
        books,
        title="流动人口统计（9月）",
        category="statistics",
        catalogue_item=None,
        money_promised=Decimal("1500"),
        deadline=date(2026, 4, 30),
        received_on=date(2026, 4, 5),
    )
    fields = (
        "title",
        "department_id",
        "received_on",
        "category",
        "nature",
        "catalogue_item_id",
        "money_promised",
        "deadline",
        "outcome",
    )
    before = sorted(Task.objects.values_list(*fields))
    data = export(chair_a, "tasks:task_list", TaskTable)
    Task.objects.all().delete()
    assert reimport(TaskImporter, chair_a, world.community_a, data) == 2
    assert sorted(Task.objects.values_list(*fields)) == before


def test_time_entry_round_trip(world, chair_a, books):
    task = log_task(
        world,
        chair_a,
        books,
        title="人口统计",
        category="statistics",
        catalogue_item=None,
        received_on=date(2026, 4, 1),
    )
    task_services.log_hours(
        staff_member=books["wang"], day=date(2026, 4, 7), hours="1.5", by=chair_a, task=task
    )
    task_services.log_hours(
        staff_member=books["li"],
        day=date(2026, 4, 7),
        hours="2",
        by=chair_a,
        resident_work="mediation",
        note="入户",
    )
    fields = ("staff_member_id", "date", "hours", "task_id", "resident_work", "note")
    before = sorted(TimeEntry.objects.values_list(*fields), key=str)
    data = export(chair_a, "tasks:time_entry_list", TimeEntryTable)
    TimeEntry.objects.all().delete()
    assert reimport(TimeEntryImporter, chair_a, world.community_a, data) == 2
    assert sorted(TimeEntry.objects.values_list(*fields), key=str) == before


def test_pay_record_round_trip(world, chair_a, books):
    make_pay(books["wang"], date(2026, 3, 1), "2400", post_allowance=Decimal("300"))
    make_pay(books["li"], date(2026, 3, 1), "2600.50", paid_on=date(2026, 4, 10))
    fields = ("staff_member_id", "month", "kind", *PayRecord.PAY_PARTS, "gross", "net", "paid_on")
    before = sorted(PayRecord.objects.values_list(*fields))
    data = export(chair_a, "staff:payrecord_list", PayRecordTable)
    PayRecord.objects.all().delete()
    assert reimport(PayRecordImporter, chair_a, world.community_a, data) == 2
    assert sorted(PayRecord.objects.values_list(*fields)) == before
