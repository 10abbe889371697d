"""Pages of the work-admission register. Views validate, call one service, render."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Q, Sum, When
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from committee import scoping
from committee.charts import bar_chart
from committee.exports import table_to_workbook_file, xlsx_response
from committee.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    scoped_object_or_404,
)
from committee.roles import Action
from staff.models import StaffMember
from tasks import metrics, services, workdays
from tasks.filters import (
    ApprovalQueueFilterSet,
    CatalogueItemFilterSet,
    TaskFilterSet,
    TimeEntryFilterSet,
)
from tasks.forms import (
    ApproveForm,
    CatalogueItemForm,
    LogHoursForm,
    RefuseForm,
    StatusForm,
    TaskEditForm,
    TaskForm,
    TimesheetForm,
    monday_of,
    resident_work_choices,
)
from tasks.models import (
    CatalogueItem,
    CatalogueList,
    Outcome,
    ResidentWork,
    Status,
    Task,
    TimeEntry,
)
from tasks.tables import (
    ApprovalQueueTable,
    CatalogueItemTable,
    DepartmentLeagueTable,
    TaskTable,
    TimeEntryTable,
)


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


# --- tasks --------------------------------------------------------------------------


class TaskListView(ObjectListView):
    """Every task the user may see, filtered and sortable, columns remembered per user."""

    model = Task
    queryset = (
        Task.objects.select_related("community", "department", "catalogue_item")
        .prefetch_related("assignees")
        .order_by("-received_on", "-pk")
    )
    table_class = TaskTable
    filterset_class = TaskFilterSet
    template_name = "tasks/task_list.html"
    export_title = gettext_lazy("Tasks")
    add_url_name = "tasks:task_create"
    remember_columns = True


class TaskDetailView(ObjectDetailView):
    """A task, its admission decision, its history and the hours spent on it."""

    model = Task
    queryset = Task.objects.select_related(
        "community__street_office__district", "department", "catalogue_item", "decided_by"
    )
    template_name = "tasks/task_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        task = self.object
        user = self.request.user
        entries = task.time_entries.select_related("staff_member").order_by("-date")
        totals = entries.aggregate(
            total=Sum("hours"), pending=Sum("hours", filter=Q(while_pending=True))
        )
        context.update(
            events=task.events.select_related("by"),
            entries=entries,
            hours_total=totals["total"] or Decimal("0"),
            hours_pending=totals["pending"] or Decimal("0"),
            assignees=task.assignees.all(),
            can_review=task.outcome == Outcome.PENDING
            and scoping.can(user, Action.REVIEW, task.community),
            approve_form=kwargs.get("approve_form") or ApproveForm(),
            refuse_form=kwargs.get("refuse_form") or RefuseForm(),
            hours_form=kwargs.get("hours_form") or LogHoursForm(task=task),
            status_form=StatusForm(),
            status_choices=services.ALLOWED_STATUS.get(task.status, ()),
            due=_due_context(task),
        )
        return context


def _due_context(task: Task) -> dict | None:
    if task.decision_due is None:
        return None
    today = timezone.localdate()
    left, known = workdays.working_days_left(today, task.decision_due)
    decided_late = 0
    if task.decided_on and task.decided_on > task.decision_due:
        decided_late = -workdays.working_days_left(task.decided_on, task.decision_due)[0]
    return {
        "decided_late": decided_late,
        "day": task.decision_due,
        "left": left,
        "overdue": task.outcome == Outcome.PENDING and left < 0,
        "late_by": -left,
        "known": known and not task.decision_due_estimated,
    }


class TaskCreateView(LoginRequiredMixin, View):
    """Log a task; the admission rule decides its outcome (services.log_task)."""

    template_name = "tasks/task_form.html"

    def communities(self):
        return scoping.communities(self.request.user, Action.CHANGE).select_related("street_office")

    def get_form(self, data=None):
        communities = self.communities()
        if not communities.exists():
            raise PermissionDenied(_("You may not add records here."))
        form = TaskForm(data, communities=communities)
        if data is None and len(communities[:2]) == 1:
            form.fields["community"].initial = communities.first()
        return form

    def render(self, form, suggestions=None):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "suggestions": suggestions or [],
                "calendar_unknown": _calendar_unknown(form["received_on"].value()),
            },
        )

    def get(self, request):
        return self.render(self.get_form())

    def post(self, request):
        form = self.get_form(request.POST)
        suggestions = _suggestions_for(request.user, request.POST)
        if "suggest" in request.POST or not form.is_valid():
            if "suggest" in request.POST:
                form.errors.clear()
            return self.render(form, suggestions)
        data = form.cleaned_data
        try:
            task = services.log_task(
                community=data["community"],
                title=data["title"],
                department=data["department"],
                category=data["category"],
                catalogue_item=data.get("catalogue_item"),
                emergency=data.get("emergency", False),
                emergency_justification=data.get("emergency_justification", ""),
                assignees=data.get("assignees") or (),
                by=request.user,
                description=data.get("description", ""),
                received_on=data.get("received_on"),
                received_via=data["received_via"],
                nature=data["nature"],
                service_area=data.get("service_area", ""),
                deadline=data.get("deadline"),
                money_promised=data.get("money_promised") or Decimal("0"),
                estimated_hours=data.get("estimated_hours"),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.render(form, suggestions)
        messages.success(request, _outcome_message(task))
        return redirect(task)


def _outcome_message(task: Task) -> str:
    if task.outcome == Outcome.PENDING:
        return _("Logged. No catalogue item covers it: it waits for the street office's approval.")
    if task.outcome == Outcome.REFUSED:
        return _("Logged and refused: %(reason)s") % {"reason": task.refusal_reason}
    return _("Logged and admitted: %(outcome)s.") % {"outcome": task.get_outcome_display()}


def _suggestions_for(user, data) -> list:
    community = scoping.communities(user, Action.CHANGE).filter(pk=data.get("community") or 0)
    community = community.select_related("street_office").first()
    if community is None:
        communities = scoping.communities(user, Action.CHANGE).select_related("street_office")
        community = communities.first() if len(communities[:2]) == 1 else None
    if community is None:
        return []
    received_on = _parse_date(data.get("received_on")) or timezone.localdate()
    return services.suggest_catalogue_items(
        district=community.street_office.district,
        title=data.get("title", ""),
        category=data.get("category", ""),
        on=received_on,
    )


def _parse_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


class CatalogueSuggestView(LoginRequiredMixin, View):
    """The live catalogue matches for a title, as the fragment the task form shows."""

    def get(self, request):
        return render(
            request,
            "tasks/_suggestions.html",
            {
                "suggestions": _suggestions_for(request.user, request.GET),
                "selected": request.GET.get("catalogue_item", ""),
                "calendar_unknown": _calendar_unknown(request.GET.get("received_on")),
            },
        )


def _calendar_unknown(received_on) -> bool:
    """Whether the 15 working days from this receipt date leave the official calendar."""
    day = _parse_date(received_on) or timezone.localdate()
    return not workdays.decision_due(day).known


class TaskUpdateView(ObjectUpdateView):
    model = Task
    form_class = TaskEditForm
    template_name = "tasks/task_edit.html"

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            # The bound form already copied its values onto self.object; the service
            # compares against the saved task to know what changed.
            services.update_task(
                task=Task.objects.get(pk=self.object.pk),
                by=self.request.user,
                assignees=data.pop("assignees"),
                **data,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class TaskActionView(LoginRequiredMixin, View):
    """POST-only action on one task: out of scope → 404, no right → 403 (from the service)."""

    def task(self, pk) -> Task:
        return scoped_object_or_404(
            Task.objects.visible_to(self.request.user).select_related("community__street_office"),
            pk=pk,
        )

    def rerender(self, task, **forms):
        view = TaskDetailView()
        view.setup(self.request, pk=task.pk)
        view.object = task
        return render(
            self.request,
            view.template_name,
            view.get_context_data(object=task, **forms),
            status=400,
        )


class TaskApproveView(TaskActionView):
    def post(self, request, pk):
        task = self.task(pk)
        if not scoping.can(request.user, Action.REVIEW, task.community):
            raise PermissionDenied(_("Only an official of this community's street office decides."))
        form = ApproveForm(request.POST)
        if form.is_valid():
            try:
                services.approve_task(task=task, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Approved: the task is admitted as authorised."))
                return redirect(task)
        return self.rerender(task, approve_form=form)


class TaskRefuseView(TaskActionView):
    def post(self, request, pk):
        task = self.task(pk)
        if not scoping.can(request.user, Action.REVIEW, task.community):
            raise PermissionDenied(_("Only an official of this community's street office decides."))
        form = RefuseForm(request.POST)
        if form.is_valid():
            try:
                services.refuse_task(task=task, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Refused: the committee need not do this task."))
                return redirect(task)
        return self.rerender(task, refuse_form=form)


class TaskStatusView(TaskActionView):
    def post(self, request, pk):
        task = self.task(pk)
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a status."))
            return redirect(task)
        try:
            services.change_status(task=task, status=form.cleaned_data["status"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Status changed."))
        return redirect(task)


class TaskLogHoursView(TaskActionView):
    def post(self, request, pk):
        task = self.task(pk)
        if not scoping.can(request.user, Action.CHANGE, task.community):
            raise PermissionDenied(_("You may not log hours for this community."))
        form = LogHoursForm(request.POST, task=task)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.log_hours(
                    staff_member=data["staff_member"],
                    day=data["date"],
                    hours=data["hours"],
                    task=task,
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                task.refresh_from_db()
                if task.outcome == Outcome.PENDING:
                    messages.warning(
                        request,
                        _("Hours logged, counted as worked on while the task waits for approval."),
                    )
                else:
                    messages.success(request, _("Hours logged."))
                return redirect(task)
        return self.rerender(task, hours_form=form)


# --- approval queue ---------------------------------------------------------------------


class ApprovalQueueView(ObjectListView):
    """Tasks outside the catalogue waiting for this street office's decision."""

    model = Task
    table_class = ApprovalQueueTable
    filterset_class = ApprovalQueueFilterSet
    template_name = "tasks/approval_queue.html"
    export_title = gettext_lazy("Approval queue")

    def get_queryset(self):
        user = self.request.user
        if not scoping.communities(user, Action.REVIEW).exists():
            raise PermissionDenied(_("Only street-office officials decide on tasks."))
        return (
            Task.objects.for_action(user, Action.REVIEW)
            .awaiting_decision()
            .select_related("community", "department")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overdue_count"] = (
            self.get_queryset().filter(decision_due__lt=timezone.localdate()).count()
        )
        return context


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


class TimesheetView(LoginRequiredMixin, TemplateView):
    """A week of one staff member's hours in one form, with day and row totals."""

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
        week = _parse_date(request.GET.get("week") or request.POST.get("week"))
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


# --- catalogue ----------------------------------------------------------------------------


class CatalogueItemListView(ObjectListView):
    """The catalogue of community work matters: anyone may read and search it."""

    model = CatalogueItem
    queryset = CatalogueItem.objects.select_related("district").order_by(
        Case(*(When(list=v, then=i) for i, v in enumerate(CatalogueList.values))),
        "category",
        "item",
    )
    table_class = CatalogueItemTable
    filterset_class = CatalogueItemFilterSet
    template_name = "tasks/catalogue_list.html"
    export_title = gettext_lazy("Catalogue")
    add_url_name = "tasks:catalogue_create"
    write_action = Action.ADMINISTER

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not scoping.districts(self.request.user, Action.ADMINISTER).exists():
            kwargs["exclude"] = ("edit",)
        return kwargs


class CatalogueItemCreateView(ObjectCreateView):
    model = CatalogueItem
    form_class = CatalogueItemForm
    write_action = Action.ADMINISTER

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("tasks:catalogue_list")


class CatalogueItemUpdateView(ObjectUpdateView):
    model = CatalogueItem
    form_class = CatalogueItemForm
    write_action = Action.ADMINISTER

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("tasks:catalogue_list")


# --- department league ------------------------------------------------------------------


class DepartmentLeagueView(LoginRequiredMixin, TemplateView):
    """Which departments push the most work, unauthorised, and with how much money."""

    template_name = "tasks/department_league.html"

    def get(self, request, *args, **kwargs):
        today = timezone.localdate()
        end = _parse_date(request.GET.get("end")) or today
        start = _parse_date(request.GET.get("start")) or date(end.year - 1, end.month, 1)
        if start > end:
            start, end = end, start
        communities = scoping.communities(request.user)
        wanted = request.GET.get("community", "")
        if wanted.isdigit():
            communities = communities.filter(pk=wanted)
        rows = metrics.department_league(communities, start, end)
        table = DepartmentLeagueTable(rows)
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                table_to_workbook_file(table, _("Departments")), "departments.xlsx"
            )
        top = rows[:10]
        chart = bar_chart(
            _("Tasks pushed down, by department"),
            [r.name for r in top],
            [
                (_("tasks"), [r.tasks for r in top]),
                (_("unauthorised"), [r.unauthorised for r in top]),
                (_("refused"), [r.refused for r in top]),
            ],
            height=340,
        )
        query = request.GET.copy()
        query["export"] = "xlsx"
        return self.render_to_response(
            {
                "table": table,
                "chart": chart if rows else None,
                "start": start,
                "end": end,
                "communities": scoping.communities(request.user),
                "community": wanted or "",
                "export_query": query.urlencode(),
                "returns": metrics.returns_by_month(communities, start, end),
                "money": metrics.money_promised_received(communities, start, end),
                "share": metrics.administrative_share(communities, start, end),
            }
        )
