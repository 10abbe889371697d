"""The certificate desk's panels: requests per month by outcome, and by who demanded them.

Kept apart from panels.py and registered by DashboardsConfig.ready(), so the community
and group dashboards and the reports (which read the same panel lists) all show them.
Every count links to the certificate register filtered to the same rows.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from certificates import metrics as certificates_metrics
from committee.charts import bar_chart
from committee.periods import Period, month_end, months_between
from dashboards.flags import records_url
from dashboards.panels import COMMUNITY_PANELS, GROUP_PANELS, Cell, Panel, _ids
from dashboards.rollup_metrics import read

OUTCOMES = ("issued", "refused", "referred")


def _register_url(ids: list[int], start, end, **params) -> str | None:
    return records_url(
        "certificates:request_list",
        community=ids[0] if len(ids) == 1 else None,
        requested_on_after=start.isoformat(),
        requested_on_before=end.isoformat(),
        **params,
    )


def certificates_panel(communities, period: Period) -> Panel:
    """Certificates asked for, month by month: issued, refused as banned, referred."""
    args = (communities, period.start, period.end)
    by_month = read(certificates_metrics.outcome_counts_by_month, *args)
    totals = read(certificates_metrics.outcome_counts, *args)
    ids = _ids(communities)
    months = months_between(period.start, period.end)
    rows = []
    for month in months:
        found = by_month.get(month)
        start, end = max(month, period.start), min(month_end(month), period.end)
        rows.append(
            [Cell(f"{month:%Y-%m}", numeric=False)]
            + [
                Cell(str(getattr(found, o, 0)), _register_url(ids, start, end, outcome=o))
                for o in OUTCOMES
            ]
        )
    rows.append(
        [Cell(_("Total"), numeric=False)]
        + [
            Cell(str(getattr(totals, o)), _register_url(ids, period.start, period.end, outcome=o))
            for o in OUTCOMES
        ]
    )
    labels = [_("issued"), _("refused (banned)"), _("referred: evidence needed")]
    return Panel(
        key="certificates",
        title=_("Certificates asked for at the desk"),
        note=_("Refused: certificates residents' committees may not issue, demanded all the same."),
        chart=bar_chart(
            _("Requests per month by outcome"),
            [f"{m:%m}" for m in months],
            [
                (str(label), [getattr(by_month.get(m), o, 0) for m in months])
                for label, o in zip(labels, OUTCOMES, strict=True)
            ],
            stacked=True,
        )
        if totals.total
        else None,
        headers=[_("Month"), *labels],
        rows=rows if totals.total else [],
    )


def certificate_institutions_panel(communities, period: Period) -> Panel:
    """Who sent the residents: requests by the kind of institution, with their outcomes."""
    found = read(
        certificates_metrics.outcome_counts_by_institution_kind,
        communities,
        period.start,
        period.end,
    )
    labels = [_("issued"), _("refused (banned)"), _("referred: evidence needed")]
    return Panel(
        key="certificate_institutions",
        title=_("Certificates by the institution that asked for them"),
        headers=[_("Kind of institution"), *labels, _("Total")],
        rows=[
            [Cell(row.label, numeric=False)]
            + [Cell(str(getattr(row.counts, o))) for o in OUTCOMES]
            + [Cell(str(row.counts.total))]
            for row in found
        ],
    )


def register() -> None:
    for builders in (COMMUNITY_PANELS, GROUP_PANELS):
        for builder in (certificates_panel, certificate_institutions_panel):
            if builder not in builders:
                builders.append(builder)
