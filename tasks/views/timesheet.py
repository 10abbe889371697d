"""Hours: the list of time entries and the weekly timesheet."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from committee.generic import (
    ObjectListView,
    scoped_object_or_404,
)
from staff.models import StaffMember
from tasks import services, workdays
from tasks.filters import (
    TimeEntryFilterSet,
)
from tasks.forms import (
    TimesheetForm,
    monday_of,
    resident_work_choices,
)
from tasks.models import (
    Outcome,
    ResidentWork,
    Status,
    Task,
    TimeEntry,
)
from tasks.tables import (
    TimeEntryTable,
)
from tasks.views.common import date_param

# --- hours ------------------------------------------------------------------------------


class TimeEntryListView(ObjectListView):
    model = TimeEntry
    queryset = TimeEntry.objects.select_related("staff_member__community", "task").order_by(
        "-date",
        "-pk",  # the date index gives the newest page without sorting every row
    )
    table_class = TimeEntryTable
    filterset_class = TimeEntryFilterSet
    template_name = "tasks/time_entry_list.html"
    export_title = gettext_lazy("Hours")
    keep_page_sql = True  # its query depends on the scope, the address and the columns


class TimesheetView(LoginRequiredMixin, TemplateView):
    """A week of one staff member's hours in one form, with day and row totals."""

    services = (services.save_week,)

    template_name = "tasks/timesheet.html"

    def staff_choices(self):
        return (
            StaffMember.objects.changeable_by(self.request.user)
            .select_related("community")
            .order_by("community__code", "name")
        )

    def setup_week(self, request):
        staff = list(self.staff_choices())
        if not staff:
            raise PermissionDenied(_("You may not log hours here."))
        wanted = request.GET.get("staff") or request.POST.get("staff")
        member = next((s for s in staff if str(s.pk) == str(wanted)), None)
        if wanted and member is None:
            scoped_object_or_404(StaffMember.objects.changeable_by(request.user), pk=wanted)
        member = member or staff[0]
        week = date_param(request.GET.get("week") or request.POST.get("week"))
        monday = monday_of(week or timezone.localdate())
        return staff, member, monday

    def what_choices(self, member: StaffMember, monday: date):
        window = monday - timedelta(days=120)
        tasks = (
            Task.objects.filter(community=member.community_id)
            .exclude(status__in=(Status.WITHDRAWN,))
            .filter(received_on__gte=window)
            .order_by("-received_on")
            .values_list("pk", "title", "outcome")
        )
        outcome_label = dict(Outcome.choices)
        task_choices = [
            (f"task:{pk}", f"{title} ({outcome_label[outcome]})") for pk, title, outcome in tasks
        ]
        return [
            (_("Tasks"), task_choices),
            (_("Resident work"), resident_work_choices()),
        ]

    def initial_rows(self, member, monday):
        days = services.week_days(monday)
        entries = TimeEntry.objects.filter(
            staff_member=member, date__range=(days[0], days[-1])
        ).values_list("task_id", "resident_work", "date", "hours")
        rows: dict[str, list] = {}
        for task_id, work, day, hours in entries:
            key = f"task:{task_id}" if task_id else f"work:{work}"
            rows.setdefault(key, [None] * 7)[(day - monday).days] = hours
        order = {f"work:{w}": i for i, w in enumerate(ResidentWork.values)}
        # Tasks first (oldest first), then resident work in its usual order.
        return sorted(
            rows.items(),
            key=lambda kv: (1, order[kv[0]]) if kv[0] in order else (0, int(kv[0][5:])),
        )

    def get_form(self, member, monday, data=None):
        choices = self.what_choices(member, monday)
        known = {value for _group, opts in choices for value, _label in opts}
        rows = self.initial_rows(member, monday)
        extra = [key for key, _hours in rows if key not in known]
        if extra:  # an older task still holding hours this week
            titles = dict(
                Task.objects.filter(pk__in=[int(k[5:]) for k in extra]).values_list("pk", "title")
            )
            choices[0][1].extend((k, titles.get(int(k[5:]), k)) for k in extra)
        return TimesheetForm(data, what_choices=choices, initial_rows=rows)

    def context(self, staff, member, monday, form):
        days = services.week_days(monday)
        totals = _timesheet_totals(form, days)
        return {
            "staff": staff,
            "member": member,
            "monday": monday,
            "days": days,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "form": form,
            "rows": list(zip(form.rows(), totals["rows"], strict=True)),
            "day_totals": totals["days"],
            "week_total": totals["week"],
            "calendar_unknown": not all(workdays.calendar_knows(d) for d in days),
            "holidays": [not workdays.is_workday(d)[0] for d in days],
        }

    def get(self, request, *args, **kwargs):
        staff, member, monday = self.setup_week(request)
        form = self.get_form(member, monday)
        return render(request, self.template_name, self.context(staff, member, monday, form))

    def post(self, request, *args, **kwargs):
        staff, member, monday = self.setup_week(request)
        form = self.get_form(member, monday, request.POST)
        if form.is_valid():
            rows = form.row_values()
            if form.is_valid():
                try:
                    count = services.save_week(
                        staff_member=member,
                        monday=monday,
                        rows=_week_rows(member, rows),
                        by=request.user,
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Week saved: %(n)s entries.") % {"n": count})
                    url = reverse("tasks:timesheet")
                    return redirect(f"{url}?staff={member.pk}&week={monday.isoformat()}")
        return render(
            request, self.template_name, self.context(staff, member, monday, form), status=400
        )


def _week_rows(member: StaffMember, rows) -> list[services.WeekRow]:
    task_ids = [int(what[5:]) for what, _cells in rows if what.startswith("task:")]
    tasks = Task.objects.filter(community=member.community_id).in_bulk(task_ids)
    out = []
    for what, cells in rows:
        if what.startswith("task:"):
            task = tasks.get(int(what[5:]))
            if task is None:
                raise ValidationError(_("That task is not one of this community's."))
            out.append(services.WeekRow(task=task, resident_work="", hours=cells))
        elif what.startswith("work:") and what[5:] in ResidentWork.values:
            out.append(services.WeekRow(task=None, resident_work=what[5:], hours=cells))
    return out


def _timesheet_totals(form, days) -> dict:
    """Row, day and week totals of what the form shows (ignoring what is not a number)."""

    def value(bound):
        raw = bound.value()
        try:
            return Decimal(str(raw)) if raw not in (None, "") else Decimal("0")
        except ArithmeticError:
            return Decimal("0")

    row_totals = []
    day_totals = [Decimal("0")] * len(days)
    for _what, cells in form.rows():
        values = [value(c) for c in cells]
        row_totals.append(sum(values, Decimal("0")))
        day_totals = [a + b for a, b in zip(day_totals, values, strict=True)]
    return {"rows": row_totals, "days": day_totals, "week": sum(day_totals, Decimal("0"))}
