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

from committee import rollups as hook
from committee import scoping
from committee.models import Community
from committee.periods import month_end
from dashboards.flags import SPECS
from dashboards.models import FlagKind, MonthlyRollup
from tasks.filters import TaskFilterSet, TimeEntryFilterSet
from tasks.models import ASSIST_OUTCOMES, CatalogueList, Nature, TimeEntry
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
        total = self._total(self.filterset, self.object_list)
        context["total_hours"] = total
        if self.request.GET.get("task__nature"):
            # The share a dashboard showed: these hours against all hours of the same filter.
            query = self.request.GET.copy()
            query.pop("task__nature")
            every_filter = self.filterset_class(
                data=query, queryset=self.get_queryset(), request=self.request
            )
            every = self._total(every_filter, every_filter.qs)
            context["all_hours"] = every
            context["share_text"] = SPECS[FlagKind.ADMIN_SHARE].format(
                total / every if every else None
            )
        return context

    def _total(self, filterset, entries) -> Decimal:
        """The hours the filter matches: from the monthly rollups when it asks only what
        they hold (communities, whole months, administrative work), as the dashboards'
        figures are counted; else summed over the entries (a district's twelve million)."""
        found = rollup_total(filterset, scoping.communities(self.request.user))
        if found is None:
            found = entries.aggregate(total=Sum("hours"))["total"]
        return found or Decimal("0")


def rollup_total(filterset, communities) -> Decimal | None:
    """``Sum("hours")`` of the filter's hour entries read from ``MonthlyRollup``, or None
    when the filter names something the rollups do not keep apart."""
    if filterset.is_bound and not filterset.is_valid():
        return None
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    if data.get("staff_member") or data.get("resident_work"):
        return None
    nature = data.get("task__nature")
    if nature and nature != Nature.ADMINISTRATIVE:
        return None
    rows = MonthlyRollup.objects.filter(community__in=communities.order_by().values("pk"))
    chosen = data.get("community")
    if chosen:
        rows = rows.filter(community__in=[c.pk for c in chosen])
    span = data.get("date")
    if span:
        start, stop = span.start, span.stop
        if (start and start.day != 1) or (stop and stop != month_end(stop)):
            return None  # part of a month
        if start:
            rows = rows.filter(month__gte=start)
        if stop:
            rows = rows.filter(month__lte=stop.replace(day=1))
    hook.settle()
    return rows.aggregate(total=Sum("hours_admin" if nature else "hours"))["total"]


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
