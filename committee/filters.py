import copy

import django_filters
from django.db.models import Q, QuerySet
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


# A district officer of a city sees 2,000 communities: a drop-down of them all was most of
# a small list's page. Past this many, the community is typed instead.
MANY_COMMUNITIES = 200


class CommunitySearchFilter(django_filters.CharFilter):
    """A community typed by name or code (or its id, which links carry), among the
    communities the list offered."""

    def __init__(self, *, communities, **kwargs):
        super().__init__(**kwargs)
        self.communities = communities

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if value.isdigit():
            found = self.communities.filter(pk=int(value))
        else:
            found = self.communities.filter(Q(name__icontains=value) | Q(code__icontains=value))
        return qs.filter(**{f"{self.field_name}__in": found.values("pk")})


class _CopiedFilters(dict):
    """A filter set class's filters, copied for each filter set one by one instead of
    deep-copied (django-filter deep-copies every filter, its choices, widget and lazy
    label, on each request). A filter set only sets attributes of its own copies (their
    queryset, parent, model); the one dict a filter fills in (``extra``) is copied too,
    and a filter with a ``method`` gets its own bound to the copy."""

    def __deepcopy__(self, memo):
        copied = {}
        for name, original in self.items():
            one = copy.copy(original)
            one.extra = dict(original.extra)
            one.__dict__.pop("_field", None)
            if original.method is not None:
                one.method = original.method  # a FilterMethod bound to this copy
            copied[name] = one
        return copied


def copy_filters_one_by_one(filterset_class) -> None:
    """Let ``filterset_class`` copy its filters for each request as ``_CopiedFilters`` does."""
    if type(filterset_class.__dict__.get("base_filters")) is not _CopiedFilters:
        filterset_class.base_filters = _CopiedFilters(filterset_class.base_filters)


def type_communities_when_many(filterset) -> None:
    """Swap a list's community drop-down for a typed filter when it would list too many.

    The communities are read once, up to one past the limit: either they are the
    drop-down's options as they are, or there are too many and none is listed.
    """
    limit = MANY_COMMUNITIES
    offered = filterset.filters.get("community")
    if not isinstance(offered, django_filters.ModelChoiceFilter):
        return
    communities = offered.queryset
    if not isinstance(communities, QuerySet):
        return
    found = list(communities[: limit + 1])
    if len(found) > limit:
        typed = CommunitySearchFilter(
            communities=communities, field_name=offered.field_name, label=offered.label
        )
        typed.model, typed.parent = offered.model, offered.parent
        filterset.filters["community"] = typed
        return
    field = filterset.form.fields["community"]
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.widget.choices = empty + [
        (field.prepare_value(community), field.label_from_instance(community))
        for community in found
    ]
