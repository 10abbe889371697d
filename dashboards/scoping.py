"""Which street-office and district dashboards a user may open, from the one scoping rule.

A dashboard over a group of communities is open only to someone who may view every
community in it (committee/scoping.py decides that); anything else is a 404.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from committee import scoping
from committee.models import Community, District, StreetOffice


def _whole_group_visible(user, group) -> bool:
    return group.exists() and not group.exclude(pk__in=scoping.communities(user)).exists()


def street_office_or_404(user, pk: int) -> StreetOffice:
    office = StreetOffice.objects.select_related("district").filter(pk=pk).first()
    if office is None or not _whole_group_visible(
        user, Community.objects.filter(street_office=office)
    ):
        raise Http404(_("No such record, or not one you may see."))
    return office


def district_or_404(user, pk: int) -> District:
    district = District.objects.filter(pk=pk).first()
    if district is None or not _whole_group_visible(
        user, Community.objects.filter(street_office__district=district)
    ):
        raise Http404(_("No such record, or not one you may see."))
    return district
