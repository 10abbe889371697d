"""Tables of the tasks app: each list page and its Excel export are drawn from one."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from committee.tables import BaseTable, MoneyColumn, NumberColumn
from tasks import workdays
from tasks.models import ZERO, CatalogueItem, Task, TimeEntry


class DayColumn(tables.DateColumn):
    """2026-11-30 on screen, a real date in Excel."""

    export_raw = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y-m-d")
        kwargs.setdefault("attrs", {"td": {"class": "date"}})
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value


class AssigneesColumn(tables.Column):
    def render(self, value):
        return "、".join(str(s) for s in value.all()) or "—"

    def value(self, value):
        return "、".join(str(s) for s in value.all())


class HoursOnPageMixin:
    """A task table's hours: summed for the page shown; sorting by them annotates."""

    def page_queryset(self, rows):
        """The page's 50 tasks come with their hours, in the query that loads them."""
        rows = rows if "hours" in rows.query.annotations else rows.with_hours()
        return super().page_queryset(rows)

    def annotate_page(self, records: list) -> None:
        missing = [r for r in records if not hasattr(r, "hours")]
        if missing:
            hours = Task.objects.hours_by_task([r.pk for r in missing])
            for record in missing:
                record.hours = hours.get(record.pk, ZERO)
        for record in records:
            if not record.hours:  # SQLite gives the subquery's 0 as Decimal("0"): shown 0.00
                record.hours = ZERO

    def order_hours(self, queryset, is_descending):
        return queryset.with_hours().order_by(("-" if is_descending else "") + "hours", "-pk"), True

    def export_queryset(self, queryset):
        """The export writes every row: the hours come with them, in the same query."""
        queryset = super().export_queryset(queryset)
        shown = any(column.name == "hours" for column in self.columns)
        return queryset.with_hours() if shown else queryset


class TaskTable(HoursOnPageMixin, BaseTable):
    title = tables.Column(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    department = tables.Column(accessor="department__name", verbose_name=_("department"))
    catalogue_item = tables.Column(
        accessor="catalogue_item__item", verbose_name=_("catalogue item")
    )
    hours = NumberColumn(verbose_name=_("hours"), orderable=True)
    estimated_hours = NumberColumn()
    money_promised = MoneyColumn()
    money_received = MoneyColumn()
    assignees = AssigneesColumn(orderable=False)
    worked_while_pending = tables.BooleanColumn()
    received_on = DayColumn()
    decision_due = DayColumn()
    deadline = DayColumn()

    default_columns = (
        "title",
        "community",
        "department",
        "category",
        "outcome",
        "status",
        "received_on",
        "hours",
        "money_promised",
        "money_received",
    )
    prefetch_when_shown = {"assignees": "assignees"}
    narrow_rows = True  # every cell reads its own column's field (links the pk)

    class Meta(BaseTable.Meta):
        model = Task
        fields = (
            "title",
            "community",
            "department",
            "category",
            "nature",
            "outcome",
            "status",
            "received_on",
            "received_via",
            "catalogue_item",
            "decision_due",
            "deadline",
            "authorisation_number",
            "hours",
            "estimated_hours",
            "money_promised",
            "money_received",
            "assignees",
            "worked_while_pending",
        )
        sequence = fields
        always = ("title",)


class PickColumn(tables.CheckBoxColumn):
    """A tick box per row for a decision on many tasks (the form is the page's bulk form)."""

    @property
    def header(self):
        return _("Pick")

    def render(self, value, bound_column, record):
        # django-tables2's own render works out the attributes again for every row.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" form="bulk-decide" class="pick"'
            ' aria-label="{}" />',
            bound_column.name,
            value,
            record.title,
        )


class ApprovalQueueTable(HoursOnPageMixin, BaseTable):
    pick = PickColumn(
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
    )
    title = tables.Column(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    department = tables.Column(accessor="department__name", verbose_name=_("department"))
    days_left = tables.Column(
        empty_values=(), accessor="decision_due", verbose_name=_("working days left")
    )
    hours = NumberColumn(verbose_name=_("hours"))
    received_on = DayColumn()
    decision_due = DayColumn()

    class Meta(BaseTable.Meta):
        model = Task
        fields = (
            "pick",
            "title",
            "community",
            "department",
            "category",
            "received_on",
            "decision_due",
            "days_left",
            "worked_while_pending",
            "hours",
        )
        sequence = fields
        order_by = ("decision_due",)

    def render_days_left(self, record):
        # The same due day draws the same flag: drawn once per page (many tasks share one).
        drawn = self.__dict__.setdefault("_days_left_drawn", {})
        due = record.decision_due
        if due not in drawn:
            drawn[due] = _days_left_flag(due)
        return drawn[due]

    def value_days_left(self, record):
        return workdays.working_days_left(timezone.localdate(), record.decision_due)[0]


def _days_left_flag(due):
    left, known = workdays.working_days_left(timezone.localdate(), due)
    text = _("%(n)s overdue") % {"n": -left} if left < 0 else str(left)
    css = "flag-red" if left < 0 else ("flag-amber" if left <= 3 else "flag-green")
    note = "" if known else format_html(" <small>{}</small>", _("(calendar unknown)"))
    return format_html('<span class="flag {}">{}</span>{}', css, text, note)


class TimeEntryTable(BaseTable):
    staff_member = tables.Column(accessor="staff_member__name", verbose_name=_("staff member"))
    community = tables.Column(accessor="staff_member__community__name", verbose_name=_("community"))
    task = tables.Column(linkify=True)
    hours = NumberColumn()
    date = DayColumn()

    default_columns = ("date", "staff_member", "task", "resident_work", "hours", "while_pending")
    # The export reads a task's title (what str(task) gives) straight from the database.
    export_accessors = {"task": "task__title"}
    # A page loads only its shown columns' fields: not the staff members' every field (their
    # ID numbers and phones decrypted for 50 rows), a task's title and id alone.
    narrow_rows = True
    narrow_fields = {"task": ("task__title",)}

    class Meta(BaseTable.Meta):
        model = TimeEntry
        fields = (
            "date",
            "staff_member",
            "community",
            "task",
            "resident_work",
            "hours",
            "while_pending",
            "note",
        )
        sequence = fields


class CatalogueItemTable(BaseTable):
    edit = tables.LinkColumn(
        "tasks:catalogue_edit",
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        verbose_name="",
        exclude_from_export=True,
    )

    valid_from = DayColumn()
    valid_to = DayColumn()

    default_columns = ("list", "category", "item", "basis", "valid_from", "active")

    class Meta(BaseTable.Meta):
        model = CatalogueItem
        fields = (
            "list",
            "category",
            "category_en",
            "item",
            "item_en",
            "basis",
            "valid_from",
            "valid_to",
            "active",
            "district",
        )
        sequence = (*fields, "edit")
        always = ("edit",)


class DepartmentLeagueTable(BaseTable):
    """The departments that push work down, from metrics.department_league rows."""

    name = tables.Column(verbose_name=_("department"))
    tasks = NumberColumn(verbose_name=_("tasks"))
    hours = NumberColumn(verbose_name=_("hours"))
    unauthorised = NumberColumn(verbose_name=_("unauthorised"))
    unauthorised_share = tables.Column(verbose_name=_("unauthorised share"))
    refused = NumberColumn(verbose_name=_("refused"))
    overdue = NumberColumn(verbose_name=_("decided late"))
    money_promised = MoneyColumn(verbose_name=_("money promised"))
    money_received = MoneyColumn(verbose_name=_("money received"))
    money_received_share = tables.Column(verbose_name=_("received share"))

    class Meta(BaseTable.Meta):
        orderable = False

    def render_unauthorised_share(self, value):
        return _percent(value)

    def render_money_received_share(self, value):
        return _percent(value)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
