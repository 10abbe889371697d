"""Filter forms of the task, hours and catalogue lists."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.models import Community, Department
from committee.roles import Action
from committee.widgets import DateRangeWidget
from staff.filters import StaffSearchInput, staff_match
from tasks.models import (
    CatalogueItem,
    CatalogueList,
    Category,
    Nature,
    Outcome,
    ResidentWork,
    Status,
    Task,
    TimeEntry,
)

DATE_RANGE = DateRangeWidget()


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    nature = django_filters.ChoiceFilter(choices=Nature.choices, label=_("Nature"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Department")
    )
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    received_on = django_filters.DateFromToRangeFilter(
        label=_("Received between"), widget=DATE_RANGE
    )
    assignee = django_filters.CharFilter(
        method="by_assignee", label=_("Assignee"), widget=StaffSearchInput()
    )
    worked_while_pending = django_filters.BooleanFilter(label=_("Worked on while pending"))

    class Meta:
        model = Task
        fields = [
            "q",
            "status",
            "outcome",
            "category",
            "nature",
            "department",
            "community",
            "received_on",
            "assignee",
            "worked_while_pending",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            visible = scoping.communities(request.user)
            self.filters["community"].queryset = visible
            self.filters["department"].queryset = Department.objects.serving(visible)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(authorisation_number__icontains=value)
        )

    def by_assignee(self, queryset, name, value):
        assigned = Task.assignees.through.objects.filter(
            staff_match(value, "staffmember__"), task=OuterRef("pk")
        )
        return queryset.filter(Exists(assigned))


class ApprovalQueueFilterSet(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Department")
    )
    worked_while_pending = django_filters.BooleanFilter(label=_("Worked on while pending"))

    class Meta:
        model = Task
        fields = ["community", "department", "worked_while_pending"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            reviewed = scoping.communities(request.user, Action.REVIEW)
            self.filters["community"].queryset = reviewed
            self.filters["department"].queryset = Department.objects.serving(reviewed)


class TimeEntryFilterSet(django_filters.FilterSet):
    date = django_filters.DateFromToRangeFilter(label=_("Between"), widget=DATE_RANGE)
    staff_member = django_filters.CharFilter(
        method="by_staff_member", label=_("Staff member"), widget=StaffSearchInput()
    )
    resident_work = django_filters.ChoiceFilter(
        choices=ResidentWork.choices, label=_("Resident work")
    )
    task__nature = django_filters.ChoiceFilter(choices=Nature.choices, label=_("Nature"))

    class Meta:
        model = TimeEntry
        fields = ["date", "staff_member", "resident_work", "task__nature"]

    def by_staff_member(self, queryset, name, value):
        return queryset.filter(staff_match(value, "staff_member__"))


class CatalogueItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    list = django_filters.ChoiceFilter(choices=CatalogueList.choices, label=_("List"))
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = CatalogueItem
        fields = ["q", "list", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(item__icontains=value)
            | Q(item_en__icontains=value)
            | Q(category__icontains=value)
            | Q(category_en__icontains=value)
            | Q(basis__icontains=value)
        )
