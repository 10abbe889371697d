"""Filters of the survey list (dashboards link here with ``?community=<id>``)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import Community
from surveys.models import Survey


class SurveyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )

    class Meta:
        model = Survey
        fields = ["q", "community", "state"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["community"].queryset = Community.objects.visible_to(request.user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(community__name__icontains=value)
            | Q(street_office__name__icontains=value)
        )
