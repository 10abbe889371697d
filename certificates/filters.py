"""Filter forms of the certificate register and the list of types."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.models import (
    CertificateRequest,
    CertificateType,
    InstitutionKind,
    Kind,
    Outcome,
)
from committee import scoping
from committee.models import Community
from committee.widgets import DateRangeWidget

DATE_RANGE = DateRangeWidget()


class CertificateRequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    outcome = django_filters.MultipleChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    kind = django_filters.ChoiceFilter(
        field_name="certificate_type__kind", choices=Kind.choices, label=_("List")
    )
    certificate_type__name = django_filters.CharFilter(label=_("Certificate"))
    institution_kind = django_filters.ChoiceFilter(
        choices=InstitutionKind.choices, label=_("Kind of institution")
    )
    institution = django_filters.CharFilter(label=_("Institution"))
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    requested_on = django_filters.DateFromToRangeFilter(
        label=_("Requested between"), widget=DATE_RANGE
    )
    revoked = django_filters.BooleanFilter(
        field_name="revoked_on", lookup_expr="isnull", exclude=True, label=_("Revoked")
    )

    class Meta:
        model = CertificateRequest
        fields = [
            "q",
            "outcome",
            "kind",
            "certificate_type__name",
            "institution_kind",
            "institution",
            "community",
            "requested_on",
            "revoked",
        ]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["community"].queryset = scoping.communities(request.user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(resident_name__icontains=value)
            | Q(number__icontains=value)
            | Q(institution__icontains=value)
            | Q(purpose__icontains=value)
            | Q(words__icontains=value)
            | Q(certificate_type__name__icontains=value)
        )


class CertificateTypeFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("List"))
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = CertificateType
        fields = ["q", "kind", "active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_en__icontains=value)
            | Q(synonyms__icontains=value)
            | Q(refer_to__icontains=value)
        )
