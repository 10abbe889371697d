"""Writes of the dashboards app: a district's thresholds."""

from decimal import Decimal

from committee.models import District
from committee.services import service
from dashboards.flags import SPECS
from dashboards.models import Threshold


@service
def set_thresholds(
    *,
    district: District,
    limits: dict[str, tuple[Decimal | None, Decimal]],
    min_samples: dict[str, int | None] | None = None,
) -> None:
    """Store the district's amber and red limits for the given flags, and for survey flags
    the answers needed before a figure gets a colour."""
    Threshold.objects.ensure_for([district])
    for kind, (amber, red) in limits.items():
        Threshold.objects.filter(district=district, kind=kind).update(
            amber=amber if SPECS[kind].amber is not None else None, red=red
        )
    for kind, needed in (min_samples or {}).items():
        if SPECS[kind].min_sample is not None:
            Threshold.objects.filter(district=district, kind=kind).update(min_sample=needed)


@service
def reset_thresholds(*, district: District, kinds: list[str]) -> None:
    """Put the given flags back to DOMAIN.md's default limits."""
    set_thresholds(
        district=district,
        limits={kind: (SPECS[kind].amber, SPECS[kind].red) for kind in kinds if kind in SPECS},
        min_samples={kind: SPECS[kind].min_sample for kind in kinds if kind in SPECS},
    )
