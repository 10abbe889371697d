"""The street office's approval queue: tasks outside the catalogue awaiting a decision."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee import scoping
from committee.generic import (
    ObjectListView,
)
from committee.roles import Action
from tasks.filters import (
    ApprovalQueueFilterSet,
)
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

    def get_queryset(self):
        user = self.request.user
        if not scoping.communities(user, Action.REVIEW).exists():
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
        return context
