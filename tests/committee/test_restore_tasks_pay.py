"""Deleting and restoring tasks, pay records, income and expenses (issue #17 points 2 and 6):
delete pages for tasks (the chair) and pay (those who enter pay), a restore refused once
the year is closed, a restored task admitted again, a restored task-funding income counted
again, and the restore kept in the history."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from committee.models import AuditEntry
from funds import services as funds_services
from funds.models import Expense, Income
from staff.models import PayRecord, PayRecordChange
from tasks import services as task_services
from tasks.models import Outcome, Status, Task, TimeEntry
from tests.conftest import logged_in
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.funds.factories import category, make_task
from tests.scoping import ScopingTests
from tests.staff.factories import make_pay
from tests.tasks.factories import CatalogueItemFactory, TaskFactory, TimeEntryFactory


@pytest.fixture
def task_a(world):
    return TaskFactory(community=world.community_a)


@pytest.fixture
def pay_a(world):
    worker = StaffMemberFactory(community=world.community_a)
    record = make_pay(worker, date(2026, 5, 1), "5000")
    PayRecordChange.snapshot(record, None).save()
    return record


class TestTaskDeletePage(ScopingTests):
    url_name, record = "tasks:task_delete", "task_a"
    owner, outsider, reader = "chair_a", "staff_b", "staff_a"


class TestPayDeletePage(ScopingTests):
    url_name, record = "staff:payrecord_delete", "pay_a"
    owner, outsider, reader = "chair_a", "staff_b", "staff_a"


def delete(user, url_name, record, reason="录错了"):
    response = logged_in(user).post(reverse(url_name, args=[record.pk]), {"change_reason": reason})
    assert response.status_code == 302
    return AuditEntry.objects.for_record(record).get(action=AuditEntry.Action.DELETE)


def restore(user, entry, reason="误删"):
    return logged_in(user).post(
        reverse("committee:audit_restore", args=[entry.pk]), {"reason": reason}
    )


def assert_restore_kept(record, user, reason="误删"):
    """The restore is itself a change in the record's history, by whom and why."""
    back = AuditEntry.objects.for_record(record).order_by("pk").last()
    assert back.action == AuditEntry.Action.CREATE
    assert (back.actor, back.reason) == (user, reason)


def test_a_task_goes_with_its_hours_and_comes_back_with_them(world, chair_a, task_a):
    worker = StaffMemberFactory(community=world.community_a)
    task_a.assignees.set([worker])
    TimeEntryFactory(staff_member=worker, task=task_a, hours=Decimal("3"), resident_work="")
    with translation.override("zh-hans"):
        page = logged_in(chair_a).get(reverse("tasks:task_delete", args=[task_a.pk]))
    text = page.content.decode()
    assert "工时记录" in text and "可以恢复" in text and "Task_assignees" not in text
    entry = delete(chair_a, "tasks:task_delete", task_a)
    assert not Task.objects.filter(pk=task_a.pk).exists() and not TimeEntry.objects.exists()
    assert restore(chair_a, entry).status_code == 302
    task = Task.objects.get(pk=task_a.pk)
    assert [e.hours for e in task.time_entries.all()] == [Decimal("3.00")]
    assert [e.note for e in task.events.all()] == ["已从修改记录恢复"]
    assert list(task.assignees.all()) == [worker]
    assert_restore_kept(task, chair_a)


def task_funding(world, user, task):
    return funds_services.record_income(
        community=world.community_a,
        user=user,
        date=date(2026, 3, 1),
        kind=Income.Kind.TASK_FUNDING,
        amount="800",
        payer="区民政局",
        task=task,
    )


def test_a_staff_member_may_not_delete_a_task(staff_a, task_a):
    response = logged_in(staff_a).post(reverse("tasks:task_delete", args=[task_a.pk]))
    assert response.status_code == 403
    assert Task.objects.filter(pk=task_a.pk).exists()


def test_a_task_with_money_against_it_is_kept(world, chair_a, staff_a):
    task = make_task(world.community_a)
    task_funding(world, staff_a, task)
    response = logged_in(chair_a).post(reverse("tasks:task_delete", args=[task.pk]), follow=True)
    assert Task.objects.filter(pk=task.pk).exists()
    assert "有记录关联此任务" in response.content.decode()


def test_a_pay_record_comes_back_with_its_figures(chair_a, district_officer, pay_a):
    entry = delete(chair_a, "staff:payrecord_delete", pay_a)
    assert not PayRecord.objects.filter(pk=pay_a.pk).exists()
    assert restore(district_officer, entry).status_code == 302
    record = PayRecord.objects.get(pk=pay_a.pk)
    assert record.net == pay_a.net and record.basic_pay == Decimal("5000.00")
    assert record.changes.get().changed_by == district_officer
    assert_restore_kept(record, district_officer)
    edit_page = logged_in(chair_a).get(reverse("staff:payrecord_edit", args=[record.pk]))
    assert "误删" in edit_page.content.decode()  # the record's 修改记录 shows the restore


def test_a_staff_member_cannot_restore(staff_a, chair_a, pay_a):
    entry = delete(chair_a, "staff:payrecord_delete", pay_a)
    assert restore(staff_a, entry).status_code == 404  # the history is not theirs to read
    assert not PayRecord.objects.filter(pk=pay_a.pk).exists()


def test_restored_task_funding_counts_again_in_the_task(world, staff_a, chair_a):
    task = make_task(world.community_a, money_promised=Decimal("2000"))
    income = task_funding(world, staff_a, task)
    entry = delete(staff_a, "funds:income_delete", income)
    task.refresh_from_db()
    assert task.money_received == Decimal("0.00")
    assert restore(chair_a, entry).status_code == 302
    task.refresh_from_db()
    assert task.money_received == Decimal("800.00")
    assert_restore_kept(Income.objects.get(pk=income.pk), chair_a)


def test_an_expense_comes_back(world, staff_a, chair_a):
    expense = funds_services.record_expense(
        community=world.community_a,
        user=staff_a,
        date=date(2026, 4, 1),
        category=category(world.community_a),
        payee="供电公司",
        amount="420.50",
    )
    entry = delete(staff_a, "funds:expense_delete", expense)
    assert restore(chair_a, entry).status_code == 302
    back = Expense.objects.get(pk=expense.pk)
    assert back.amount == Decimal("420.50")
    assert_restore_kept(back, chair_a)


def test_a_closed_year_refuses_the_restore_of_a_task_and_of_pay(world, chair_a):
    task = TaskFactory(community=world.community_a, received_on=date(2025, 3, 3))
    pay = make_pay(StaffMemberFactory(community=world.community_a), date(2025, 5, 1), "5000")
    entries = [
        delete(chair_a, "tasks:task_delete", task),
        delete(chair_a, "staff:payrecord_delete", pay),
    ]
    funds_services.close_year(community=world.community_a, year=2025, user=chair_a)
    for entry in entries:
        with translation.override("zh-hans"):
            response = restore(chair_a, entry)
        assert response.status_code == 200
        assert "2025 年的账目已结账" in response.content.decode()
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not PayRecord.objects.filter(pk=pay.pk).exists()


def logged_with_item(world, chair_a, item):
    return task_services.log_task(
        community=world.community_a,
        title="创建文明城市入户",
        department=DepartmentFactory(district=world.district),
        category="other",
        by=chair_a,
        catalogue_item=item,
        received_on=date(2026, 3, 2),
    )


def test_a_restored_task_passes_the_admission_rule_again(world, chair_a):
    item = CatalogueItemFactory(district=world.district, list="duty")
    task = logged_with_item(world, chair_a, item)
    assert task.outcome == Outcome.DUTY
    entry = delete(chair_a, "tasks:task_delete", task)
    item.list = "negative"
    item.save()
    assert restore(chair_a, entry).status_code == 302
    task.refresh_from_db()
    assert (task.outcome, task.status) == (Outcome.REFUSED, Status.REFUSED)
    assert item.item in task.refusal_reason


def test_a_task_whose_item_is_no_longer_in_force_stays_deleted(world, chair_a):
    item = CatalogueItemFactory(district=world.district, list="duty")
    task = logged_with_item(world, chair_a, item)
    entry = delete(chair_a, "tasks:task_delete", task)
    item.valid_from = date(2026, 4, 1)
    item.save()
    assert restore(chair_a, entry).status_code == 200
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_task_or_pay_of_a_closed_year_is_not_deleted(world, chair_a):
    task = TaskFactory(community=world.community_a, received_on=date(2025, 3, 3))
    pay = make_pay(StaffMemberFactory(community=world.community_a), date(2025, 5, 1), "5000")
    funds_services.close_year(community=world.community_a, year=2025, user=chair_a)
    for url_name, record in (("tasks:task_delete", task), ("staff:payrecord_delete", pay)):
        with translation.override("zh-hans"):
            response = logged_in(chair_a).post(reverse(url_name, args=[record.pk]), follow=True)
        assert "2025 年的账目已结账" in response.content.decode()
    assert Task.objects.filter(pk=task.pk).exists() and PayRecord.objects.filter(pk=pay.pk).exists()
