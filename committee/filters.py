import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import Community, StreetOffice


class CommunityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    street_office = django_filters.ModelChoiceFilter(
        queryset=StreetOffice.objects.all(), label=_("Street office")
    )

    class Meta:
        model = Community
        fields = ["q", "street_office"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            visible = Community.objects.visible_to(request.user).values("street_office")
            self.filters["street_office"].queryset = StreetOffice.objects.filter(pk__in=visible)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(address__icontains=value)
        )
