"""Excel imports of tasks and of hours, saved through tasks/services.py (log_task, log_hours).

The admission rule is not read here: every imported task goes through ``log_task`` like one
typed on the form, so a catalogue item decides its outcome and the rest wait for approval.
Here only names are looked up (department, catalogue item, staff member, task), with the
closest name suggested, and records already saved are refused as duplicates.
"""

from __future__ import annotations

import re
from decimal import Decimal
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
    Column,
    Importer,
    ParsedRow,
    RowError,
    choice_labels,
    normalise,
    repeated_rows,
    unknown_name,
)
from committee.models import Department
from committee.tables import format_money
from staff.models import StaffMember
from tasks import services
from tasks.models import CatalogueItem, Category, Nature, ResidentWork, Task, TimeEntry
from tasks.tables import TaskTable, TimeEntryTable

TITLE, DEPARTMENT, RECEIVED, CATEGORY = "任务名称", "下派部门", "收到日期", "类别"
NATURE, CATALOGUE, MONEY_PROMISED, DEADLINE = "性质", "清单事项", "承诺经费", "截止日期"
DESCRIPTION = "说明"
DAY, STAFF, HOURS, TASK, RESIDENT_WORK, NOTE = (
    "日期",
    "工作人员",
    "工时",
    "任务",
    "居民工作",
    "备注",
)


class TaskImporter(Importer):
    """Tasks pushed down, from a ledger (台账); each one is admitted by log_task."""

    title = gettext_lazy("Import tasks")
    table_class = TaskTable
    columns = [
        Column("title", TITLE, example="2026年第二季度流动人口统计", max_length=200),
        Column("department", DEPARTMENT, example="区统计局", max_length=100),
        Column("received_on", RECEIVED, kind=DATE, example="2026年4月5日"),
        Column(
            "category",
            CATEGORY,
            kind=CHOICE,
            choices=choice_labels(Category.choices),
            example="临时统计调查",
        ),
        Column(
            "nature",
            NATURE,
            kind=CHOICE,
            required=False,
            choices=choice_labels(
                Nature.choices, {"政务性": Nature.ADMINISTRATIVE, "事务性": Nature.COMMUNITY}
            ),
            example="政务性",
        ),
        Column("catalogue_item", CATALOGUE, required=False, example="", max_length=200),
        Column(
            "money_promised",
            MONEY_PROMISED,
            kind=DECIMAL,
            required=False,
            example="¥1,500",
            low=Decimal("0"),
        ),
        Column("deadline", DEADLINE, kind=DATE, required=False, example="2026/4/30"),
        Column("description", DESCRIPTION, required=False, example="入户登记，报街道"),
    ]

    @cached_property
    def district_id(self) -> int:
        return self.community.street_office.district_id

    @cached_property
    def departments(self) -> dict[str, Department]:
        found = {}
        for department in Department.objects.filter(district_id=self.district_id):
            found[normalise(department.name)] = department
            if department.short_name:
                found.setdefault(normalise(department.short_name), department)
        return found

    @cached_property
    def catalogue(self) -> dict[str, CatalogueItem]:
        items = CatalogueItem.objects.filter(district_id=self.district_id).order_by(
            "-active", "-valid_from"
        )
        found: dict[str, CatalogueItem] = {}
        for item in items:
            found.setdefault(normalise(item.item), item)
        return found

    @cached_property
    def saved(self) -> set[tuple]:
        return set(
            Task.objects.filter(community=self.community).values_list(
                "title", "department_id", "received_on"
            )
        )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        department = self.departments.get(normalise(values["department"]))
        if department is None:
            problems.append(
                (
                    DEPARTMENT,
                    unknown_name(
                        _("department"),
                        values["department"],
                        [d.name for d in self.departments.values()],
                    ),
                )
            )
        values["department_obj"] = department
        item_name = values.get("catalogue_item")
        values["catalogue_obj"] = None
        if item_name:
            # The task list shows (and exports) an item as “[list] item”.
            item_name = re.sub(r"^\[[^\]]*\]\s*", "", normalise(item_name))
            item = self.catalogue.get(normalise(item_name))
            if item is None:
                problems.append(
                    (
                        CATALOGUE,
                        unknown_name(
                            _("catalogue item"),
                            item_name,
                            [i.item for i in self.catalogue.values()],
                        ),
                    )
                )
            values["catalogue_obj"] = item
        money = values.get("money_promised")
        if money is not None and money < 0:
            problems.append((MONEY_PROMISED, _("Money cannot be negative.")))
        if department is not None and self._key(values) in self.saved:
            problems.append(
                (
                    TITLE,
                    _("This task is already saved (same title, department and date)."),
                )
            )
        return problems

    @staticmethod
    def _key(values: dict[str, Any]) -> tuple | None:
        department = values.get("department_obj")
        if department is None:
            return None
        return (values["title"], department.pk, values["received_on"])

    def clean_all(self, rows: list[ParsedRow]) -> list[RowError]:
        return repeated_rows(rows, self._key, TITLE)

    def display(self, values: dict[str, Any]) -> dict[str, str]:
        shown = super().display(values)
        if values.get("money_promised") is not None:
            shown["money_promised"] = format_money(values["money_promised"])
        return shown

    def save_row(self, values: dict[str, Any]) -> None:
        services.log_task(
            community=self.community,
            title=values["title"],
            department=values["department_obj"],
            category=values["category"],
            catalogue_item=values["catalogue_obj"],
            by=self.user,
            received_on=values["received_on"],
            nature=values.get("nature") or Nature.ADMINISTRATIVE,
            money_promised=values.get("money_promised") or 0,
            deadline=values.get("deadline"),
            description=values.get("description") or "",
        )


class TimeEntryImporter(Importer):
    """Hours from a timesheet kept in Excel; each row goes through log_hours."""

    title = gettext_lazy("Import hours")
    table_class = TimeEntryTable
    columns = [
        Column("date", DAY, kind=DATE, example="2026-04-07"),
        Column("staff_member", STAFF, example="王芳", max_length=50),
        Column("hours", HOURS, kind=DECIMAL, example="1.5", low=Decimal("0"), high=Decimal("24")),
        Column("task", TASK, required=False, example="2026年第二季度流动人口统计"),
        Column(
            "resident_work",
            RESIDENT_WORK,
            kind=CHOICE,
            required=False,
            choices=choice_labels(ResidentWork.choices),
        ),
        Column("note", NOTE, required=False, example="入户登记", max_length=200),
    ]

    @cached_property
    def staff(self) -> dict[str, StaffMember]:
        return {normalise(s.name): s for s in StaffMember.objects.filter(community=self.community)}

    @cached_property
    def tasks(self) -> dict[str, list[Task]]:
        found: dict[str, list[Task]] = {}
        for task in Task.objects.filter(community=self.community).order_by("-received_on", "-pk"):
            found.setdefault(normalise(task.title), []).append(task)
        return found

    @cached_property
    def saved(self) -> set[tuple]:
        return set(
            TimeEntry.objects.filter(staff_member__community=self.community).values_list(
                "staff_member_id", "date", "task_id", "resident_work"
            )
        )

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        person = self.staff.get(normalise(values["staff_member"]))
        if person is None:
            names = [s.name for s in self.staff.values()]
            problems.append((STAFF, unknown_name(_("staff member"), values["staff_member"], names)))
        values["staff_obj"] = person
        try:
            values["hours"] = services.check_hours(values["hours"])
        except ValidationError as error:
            problems.append((HOURS, " ".join(error.messages)))
        values["task_obj"] = None
        if values.get("task") and values.get("resident_work"):
            problems.append((TASK, _("Fill either the task or the resident work, not both.")))
        elif not values.get("task") and not values.get("resident_work"):
            problems.append((TASK, _("Fill either the task or the resident work.")))
        elif values.get("task"):
            candidates = self.tasks.get(normalise(values["task"]), [])
            # The same title may recur (monthly returns): the latest one received by that day.
            earlier = [t for t in candidates if t.received_on <= values["date"]]
            task = (earlier or candidates or [None])[0]
            if task is None:
                problems.append(
                    (
                        TASK,
                        unknown_name(
                            _("task"), values["task"], [ts[0].title for ts in self.tasks.values()]
                        ),
                    )
                )
            values["task_obj"] = task
        key = self._key(values)
        if key is not None and key in self.saved:
            problems.append((DAY, _("Hours for this person, day and work are already saved.")))
        return problems

    @staticmethod
    def _key(values: dict[str, Any]) -> tuple | None:
        person, task = values.get("staff_obj"), values.get("task_obj")
        if person is None or (task is None and not values.get("resident_work")):
            return None
        return (
            person.pk,
            values["date"],
            task.pk if task else None,
            "" if task else values["resident_work"],
        )

    def clean_all(self, rows: list[ParsedRow]) -> list[RowError]:
        return repeated_rows(rows, self._key, DAY)

    def display(self, values: dict[str, Any]) -> dict[str, str]:
        shown = super().display(values)
        task = values.get("task_obj")
        if task is not None:
            shown["task"] = f"{task.title} ({task.received_on:%Y-%m-%d})"
        return shown

    def save_row(self, values: dict[str, Any]) -> None:
        services.log_hours(
            staff_member=values["staff_obj"],
            day=values["date"],
            hours=values["hours"],
            by=self.user,
            task=values["task_obj"],
            resident_work="" if values["task_obj"] else values["resident_work"],
            note=values.get("note") or "",
        )


class TaskImportView(ImportView):
    services = (services.log_task,)
    importer_class = TaskImporter
    success_url_name = "tasks:task_list"


class TimeEntryImportView(ImportView):
    services = (services.log_hours,)
    importer_class = TimeEntryImporter
    success_url_name = "tasks:time_entry_list"
