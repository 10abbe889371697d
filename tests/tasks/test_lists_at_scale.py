"""The task and hours lists at a district's scale: the same queries for 3 rows or 60, hours
summed for the page shown, and an export that has exactly the columns and rows shown."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from committee import filters, rollups
from tasks.models import Task
from tasks.tables import TaskTable
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.tasks.factories import TaskFactory, TimeEntryFactory

EVERY_TASK_COLUMN = [
    "title",
    "community",
    "department",
    "category",
    "outcome",
    "status",
    "received_on",
    "catalogue_item",
    "hours",
    "money_promised",
    "assignees",
    "worked_while_pending",
]


def fill(world, n: int, start: int = 0) -> list[Task]:
    """n tasks spread over street office A's two communities and B's, with hours.

    Task i has i % 20 + 1 hours, logged by its one assignee.
    """
    communities = [world.community_a, world.community_a2, world.community_b]
    department = DepartmentFactory(district=world.district)
    staff = {c.pk: StaffMemberFactory(community=c) for c in communities}
    made = []
    for i in range(start, start + n):
        community = communities[i % 3]
        member = staff[community.pk]
        task = TaskFactory(
            community=community,
            department=department,
            received_on=date(2026, 1, 1) + timedelta(i),
        )
        task.assignees.add(member)
        TimeEntryFactory(
            staff_member=member,
            task=task,
            resident_work="",
            date=task.received_on,
            hours=i % 20 + 1,
        )
        made.append(task)
    # What a service does at its flush: the rollups of the months written are current
    # before any page reads them (the hours drill-down's total comes from them).
    rollups.settle()
    return made


def queries_for(client, url, query, django_assert_max_num_queries) -> int:
    filters.forget_kept()  # the filter form drawn anew each time: its queries counted too
    with django_assert_max_num_queries(30) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "who, url, query",
    [
        ("official_a", "tasks:task_list", {"columns": EVERY_TASK_COLUMN}),
        ("district_officer", "tasks:task_list", {"columns": EVERY_TASK_COLUMN}),
        ("district_officer", "tasks:task_list", {"category": "forms", "sort": "-hours"}),
        ("official_a", "tasks:time_entry_list", {}),
        ("district_officer", "tasks:time_entry_list", {"resident_work": "", "sort": "hours"}),
        ("official_a", "tasks:approval_queue", {}),
        ("district_officer", "dashboards:tasks", {}),
        ("district_officer", "dashboards:hours", {}),
    ],
)
def test_a_list_runs_the_same_queries_for_few_rows_and_many(
    request, as_user, world, django_assert_max_num_queries, url, query, who
):
    client = as_user(request.getfixturevalue(who))
    fill(world, 3)
    client.get(reverse(url), query)  # remembers the chosen columns, a write of its own
    few = queries_for(client, reverse(url), query, django_assert_max_num_queries)
    fill(world, 52, start=3)
    many = queries_for(client, reverse(url), query, django_assert_max_num_queries)
    assert many == few


def test_the_hours_shown_are_each_tasks_own_and_sorting_by_them_orders_every_row(
    as_user, district_officer, world
):
    tasks = fill(world, 60)
    TimeEntryFactory(
        staff_member=StaffMemberFactory(community=world.community_b),
        task=tasks[0],
        resident_work="",
        date=tasks[0].received_on + timedelta(1),
        hours=Decimal("23"),
    )
    client = as_user(district_officer)
    page = client.get(reverse("tasks:task_list"), {"columns": ["title", "hours"]})
    shown = {r.record.title: r.record.hours for r in page.context["table"].paginated_rows}
    assert len(shown) == 50
    newest = tasks[-1]
    assert shown[newest.title] == Decimal("20")  # 59 % 20 + 1 hours logged on it
    by_hours = client.get(reverse("tasks:task_list"), {"columns": ["title"], "sort": "-hours"})
    first = [r.record for r in by_hours.context["table"].paginated_rows][:2]
    assert [t.title for t in first] == [tasks[0].title, tasks[-1].title]
    assert first[0].hours == Decimal("24")


def test_the_export_has_the_columns_shown_and_every_matching_row_past_the_first_page(
    as_user, district_officer, world
):
    fill(world, 60)
    TaskFactory(community=world.community_a, title="=HYPERLINK(1)", outcome="refused")
    client = as_user(district_officer)
    query = {"columns": EVERY_TASK_COLUMN}
    table = client.get(reverse("tasks:task_list"), query).context["table"]
    names = [c.name for c in table.columns]
    assert set(names) == set(EVERY_TASK_COLUMN)
    response = client.get(reverse("tasks:task_list"), {**query, "export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [str(c.header) for c in table.columns]
    assert len(rows) == 1 + 61
    exported = {row[0]: dict(zip(names, row, strict=True)) for row in rows[1:]}
    for row in table.paginated_rows:
        shown = exported[row.record.title]
        assert shown["hours"] == float(row.record.hours)
        assert shown["received_on"].date() == row.record.received_on
        for name in ("community", "department", "category", "outcome", "assignees"):
            assert shown[name] == (row.get_cell_value(name) or None), name
    formula = next(c for c in sheet["A"] if c.value == "=HYPERLINK(1)")
    assert formula.data_type == "s"
    refused = Task.objects.get(title="=HYPERLINK(1)").get_outcome_display()
    assert exported["=HYPERLINK(1)"]["outcome"] == refused


def test_the_default_export_keeps_labels_formats_and_typed_formulas_as_text(
    as_user, district_officer, world
):
    """The default columns are all read straight from the database (each column's
    conversion chosen once): the same labels, number formats and text as any export."""
    fill(world, 2)
    TaskFactory(
        community=world.community_a,
        title="=cmd|' /C calc'!A0",
        outcome="refused",
        money_promised=Decimal("1234.50"),
        money_received=Decimal("0"),
    )
    response = as_user(district_officer).get(reverse("tasks:task_list"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "=cmd|' /C calc'!A0")
    cell = dict(zip(header, row, strict=True))
    task = Task.objects.get(title="=cmd|' /C calc'!A0")
    assert row[0].data_type == "s"
    assert cell[str(Task._meta.get_field("outcome").verbose_name)].value == (
        task.get_outcome_display()
    )
    money = cell[str(Task._meta.get_field("money_promised").verbose_name)]
    assert money.value == 1234.5 and "¥" in money.number_format
    assert cell[str(Task._meta.get_field("money_received").verbose_name)].value == 0
    assert cell[str(Task._meta.get_field("received_on").verbose_name)].value.date() == (
        task.received_on
    )
    others = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] != task.title]
    hours = TaskTable.default_columns.index("hours")
    assert sorted(r[hours] for r in others) == [1, 2]  # i % 20 + 1 hours on task i


def test_an_export_reads_rows_in_chunks_without_loading_the_table_page(
    as_user, district_officer, world, django_assert_max_num_queries
):
    fill(world, 3)
    client = as_user(district_officer)
    url = reverse("tasks:time_entry_list")
    with django_assert_max_num_queries(30) as few:
        b"".join(client.get(url, {"export": "xlsx"}).streaming_content)
    fill(world, 30, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 1 + 33


def test_the_hours_export_names_the_task_and_the_resident_work_as_the_list_does(
    as_user, district_officer, world
):
    fill(world, 2)
    member = StaffMemberFactory(community=world.community_a, name="张敏")
    TimeEntryFactory(staff_member=member, resident_work="culture", date=date(2026, 5, 1))
    client = as_user(district_officer)
    table = client.get(reverse("tasks:time_entry_list")).context["table"]
    names = [c.name for c in table.columns]
    response = client.get(reverse("tasks:time_entry_list"), {"export": "xlsx"})
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert len(rows) == 1 + 3
    for row, shown in zip(table.paginated_rows, rows[1:], strict=True):
        exported = dict(zip(names, shown, strict=True))
        task = row.get_cell_value("task")
        assert exported["task"] == (str(task) if task else None)
        assert exported["resident_work"] == (row.get_cell_value("resident_work") or None)
        assert exported["staff_member"] == row.record.staff_member.name


@pytest.mark.parametrize(
    "url, drawn, kept",
    [
        # session, user, memberships, the page's rows with their hours and the count (one
        # query), the 待办 count; drawn: the columns kept, the filter form's communities and
        # departments (the columns read again within a minute: kept)
        ("tasks:task_list", 8, 5),
        ("dashboards:tasks", 8, 5),
        # no columns kept; the overdue count and, when drawn, the refusal form's
        # catalogue items (kept with the filter form)
        ("tasks:approval_queue", 9, 6),
    ],
)
def test_a_street_officials_task_pages_run_a_fixed_few_queries(
    as_user, official_a, world, django_assert_num_queries, url, drawn, kept
):
    fill(world, 3)
    client = as_user(official_a)
    client.get(reverse(url))
    filters.forget_kept()
    with django_assert_num_queries(drawn):
        first = filter_form(client.get(reverse(url)))
    with django_assert_num_queries(kept):  # the same filter form again: kept, not drawn
        assert filter_form(client.get(reverse(url))) == first
    assert 'name="community"' in first and 'name="department"' in first


def filter_form(response) -> str:
    page = response.content.decode()
    start = page.index('<form method="get" class="filter-form">')
    return page[start : page.index("</form>", start)]
