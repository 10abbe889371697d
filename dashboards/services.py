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
) -> None:
    """Store the district's amber and red limits for the given flags.

    ``seen`` is the version of each flag's row the page was drawn from: a row whose limits
    change but that someone saved meanwhile is refused (``versions.StaleEdit``), all or none.
    """
    Threshold.objects.ensure_for([district])
    rows = Threshold.objects.filter(district=district, kind__in=list(limits))
    changing = []
    for row in rows:
        stored = (row.amber, row.red)
        amber, red = limits[row.kind]
        row.amber, row.red = (amber if SPECS[row.kind].amber is not None else None), red
        if row.kind in (seen or {}) and (row.amber, row.red) != stored:
            changing.append(row)
    versions.claim_many(changing, {r.pk: seen[r.kind] for r in changing}, user=user)
    for row in rows:
        Threshold.objects.filter(pk=row.pk).update(amber=row.amber, red=row.red)


@service
def reset_thresholds(*, district: District, kinds: list[str]) -> None:
    """Put the given flags back to DOMAIN.md's default limits."""
    set_thresholds(
        district=district,
        limits={kind: (SPECS[kind].amber, SPECS[kind].red) for kind in kinds if kind in SPECS},
    )
