"""The register's task pages: list, detail, a new task with its admission check, edit, and
the approve / refuse / status / hours actions. Views validate, call one service, render.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from committee import scoping, versions
from committee.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    RememberColumnsMixin,
    scoped_object_or_404,
)
from committee.roles import Action
from tasks import removal, services, workdays
from tasks.filters import (
    TaskFilterSet,
)
from tasks.forms import (
    ApproveForm,
    LogHoursForm,
    RefuseForm,
    StatusForm,
    TaskEditForm,
    TaskForm,
    approve_initial,
)
from tasks.models import (
    Outcome,
    Task,
    TimeEntry,
)
from tasks.tables import (
    TaskTable,
)
from tasks.views.common import date_param


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


# --- tasks --------------------------------------------------------------------------


class TaskListView(RememberColumnsMixin, ObjectListView):
    """Every task the user may see, filtered and sortable, columns remembered per user."""

    model = Task
    queryset = Task.objects.select_related("community", "department", "catalogue_item").order_by(
        "-received_on", "-pk"
    )
    table_class = TaskTable
    filterset_class = TaskFilterSet
    template_name = "tasks/task_list.html"
    export_title = gettext_lazy("Tasks")
    add_url_name = "tasks:task_create"
    keep_page_sql = True  # its query depends on the scope, the address and the columns


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
        seen = {versions.VERSION_FIELD: task.version}
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
            can_delete=scoping.can(user, Action.MANAGE, task.community),
            can_review=task.outcome == Outcome.PENDING
            and scoping.can(user, Action.REVIEW, task.community),
            # The refusal note: the committee's letter, printed by it and by the street office.
            can_print_refusal=scoping.can(user, Action.CHANGE, task.community)
            or scoping.can(user, Action.REVIEW, task.community),
            approve_form=kwargs.get("approve_form")
            or ApproveForm(initial={**approve_initial(task), **seen}),
            refuse_form=kwargs.get("refuse_form")
            or RefuseForm(initial=seen, district_id=task.community.street_office.district_id),
            hours_form=kwargs.get("hours_form") or LogHoursForm(task=task),
            status_form=StatusForm(initial=seen),
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

    services = (services.log_task,)

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
    received_on = date_param(data.get("received_on")) or timezone.localdate()
    return services.suggest_catalogue_items(
        district=community.street_office.district,
        title=data.get("title", ""),
        category=data.get("category", ""),
        on=received_on,
    )


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
    day = date_param(received_on) or timezone.localdate()
    return not workdays.decision_due(day).known


class TaskDeleteView(ObjectDeleteView):
    """The chair deletes a task with its hours; the page lists them, and both come back
    together from the history (committee/restore.py)."""

    services = (removal.delete_task,)
    model = Task
    write_action = Action.MANAGE
    success_url = reverse_lazy("tasks:task_list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hours = self.object.time_entries.select_related("staff_member").order_by("date")[:50]
        kind = str(TimeEntry._meta.verbose_name)
        context["going"] = [(kind, str(entry)) for entry in hours] + context["going"]
        return context

    def delete_record(self, record):
        removal.delete_task(task=record, by=self.request.user)


class TaskUpdateView(ObjectUpdateView):
    services = (services.update_task,)
    model = Task
    form_class = TaskEditForm
    template_name = "tasks/task_edit.html"

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        version = data.pop(versions.VERSION_FIELD, None)
        try:
            # The bound form already copied its values onto self.object; the service
            # compares against the saved task to know what changed.
            services.update_task(
                task=Task.objects.get(pk=self.object.pk),
                by=self.request.user,
                assignees=data.pop("assignees"),
                version=version,
                **data,
            )
        except versions.StaleEdit as error:
            versions.show_stale(form, error)
            return self.form_invalid(form)
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
    services = (services.approve_task,)

    def post(self, request, pk):
        task = self.task(pk)
        if not scoping.can(request.user, Action.REVIEW, task.community):
            raise PermissionDenied(_("Only an official of this community's street office decides."))
        form = ApproveForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop(versions.VERSION_FIELD)
            try:
                services.approve_task(task=task, by=request.user, version=version, **data)
            except versions.StaleEdit as error:
                versions.show_stale(form, error)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Approved: the task is admitted as authorised."))
                return redirect(task)
        return self.rerender(task, approve_form=form)


class TaskRefuseView(TaskActionView):
    services = (services.refuse_task,)

    def post(self, request, pk):
        task = self.task(pk)
        if not scoping.can(request.user, Action.REVIEW, task.community):
            raise PermissionDenied(_("Only an official of this community's street office decides."))
        form = RefuseForm(request.POST, district_id=task.community.street_office.district_id)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop(versions.VERSION_FIELD)
            try:
                services.refuse_task(task=task, by=request.user, version=version, **data)
            except versions.StaleEdit as error:
                versions.show_stale(form, error)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("Refused: the committee need not do this task."))
                return redirect(task)
        return self.rerender(task, refuse_form=form)


class TaskStatusView(TaskActionView):
    services = (services.change_status,)

    def post(self, request, pk):
        task = self.task(pk)
        form = StatusForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a status."))
            return redirect(task)
        try:
            services.change_status(
                task=task,
                status=form.cleaned_data["status"],
                by=request.user,
                version=form.cleaned_data[versions.VERSION_FIELD],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Status changed."))
        return redirect(task)


class TaskLogHoursView(TaskActionView):
    services = (services.log_hours,)

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
