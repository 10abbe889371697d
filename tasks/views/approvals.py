"""The street office's approval queue: tasks outside the catalogue awaiting a decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from committee import scoping, versions
from committee.generic import (
    ObjectListView,
)
from committee.roles import Action
from committee.widgets import fast_widgets
from tasks import decisions
from tasks.filters import (
    ApprovalQueueFilterSet,
)
from tasks.forms import BulkApproveForm, RefuseForm
from tasks.models import (
    Task,
)
from tasks.tables import (
    ApprovalQueueTable,
)

# --- approval queue ---------------------------------------------------------------------


class ApprovalQueueView(ObjectListView):
    """Tasks outside the catalogue waiting for this street office's decision."""

    model = Task
    table_class = ApprovalQueueTable
    filterset_class = ApprovalQueueFilterSet
    template_name = "tasks/approval_queue.html"
    export_title = gettext_lazy("Approval queue")
    keep_page_sql = True  # its query depends on the scope, the address and the columns

    def get_queryset(self):
        # Whether any membership gives the right: read from the memberships, no query.
        if scoping.community_q(self.request.user, Action.REVIEW) is scoping.NOTHING:
            raise PermissionDenied(_("Only street-office officials decide on tasks."))
        return self.awaiting()

    def awaiting(self):
        return (
            Task.objects.for_action(self.request.user, Action.REVIEW)
            .awaiting_decision()
            .select_related("community", "department")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The right was checked when the list was read (get_queryset): not again here.
        context["overdue_count"] = (
            self.awaiting().filter(decision_due__lt=timezone.localdate()).count()
        )
        district = _reviewed_district(self.request.user)
        # Drawn like the filter form: inputs and selects written in Python, same HTML, and
        # the drawing kept in the process for a minute (committee/filters.py) per district,
        # language and day: the refusal's negative-list items are not read again; a saved
        # or deleted catalogue item forgets it (tasks/apps.py).
        drawn = (translation.get_language(), timezone.localdate())
        approve = fast_widgets(BulkApproveForm(prefix="approve"))
        approve.kept_key = ("tasks.approval_queue.approve", *drawn)
        refuse = fast_widgets(RefuseForm(prefix="refuse", district_id=district))
        refuse.kept_key = ("tasks.approval_queue.refuse", district, *drawn)
        context["bulk_approve_form"], context["bulk_refuse_form"] = approve, refuse
        return context


def _reviewed_district(user) -> int | None:
    """The district of the communities the user reviews (whose refusal reasons the form
    offers): from the memberships when they name one, else the first community's."""
    found = scoping.district_ids(user, Action.REVIEW)
    if found is not None and len(found) == 1:
        return next(iter(found))
    return (
        scoping.communities(user, Action.REVIEW)
        .values_list("street_office__district_id", flat=True)
        .first()
    )


class ApprovalBulkView(LoginRequiredMixin, View):
    """Approve or refuse the tasks ticked in the queue, with the same fields as on one task."""

    services = (decisions.approve_many, decisions.refuse_many)

    def post(self, request):
        user = request.user
        reviewed = scoping.communities(user, Action.REVIEW)
        if not reviewed.exists():
            raise PermissionDenied(_("Only street-office officials decide on tasks."))
        pks = [int(pk) for pk in request.POST.getlist("pick") if pk.isdigit()]
        district = _reviewed_district(user)
        if request.POST.get("decision") == "refuse":
            form = RefuseForm(request.POST, prefix="refuse", district_id=district)
            run = decisions.refuse_many
            done = _("Refused %(n)s tasks.")
        else:
            form = BulkApproveForm(request.POST, prefix="approve")
            run = decisions.approve_many
            done = _("Approved %(n)s tasks.")
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(
                    request, f"{label}: {' '.join(errors)}" if label else " ".join(errors)
                )
            return redirect("tasks:approval_queue")
        try:
            chosen = {k: v for k, v in form.cleaned_data.items() if k != versions.VERSION_FIELD}
            decided = run(by=user, pks=pks, **chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done % {"n": len(decided)})
        return redirect("tasks:approval_queue")
