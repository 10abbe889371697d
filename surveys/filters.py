"""Filters of the survey list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from surveys.models import Survey


class SurveyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Survey
        fields = ["q", "state"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(community__name__icontains=value)
            | Q(street_office__name__icontains=value)
        )
