"""Filters of the staff lists."""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import Community, Department
from staff.models import InsuranceRates, PayRecord, PayScale, StaffMember, WageBenchmark

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m")
        return value


class StaffSearchInput(forms.TextInput):
    """A staff member's name, typed, with matches offered as you type (staff/search.py).

    Used instead of a drop-down of every staff member the user may see: a district has
    thousands of them.
    """

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "data-staff-search": reverse_lazy("staff:staff_search")}
        super().__init__({**base, **(attrs or {})})


def staff_match(value: str, prefix: str = "") -> Q:
    """Staff members by typed name, or by id (the links behind a figure carry an id)."""
    value = value.strip()
    if value.isdigit():
        return Q(**{f"{prefix}pk": int(value)})
    return Q(**{f"{prefix}name__icontains": value})


def _scope_choices(filterset, request) -> None:
    if request is None:
        return
    visible = Community.objects.visible_to(request.user)
    filterset.filters["community"].queryset = visible
    if "employer" in filterset.filters:
        filterset.filters["employer"].queryset = Department.objects.visible_to(request.user)


class StaffMemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    kind = django_filters.ChoiceFilter(choices=StaffMember.Kind.choices, label=_("Kind"))
    post = django_filters.ChoiceFilter(choices=StaffMember.Post.choices, label=_("Post"))
    employer = django_filters.ModelChoiceFilter(
        queryset=Department.objects.none(), label=_("Employing department")
    )
    current = django_filters.BooleanFilter(method="on_roster", label=_("On the roster today"))

    class Meta:
        model = StaffMember
        fields = ["q", "community", "kind", "post", "employer", "current"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        _scope_choices(self, request)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value))

    def on_roster(self, queryset, name, value):
        today = timezone.localdate()
        current = queryset.current(today)
        return current if value else queryset.exclude(pk__in=current.values("pk"))


class PayRecordFilterSet(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        field_name="staff_member__community",
        queryset=Community.objects.none(),
        label=_("Community"),
    )
    staff_kind = django_filters.ChoiceFilter(
        field_name="staff_member__kind",
        choices=StaffMember.Kind.choices,
        label=_("Kind of staff"),
    )
    kind = django_filters.ChoiceFilter(choices=PayRecord.Kind.choices, label=_("Kind of payment"))
    start = django_filters.DateFilter(
        field_name="month",
        lookup_expr="gte",
        label=_("From month"),
        input_formats=MONTH_FORMATS,
        widget=MonthInput,
    )
    end = django_filters.DateFilter(
        field_name="month",
        lookup_expr="lte",
        label=_("To month"),
        input_formats=MONTH_FORMATS,
        widget=MonthInput,
    )
    q = django_filters.CharFilter(
        field_name="staff_member__name", lookup_expr="icontains", label=_("Name")
    )

    class Meta:
        model = PayRecord
        fields = ["community", "staff_kind", "kind", "start", "end", "q"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        _scope_choices(self, request)


class WageBenchmarkFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = WageBenchmark
        fields = ["year"]


class InsuranceRatesFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = InsuranceRates
        fields = ["year"]


class PayScaleFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = PayScale
        fields = ["year"]
