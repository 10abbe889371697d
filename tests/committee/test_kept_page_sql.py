"""A list's first page keeps its SQL (committee/paging.py): asked again, it shows the rows as
they are now, and only to the user, scope, filter and columns it was made for."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from committee import filters
from tests.factories import StaffMemberFactory
from tests.tasks.factories import TaskFactory, TimeEntryFactory


def shown(response) -> dict[str, object]:
    return {r.record.title: r.record for r in response.context["table"].paginated_rows}


def kept_pages() -> int:
    return sum(1 for key in filters._kept if key[0] == "page-sql")


def test_the_same_page_asked_again_shows_the_rows_as_they_are_now(as_user, official_a, world):
    old = TaskFactory(community=world.community_a, title="旧任务", received_on=date(2026, 5, 1))
    client = as_user(official_a)
    url = reverse("tasks:task_list")
    first = client.get(url)
    assert set(shown(first)) == {"旧任务"}
    assert kept_pages() == 1
    TaskFactory(community=world.community_a2, title="新任务", received_on=date(2026, 6, 1))
    TimeEntryFactory(
        staff_member=StaffMemberFactory(community=world.community_a),
        task=old,
        resident_work="",
        date=date(2026, 5, 2),
        hours=Decimal("3.5"),
    )
    again = client.get(url)
    assert kept_pages() == 1  # run again, not made again
    rows = shown(again)
    assert list(rows) == ["新任务", "旧任务"]  # the newest first, as when it was made
    assert rows["旧任务"].hours == Decimal("3.5")
    assert again.context["table"].paginator.count == 2
    assert again.content.decode().count(old.get_absolute_url()) == 1


def test_a_kept_page_serves_no_other_user_scope_filter_or_columns(
    as_user, official_a, official_b, world
):
    TaskFactory(community=world.community_a, title="甲任务", category="forms")
    TaskFactory(community=world.community_a, title="甲会议", category="ledger")
    TaskFactory(community=world.community_b, title="乙任务", category="forms")
    url = reverse("tasks:task_list")
    a, b = as_user(official_a), as_user(official_b)
    assert set(shown(a.get(url))) == {"甲任务", "甲会议"}
    assert set(shown(b.get(url))) == {"乙任务"}
    assert set(shown(a.get(url, {"category": "forms"}))) == {"甲任务"}
    narrow = a.get(url, {"columns": ["title"]})
    assert [c.name for c in narrow.context["table"].columns] == ["title"]
    assert set(shown(a.get(url))) == {"甲任务", "甲会议"}
    assert set(shown(b.get(url))) == {"乙任务"}
    assert kept_pages() == 4


def test_a_renamed_department_or_community_shows_its_new_name_on_the_kept_page(
    as_user, official_a, world
):
    task = TaskFactory(community=world.community_a, title="报表")
    client = as_user(official_a)
    url = reverse("tasks:task_list")
    old_names = task.department.name, world.community_a.name
    first = client.get(url).content.decode()
    assert all(f">{name}</td>" in first for name in old_names)
    task.department.name, world.community_a.name = "新部门名", "新社区名"
    task.department.save(update_fields=["name"])
    world.community_a.save(update_fields=["name"])
    again = client.get(url).content.decode()
    assert kept_pages() == 1
    assert ">新社区名</td>" in again and ">新部门名</td>" in again
    assert not any(f">{name}</td>" in again for name in old_names)


def test_the_hours_list_keeps_its_page_too(as_user, official_a, world):
    member = StaffMemberFactory(community=world.community_a)
    TimeEntryFactory(staff_member=member, resident_work="safety", date=date(2026, 6, 1))
    client = as_user(official_a)
    url = reverse("tasks:time_entry_list")
    assert len(client.get(url, {"resident_work": "safety"}).context["table"].paginated_rows) == 1
    TimeEntryFactory(staff_member=member, resident_work="safety", date=date(2026, 6, 2))
    TimeEntryFactory(staff_member=member, resident_work="culture", date=date(2026, 6, 3))
    rows = client.get(url, {"resident_work": "safety"}).context["table"].paginated_rows
    assert [r.record.date for r in rows] == [date(2026, 6, 2), date(2026, 6, 1)]
    assert kept_pages() == 1


def _income(community, n):
    from tests.funds.factories import IncomeFactory

    return IncomeFactory(community=community, payer=f"付款方{n}", amount=Decimal(100 + n))


def _expense(community, n):
    from tests.funds.factories import ExpenseFactory

    return ExpenseFactory(community=community, payee=f"收款方{n}", amount=Decimal(100 + n))


def _survey(community, n):
    from tests.surveys.factories import SurveyFactory

    return SurveyFactory(community=community, title=f"问卷{n}")


def _staff(community, n):
    return StaffMemberFactory(community=community, name=f"职工{n}")


def _pay(community, n):
    from tests.staff.factories import make_pay

    return make_pay(
        StaffMemberFactory(community=community, name=f"职工{n}"), date(2026, n, 1), "2000"
    )


def _pending(community, n):
    return TaskFactory(community=community, title=f"待批{n}", outcome="pending")


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("funds:income_list", _income),
        ("funds:expense_list", _expense),
        ("surveys:survey_list", _survey),
        ("staff:staff_list", _staff),
        ("staff:payrecord_list", _pay),
        ("tasks:approval_queue", _pending),
    ],
)
def test_the_other_lists_keep_their_page_and_show_what_was_added(
    as_user, official_a, world, url_name, make
):
    make(world.community_a, 1)
    make(world.community_b, 2)  # outside the official's street office
    client = as_user(official_a)
    url = reverse(url_name)
    assert client.get(url).context["table"].paginator.count == 1
    assert kept_pages() == 1
    added = make(world.community_a2, 3)
    again = client.get(url)
    assert kept_pages() == 1  # run again, not made again
    assert again.context["table"].paginator.count == 2
    assert added.pk in {row.record.pk for row in again.context["table"].paginated_rows}
