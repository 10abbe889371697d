"""Writes of the dashboards app: a district's thresholds, stored reports."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import versions
from committee.models import District
from committee.roles import Action
from committee.scoping import district_ids
from committee.services import service
from dashboards.flags import SPECS
from dashboards.models import StoredReport, Threshold


def check_district(user, district: District) -> None:
    """Thresholds are the district's settings: its officers (``Action.ADMINISTER``) only."""
    if user is None:
        return  # the system: the demo, a command
    allowed = district_ids(user, Action.ADMINISTER)
    if allowed is not None and district.pk not in allowed:
        raise PermissionDenied(_("Only the district's officers may change its thresholds."))


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
    the answers needed before a figure gets a colour (its officers only).

    ``seen`` is the version of each flag's row the page was drawn from: a row whose limits
    change but that someone saved meanwhile is refused (``versions.StaleEdit``), all or none.
    """
    check_district(user, district)
    Threshold.objects.ensure_for([district])
    rows = list(Threshold.objects.filter(district=district, kind__in=list(limits)))
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
    for row in rows:  # one row each: its history is kept
        row.save(update_fields=["amber", "red", "min_sample"])


@service
def reset_thresholds(*, district: District, kinds: list[str], user=None) -> None:
    """Put the given flags back to DOMAIN.md's default limits."""
    set_thresholds(
        user=user,
        district=district,
        limits={kind: (SPECS[kind].amber, SPECS[kind].red) for kind in kinds if kind in SPECS},
        min_samples={kind: SPECS[kind].min_sample for kind in kinds if kind in SPECS},
    )


@service
def store_report(
    *,
    kind: str,
    object_id: int,
    period: str,
    language: str,
    stamp: str,
    fresh_through,
    filename: str,
    pdf: bytes,
) -> StoredReport:
    """Keep a finished report of an ended period (the system's write: nobody's edit)."""
    stored, _created = StoredReport.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        period=period,
        language=language,
        defaults={
            "stamp": stamp,
            "fresh_through": fresh_through,
            "filename": filename,
            "pdf": pdf,
            "drawn_at": timezone.now(),
        },
    )
    return stored
