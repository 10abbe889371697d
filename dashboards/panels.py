"""The dashboards' panels below the flags: a chart (SVG) with its numbers in a table.

Each panel is built from one app's metrics; a panel whose metrics are not on this
branch yet is left out (MetricMissing), so it appears as soon as the app lands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils.safestring import SafeString

from dashboards.flags import MetricMissing
from dashboards.periods import Period


@dataclass
class Panel:
    """A titled chart and the same numbers as a table (headers, rows of cells)."""

    title: str
    chart: SafeString | None = None
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Cell:
    """A table cell; with a url it links to the records behind the figure."""

    text: str
    url: str | None = None
    numeric: bool = True


PanelBuilder = Callable[[models.QuerySet, Period], Panel | None]

COMMUNITY_PANELS: list[PanelBuilder] = []
GROUP_PANELS: list[PanelBuilder] = []


def _build(builders: list[PanelBuilder], communities: models.QuerySet, period: Period):
    found = []
    for builder in builders:
        try:
            panel = builder(communities, period)
        except MetricMissing:
            continue
        if panel is not None:
            found.append(panel)
    return found


def community_panels(communities: models.QuerySet, period: Period) -> list[Panel]:
    return _build(COMMUNITY_PANELS, communities, period)


def group_panels(communities: models.QuerySet, period: Period) -> list[Panel]:
    return _build(GROUP_PANELS, communities, period)
