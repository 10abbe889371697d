"""The lists behind the dashboards' figures: the tasks app's own lists, filtered as the
metrics count, so the total under a list equals the figure that was clicked.

They reuse tasks' views, tables and templates and only add the filters a figure needs:
several communities at once, and the task sets the flags count (unauthorised, negative
list worked on, assistance). The filter conditions mirror tasks/metrics.py.
"""

from decimal import Decimal

import django_filters
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.models import Community
from dashboards.flags import SPECS
from dashboards.models import FlagKind
from tasks.filters import TaskFilterSet, TimeEntryFilterSet
from tasks.models import ASSIST_OUTCOMES, CatalogueList, TimeEntry
from tasks.views import TaskListView, TimeEntryListView


class HoursFilterSet(TimeEntryFilterSet):
    """The hours list's filters, plus the communities the hours were worked in."""

    community = django_filters.ModelMultipleChoiceFilter(
        field_name="staff_member__community",
        queryset=Community.objects.none(),
        label=_("Community"),
    )

    class Meta(TimeEntryFilterSet.Meta):
        fields = [*TimeEntryFilterSet.Meta.fields, "community"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["community"].queryset = scoping.communities(request.user)


class HoursListView(TimeEntryListView):
    """Hours behind a figure (e.g. the administrative share), with their total."""

    filterset_class = HoursFilterSet
    template_name = "dashboards/hours.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        total = self.object_list.aggregate(total=Sum("hours"))["total"] or Decimal("0")
        context["total_hours"] = total
        if self.request.GET.get("task__nature"):
            # The share a dashboard showed: these hours against all hours of the same filter.
            query = self.request.GET.copy()
            query.pop("task__nature")
            every = self.filterset_class(
                data=query, queryset=self.get_queryset(), request=self.request
            ).qs.aggregate(total=Sum("hours"))["total"]
            context["all_hours"] = every
            context["share_text"] = SPECS[FlagKind.ADMIN_SHARE].format(
                total / every if every else None
            )
        return context


class TaskFlag:
    UNAUTHORISED = "unauthorised"
    NEGATIVE_WORKED = "negative_worked"
    ASSISTANCE = "assistance"

    choices = (
        (UNAUTHORISED, _("taken on without admission")),
        (NEGATIVE_WORKED, _("negative list, worked on")),
        (ASSISTANCE, _("assistance to government")),
    )


class TaskRecordsFilterSet(TaskFilterSet):
    """The task list's filters, plus several communities and the sets the flags count."""

    community = django_filters.ModelMultipleChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    flag = django_filters.ChoiceFilter(
        choices=TaskFlag.choices, method="by_flag", label=_("Counted by the flag")
    )

    class Meta(TaskFilterSet.Meta):
        fields = [*TaskFilterSet.Meta.fields, "flag"]

    def by_flag(self, queryset, name, value):
        if value == TaskFlag.UNAUTHORISED:
            return queryset.unauthorised()
        if value == TaskFlag.NEGATIVE_WORKED:
            return queryset.filter(
                catalogue_item__list__in=(CatalogueList.NEGATIVE, CatalogueList.CERT_BANNED)
            ).filter(Exists(TimeEntry.objects.filter(task=OuterRef("pk"))))
        return queryset.filter(outcome__in=ASSIST_OUTCOMES)


class TaskRecordsView(TaskListView):
    """Tasks behind a flag's count, with the count above the table."""

    filterset_class = TaskRecordsFilterSet
