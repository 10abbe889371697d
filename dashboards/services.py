"""Writes of the dashboards app: a district's thresholds."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from committee.models import District
from committee.roles import Action
from committee.scoping import district_ids
from committee.services import service
from dashboards.flags import SPECS
from dashboards.models import Threshold


def check_district(user, district: District) -> None:
    """Thresholds are the district's settings: its officers (``Action.ADMINISTER``) only."""
    if user is None:
        return  # the system: the demo, a command
    allowed = district_ids(user, Action.ADMINISTER)
    if allowed is not None and district.pk not in allowed:
        raise PermissionDenied(_("Only the district's officers may change its thresholds."))


@service
def set_thresholds(
    *, district: District, limits: dict[str, tuple[Decimal | None, Decimal]], user=None
) -> None:
    """Store the district's amber and red limits for the given flags (its officers only)."""
    check_district(user, district)
    Threshold.objects.ensure_for([district])
    for threshold in Threshold.objects.filter(district=district, kind__in=list(limits)):
        amber, red = limits[threshold.kind]
        threshold.amber = amber if SPECS[threshold.kind].amber is not None else None
        threshold.red = red
        threshold.save(update_fields=["amber", "red"])  # one row each: its history is kept


@service
def reset_thresholds(*, district: District, kinds: list[str], user=None) -> None:
    """Put the given flags back to DOMAIN.md's default limits."""
    set_thresholds(
        user=user,
        district=district,
        limits={kind: (SPECS[kind].amber, SPECS[kind].red) for kind in kinds if kind in SPECS},
    )
