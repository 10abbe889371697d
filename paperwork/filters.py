"""Filter forms of the paperwork registers; the dashboards' drill-down links use them."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.models import Community, Department
from committee.widgets import DateRangeWidget
from paperwork.models import CapKind, DataItem, Demand, ReturnForm, ReturnItem, unapproved_q

DATE = DateRangeWidget()


class _Scoped(django_filters.FilterSet):
    """The community and department choices are those the user may see."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request else None
        for name in ("community", "return_form__community"):
            if name in self.filters:
                self.filters[name].queryset = scoping.communities(user)
        for name in ("department", "return_form__department"):
            if name in self.filters:
                self.filters[name].queryset = Department.objects.filter(
                    district__in=scoping.districts(user)
                )
        if "data_item" in self.filters:
            self.filters["data_item"].queryset = DataItem.objects.visible_to(user)


class DemandFilterSet(_Scoped):
    community = django_filters.ModelMultipleChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    kind = django_filters.ChoiceFilter(choices=CapKind.choices, label=_("Kind"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Department")
    )
    flagged = django_filters.BooleanFilter(method="filter_flagged", label=_("Flagged"))
    standing = django_filters.DateFromToRangeFilter(
        method="filter_standing", label=_("Standing between"), widget=DATE
    )

    class Meta:
        model = Demand
        fields = ["community", "kind", "department", "flagged", "standing"]

    def filter_flagged(self, queryset, name, value):
        q = Q(over_cap=True) | Q(basis="")
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_standing(self, queryset, name, value):
        if value.start:
            queryset = queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=value.start))
        if value.stop:
            queryset = queryset.filter(demanded_on__lte=value.stop)
        return queryset


class ReturnFilterSet(_Scoped):
    community = django_filters.ModelMultipleChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Department")
    )
    registered_on = django_filters.DateFromToRangeFilter(label=_("Registered between"), widget=DATE)
    unapproved = django_filters.BooleanFilter(method="filter_unapproved", label=_("Unapproved"))

    class Meta:
        model = ReturnForm
        fields = ["community", "department", "registered_on", "unapproved"]

    def filter_unapproved(self, queryset, name, value):
        return queryset.filter(unapproved_q()) if value else queryset.exclude(unapproved_q())


class ReturnItemFilterSet(_Scoped):
    return_form__community = django_filters.ModelMultipleChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    return_form__department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Department")
    )
    data_item = django_filters.ModelChoiceFilter(
        queryset=DataItem.objects.none(), label=_("Data item")
    )
    repeat = django_filters.BooleanFilter(label=_("Asked before"))
    return_form__registered_on = django_filters.DateFromToRangeFilter(
        label=_("Registered between"), widget=DATE
    )

    class Meta:
        model = ReturnItem
        fields = [
            "return_form__community",
            "return_form__department",
            "data_item",
            "repeat",
            "return_form__registered_on",
        ]
