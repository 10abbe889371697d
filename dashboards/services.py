"""Writes of the dashboards app: a district's thresholds."""

from decimal import Decimal

from committee import versions
from committee.models import District
from committee.services import service
from dashboards.flags import SPECS
from dashboards.models import Threshold


@service
def set_thresholds(
    *,
    district: District,
    limits: dict[str, tuple[Decimal | None, Decimal]],
    seen: dict[str, int] | None = None,
    user=None,
    min_samples: dict[str, int | None] | None = None,
) -> None:
    """Store the district's amber and red limits for the given flags, and for survey flags
    the answers needed before a figure gets a colour.

    ``seen`` is the version of each flag's row the page was drawn from: a row whose limits
    change but that someone saved meanwhile is refused (``versions.StaleEdit``), all or none.
    """
    Threshold.objects.ensure_for([district])
    rows = Threshold.objects.filter(district=district, kind__in=list(limits))
    needed = min_samples or {}
    changing = []
    for row in rows:
        stored = (row.amber, row.red, row.min_sample)
        amber, red = limits[row.kind]
        row.amber, row.red = (amber if SPECS[row.kind].amber is not None else None), red
        if SPECS[row.kind].min_sample is not None and row.kind in needed:
            row.min_sample = needed[row.kind]
        if row.kind in (seen or {}) and (row.amber, row.red, row.min_sample) != stored:
            changing.append(row)
    versions.claim_many(changing, {r.pk: seen[r.kind] for r in changing}, user=user)
    for row in rows:
        Threshold.objects.filter(pk=row.pk).update(
            amber=row.amber, red=row.red, min_sample=row.min_sample
        )


@service
def reset_thresholds(*, district: District, kinds: list[str]) -> None:
    """Put the given flags back to DOMAIN.md's default limits."""
    set_thresholds(
        district=district,
        limits={kind: (SPECS[kind].amber, SPECS[kind].red) for kind in kinds if kind in SPECS},
        min_samples={kind: SPECS[kind].min_sample for kind in kinds if kind in SPECS},
    )
