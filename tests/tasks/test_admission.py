"""The admission rule: the catalogue item picked decides a task's outcome."""

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from tasks import services
from tasks.models import CatalogueItem, Outcome, Status, Task, TaskEvent
from tests.factories import DepartmentFactory, DistrictFactory

RECEIVED = date(2026, 3, 2)


def log(world, user, department, **kwargs):
    defaults = {
        "community": world.community_a,
        "title": "临时人口统计报表",
        "department": department,
        "category": "statistics",
        "by": user,
        "received_on": RECEIVED,
    }
    return services.log_task(**{**defaults, **kwargs})


def test_it_admits_a_task_on_the_duty_list(world, staff_a, department, catalogue):
    task = log(world, staff_a, department, catalogue_item=catalogue["duty"])
    task.refresh_from_db()
    assert (task.outcome, task.status) == (Outcome.DUTY, Status.ADMITTED)
    assert task.decided_on == RECEIVED


def test_it_admits_a_task_on_the_assistance_list(world, staff_a, department, catalogue):
    task = log(world, staff_a, department, catalogue_item=catalogue["assist"])
    task.refresh_from_db()
    assert (task.outcome, task.status) == (Outcome.ASSIST_LISTED, Status.ADMITTED)


def test_it_refuses_a_negative_list_task_with_the_item_and_basis(
    world, staff_a, department, catalogue
):
    task = log(world, staff_a, department, catalogue_item=catalogue["negative"])
    task.refresh_from_db()
    assert (task.outcome, task.status) == (Outcome.REFUSED, Status.REFUSED)
    assert "摊派商业保险、报刊订阅" in task.refusal_reason
    assert '湖南"八个不得"' in task.refusal_reason
    assert task.events.filter(kind=TaskEvent.Kind.REFUSED).exists()


def test_it_leaves_a_task_without_item_pending_with_a_decision_date(
    world, staff_a, department, catalogue
):
    task = log(world, staff_a, department, catalogue_item=None)
    task.refresh_from_db()
    assert (task.outcome, task.status) == (Outcome.PENDING, Status.PENDING)
    assert task.decision_due == date(2026, 3, 23)  # 15 working days, no holiday in between
    assert task.decided_on is None
    assert list(task.events.values_list("kind", flat=True)) == ["logged", "pending"]


def test_it_takes_an_emergency_only_with_a_justification(world, staff_a, department):
    with pytest.raises(ValidationError) as error:
        log(world, staff_a, department, emergency=True, emergency_justification="  ")
    assert "emergency_justification" in error.value.message_dict
    assert not Task.objects.exists()
    task = log(world, staff_a, department, emergency=True, emergency_justification="防汛抢险")
    task.refresh_from_db()
    assert (task.outcome, task.status) == (Outcome.EMERGENCY, Status.ADMITTED)
    assert task.emergency_justification == "防汛抢险"


def test_it_refuses_a_catalogue_item_not_in_force_on_the_day(world, staff_a, department, catalogue):
    with pytest.raises(ValidationError) as error:
        log(world, staff_a, department, catalogue_item=catalogue["old"])
    assert "catalogue_item" in error.value.message_dict
    assert not Task.objects.exists()


def test_it_refuses_a_department_of_another_district(world, staff_a):
    other = DepartmentFactory(district=DistrictFactory())
    with pytest.raises(ValidationError):
        log(world, staff_a, other)
    assert not Task.objects.exists()


def test_it_refuses_logging_for_a_community_out_of_reach(world, staff_b, department):
    with pytest.raises(PermissionDenied):
        log(world, staff_b, department)
    assert not Task.objects.exists()


def test_a_pending_task_worked_on_is_recorded_as_such(world, staff_a, department, member_a):
    task = log(world, staff_a, department)
    services.log_hours(
        staff_member=member_a, day=date(2026, 3, 3), hours="3", task=task, by=staff_a
    )
    task.refresh_from_db()
    assert task.worked_while_pending
    assert task.time_entries.get().while_pending
    assert task.events.filter(kind=TaskEvent.Kind.WORKED_WHILE_PENDING).count() == 1


def test_hours_on_an_admitted_task_are_not_counted_as_pending(
    world, staff_a, department, member_a, catalogue
):
    task = log(world, staff_a, department, catalogue_item=catalogue["duty"])
    services.log_hours(
        staff_member=member_a, day=date(2026, 3, 3), hours="2", task=task, by=staff_a
    )
    task.refresh_from_db()
    assert not task.worked_while_pending
    assert not task.time_entries.get().while_pending


def test_suggestions_find_the_statistics_item_first(world, catalogue):
    found = services.suggest_catalogue_items(
        district=world.district, title="临时人口统计报表", category="statistics", on=RECEIVED
    )
    assert found[0].item == catalogue["assist"]
    assert catalogue["old"] not in [s.item for s in found]


def test_suggestions_find_the_negative_list_item(world, catalogue):
    found = services.suggest_catalogue_items(
        district=world.district, title="代售商业保险", category="other", on=RECEIVED
    )
    assert found[0].item == catalogue["negative"]


def test_load_catalogue_twice_changes_nothing(world):
    out = StringIO()
    call_command("load_catalogue", "--district", world.district.code, stdout=out)
    count = CatalogueItem.objects.filter(district=world.district).count()
    assert count == 50
    assert "50" in out.getvalue()
    call_command("load_catalogue", "--district", world.district.code, stdout=StringIO())
    assert CatalogueItem.objects.filter(district=world.district).count() == count
    assert CatalogueItem.objects.filter(list="negative").exists()


def test_load_catalogue_refuses_a_bad_file(world, tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("list,category_zh,category_en,item_zh,item_en,basis\nnope,a,b,c,d,e\n")
    with pytest.raises(CommandError, match="(Line|第) 2"):
        call_command("load_catalogue", str(bad), stdout=StringIO())
    assert not CatalogueItem.objects.exists()


def test_money_is_kept_as_decimal(world, staff_a, department, catalogue):
    task = log(
        world,
        staff_a,
        department,
        catalogue_item=catalogue["assist"],
        money_promised=Decimal("1234.50"),
    )
    task.refresh_from_db()
    assert task.money_promised == Decimal("1234.50")
    assert task.money_received == Decimal("0")
