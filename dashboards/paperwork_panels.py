"""The paperwork panel: what departments demanded of the committees against the caps, and
the returns they asked for. Registered by DashboardsConfig.ready(), like the certificate
panels; every count links to the register filtered to the same rows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from committee.periods import Period
from dashboards.flags import records_url
from dashboards.panels import COMMUNITY_PANELS, GROUP_PANELS, Cell, Panel, _ids
from dashboards.rollup_metrics import read
from paperwork import metrics as paperwork_metrics
from paperwork.models import CapKind


def _demands_url(ids, period: Period, **params) -> str | None:
    return records_url(
        "paperwork:demand_list",
        community=ids,
        standing_after=period.start.isoformat(),
        standing_before=period.end.isoformat(),
        **params,
    )


def _returns_url(name: str, ids, period: Period, **params) -> str | None:
    prefix = "return_form__" if name == "paperwork:return_item_list" else ""
    return records_url(
        name,
        **{
            f"{prefix}community": ids,
            f"{prefix}registered_on_after": period.start.isoformat(),
            f"{prefix}registered_on_before": period.end.isoformat(),
        },
        **params,
    )


def paperwork_panel(communities, period: Period) -> Panel:
    """Signboards, ledgers, assessments, meetings and inspections demanded, and returns."""
    found = read(paperwork_metrics.demands_by_kind, communities, period.start, period.end)
    forms = read(paperwork_metrics.return_counts, communities, period.start, period.end)
    ids = _ids(communities)
    rows = []
    for kind, label in CapKind.choices:
        counts = found.get(kind, {})
        rows.append(
            [
                Cell(str(label), numeric=False),
                Cell(str(counts.get("standing", 0)), _demands_url(ids, period, kind=kind)),
                Cell(str(counts.get("over_cap", 0))),
                Cell(str(counts.get("no_basis", 0))),
                Cell(
                    str(counts.get("flagged", 0)),
                    _demands_url(ids, period, kind=kind, flagged="true"),
                ),
            ]
        )
    return_rows = [
        [
            Cell(_("Returns registered"), numeric=False),
            Cell(str(forms["registered"]), _returns_url("paperwork:return_list", ids, period)),
        ],
        [
            Cell(_("of which unapproved"), numeric=False),
            Cell(
                str(forms["unapproved"]),
                _returns_url("paperwork:return_list", ids, period, unapproved="true"),
            ),
        ],
        [
            Cell(_("Data items asked"), numeric=False),
            Cell(str(forms["asked"]), _returns_url("paperwork:return_item_list", ids, period)),
        ],
        [
            Cell(_("of which asked before by another department"), numeric=False),
            Cell(
                str(forms["repeats"]),
                _returns_url("paperwork:return_item_list", ids, period, repeat="true"),
            ),
        ],
    ]
    return Panel(
        key="paperwork",
        title=_("Demands against the caps, and returns"),
        headers=[
            _("Kind"),
            _("Standing in the period"),
            _("Over the cap"),
            _("No basis"),
            _("Flagged"),
        ],
        rows=rows + [[*row, Cell(""), Cell(""), Cell("")] for row in return_rows],
        note=_("Flagged: over the district's cap, or demanded without a basis, or both."),
    )


def register() -> None:
    for builders in (COMMUNITY_PANELS, GROUP_PANELS):
        if paperwork_panel not in builders:
            builders.append(paperwork_panel)
