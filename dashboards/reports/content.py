"""What a report says, drawn from the dashboards' own flags and panels (never recounted).

``community_report(community, period)`` and ``street_office_report(office, period)`` call
the same ``flags`` / ``flags_by_community`` and ``panels.*_panels`` builders as the
dashboard pages, then arrange them like the field report that started this project: the
unit in figures, the problems found by area (each with its flag), recommendations chosen
from the flags, and the tasks by department as an appendix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee import rollups
from committee.models import Community, StreetOffice
from committee.pdf import Unbroken, column_widths, pdf_width
from committee.periods import Period
from committee.tables import format_money
from dashboards import figure_cache, panels
from dashboards.flags import Flag, Severity, flags, flags_by_community
from dashboards.models import FlagKind
from dashboards.page_reads import read_once
from dashboards.specs import SPECS, without_links
from funds import metrics as funds_metrics
from staff import metrics as staff_metrics
from surveys import metrics as surveys_metrics
from tasks import metrics as tasks_metrics

# The field report's four areas, the flags that measure each, and the panels that show it.
AREAS: list[tuple[str, object, tuple[str, ...]]] = [
    (
        "burden",
        gettext_lazy("Administrative burden"),
        (
            FlagKind.ADMIN_SHARE,
            FlagKind.UNAUTHORISED,
            FlagKind.NEGATIVE_LIST,
            FlagKind.FUNDED_SHARE,
            FlagKind.OVER_CAP,
            FlagKind.DUPLICATE_ASKS,
        ),
    ),
    ("money", gettext_lazy("Money"), (FlagKind.USABLE_VS_COSTS, FlagKind.POOLED_SHARE)),
    ("pay", gettext_lazy("Pay"), (FlagKind.PAY_VS_MINIMUM, FlagKind.PAY_VS_ASSISTANTS)),
    ("residents", gettext_lazy("Residents' view"), (FlagKind.REPRESENTED_SHARE,)),
]

PANEL_AREAS: dict[Callable, str] = {
    panels.hours_by_nature_panel: "burden",
    panels.pending_panel: "burden",
    panels.approval_queue_panel: "burden",
    panels.trends_panel: "trends",
    panels.money_panel: "money",
    panels.pay_panel: "pay",
    panels.survey_panel: "residents",
}

# What to do about a flag that is amber or red (the field report's own proposals).
RECOMMENDATIONS: dict[str, object] = {
    FlagKind.ADMIN_SHARE: gettext_lazy(
        "Check every task pushed down against the catalogue of community work matters and "
        "ask the street office to take back the administrative work outside it."
    ),
    FlagKind.UNAUTHORISED: gettext_lazy(
        "Apply the admission procedure: start no task outside the catalogue before the "
        "street office approves it in writing, and ask for a decision on every task pending "
        "past 15 working days."
    ),
    FlagKind.NEGATIVE_LIST: gettext_lazy(
        "Stop negative-list work and return it to the department with a refusal note "
        "citing the catalogue item and its basis."
    ),
    FlagKind.FUNDED_SHARE: gettext_lazy(
        "Ask the departments for the money promised with their assistance tasks "
        "(authority and money follow the task), or hand the tasks back."
    ),
    FlagKind.USABLE_VS_COSTS: gettext_lazy(
        "Raise the running allocation so that it covers the essential running costs "
        "(the field report proposes ¥30,000 a year per committee)."
    ),
    FlagKind.POOLED_SHARE: gettext_lazy(
        "Return the pooled funds to the committee and keep its running money in a separate account."
    ),
    FlagKind.PAY_VS_MINIMUM: gettext_lazy(
        "Pay full-time workers at least the local minimum wage after their share of "
        "insurance, on the three-post eighteen-grade scale."
    ),
    FlagKind.PAY_VS_ASSISTANTS: gettext_lazy(
        "Bring full-time workers' pay up to that of the assistants placed by departments."
    ),
    FlagKind.REPRESENTED_SHARE: gettext_lazy(
        "Strengthen self-governance (residents' meetings, public notices, resident-led "
        "activities) so residents see the committee as theirs."
    ),
    FlagKind.OVER_CAP: gettext_lazy(
        "Send the request-to-withdraw letter up through the street office: every signboard, "
        "ledger, assessment, meeting or inspection over the cap or without a basis, with its rule."
    ),
    FlagKind.DUPLICATE_ASKS: gettext_lazy(
        "Report each figure once: give the departments the community's sheet of current "
        "figures, or the provincial 一表通 platform's pull, instead of filling their forms again."
    ),
}


# Part of the figure cache's key of a report (with figure_cache.VERSION): raise it when
# what a report keeps changes shape or meaning (its figures, panels, comparison widths).
KEPT_VERSION = "3"


@dataclass
class Area:
    """One area of the report: its flags, worst first, and the panels that show it."""

    key: str
    title: str
    flags: list[Flag] = field(default_factory=list)
    panels: list[panels.Panel] = field(default_factory=list)


@dataclass(frozen=True)
class Recommendation:
    flag: Flag
    text: str


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


# The side-by-side table's marks of a status (a legend under the tables names them).
MARKS = {Severity.RED: " ▲", Severity.AMBER: " ■", Severity.GREEN: " ●"}


@dataclass(frozen=True)
class Cell:
    """One community's flag in the side-by-side table: its value and mark in the status
    colour (``css``), and the status's words when they say more than the colour (too few
    answers). Worked out from the flag's value alone: the flag's other words (sentence,
    limits, link), which the table does not print, are never made for it."""

    css: str
    value: str
    mark: str
    note: str | None = None

    @classmethod
    def of(cls, flag: Flag) -> Cell:
        value = SPECS[flag.kind].format(flag.value)  # = flag.value_text, in this language
        note = flag.status_label if flag.too_few is not None else None
        return cls(flag.severity.css, value, MARKS.get(flag.severity, ""), note)


def recommendations(found: list[Flag]) -> list[Recommendation]:
    """One recommendation per amber or red flag, the red ones first."""
    chosen = [f for f in found if f.severity >= Severity.AMBER and f.kind in RECOMMENDATIONS]
    chosen.sort(key=lambda f: -f.severity)
    return [Recommendation(f, str(RECOMMENDATIONS[f.kind])) for f in chosen]


def _areas(found: list[Flag], built: list[tuple[Callable, panels.Panel]]) -> list[Area]:
    by_kind = {f.kind: f for f in found}
    areas = []
    for key, title, kinds in AREAS:
        area_flags = sorted((by_kind[k] for k in kinds if k in by_kind), key=lambda f: -f.severity)
        area_panels = [p for builder, p in built if PANEL_AREAS.get(builder) == key]
        if area_flags or area_panels:
            areas.append(Area(key, str(title), area_flags, area_panels))
    return areas


def _build(builders: list[Callable], communities, period: Period):
    """The dashboard's own panels, each with the builder that made it."""
    built = []
    for builder in builders:
        panel = builder(communities, period)
        if panel is not None:
            built.append((builder, panel))
    return built


def _figures(communities: models.QuerySet, period: Period) -> list[Figure]:
    """The unit in figures: its size, then what each app's metrics count for the period."""
    totals = communities.aggregate(
        area=models.Sum("area_km2"),
        residents=models.Sum("residents"),
        households=models.Sum("households"),
    )
    figures = [
        Figure(str(_("Area (km²)")), number_format(totals["area"] or 0, 2)),
        Figure(
            str(_("Residents")), number_format(totals["residents"] or 0, 0, force_grouping=True)
        ),
        Figure(
            str(_("Households")), number_format(totals["households"] or 0, 0, force_grouping=True)
        ),
    ]
    start, end = period.start, period.end
    # Hours and money from the monthly rollups for whole months (committee.rollups.instead_of),
    # each read once a report (page_reads.read_once): the panels read the same.
    readers = [
        (staff_metrics.staffing, _staffing),
        (tasks_metrics.department_league, _tasks_received),
        (tasks_metrics.hours_by_nature_by_month, _hours_logged),
        (funds_metrics.summary, _money_figures),
        (surveys_metrics.response_count, _responses),
    ]
    for figure, shown in readers:
        figures.extend(shown(read_once(figure, communities, start, end)))
    return figures


def _staffing(found) -> list[Figure]:
    return [
        Figure(
            str(_("Full-time workers (required by the staffing rule)")),
            f"{found.fulltime:,} ({found.required:,})",
        )
    ]


def _tasks_received(rows) -> list[Figure]:
    return [Figure(str(_("Tasks pushed down by departments")), f"{sum(r.tasks for r in rows):,}")]


def _hours_logged(by_month: dict) -> list[Figure]:
    total = sum((sum(h.values(), Decimal("0")) for h in by_month.values()), Decimal("0"))
    return [Figure(str(_("Staff hours logged")), number_format(total, 2, force_grouping=True))]


def _money_figures(summary) -> list[Figure]:
    return [
        Figure(str(_("Usable money")), format_money(summary.usable)),
        Figure(str(_("Essential running costs")), format_money(summary.essential_costs)),
        Figure(str(_("Gap (costs not covered)")), format_money(summary.funding_gap)),
    ]


def _responses(count: int) -> list[Figure]:
    return [Figure(str(_("Survey responses")), f"{count:,}")]


@contextmanager
def _computing() -> Iterator[None]:
    """Where a report's figures are worked out: the flags, panels and figures share their
    reads (``committee.rollups.shared``, as a dashboard page's do) and make none of the
    links to the records behind each figure that the dashboards' tables and flags carry
    (``specs.without_links``): a PDF prints none, and they cost a reverse() and an encoded
    query a table row (~8 % of a community report's cold figures)."""
    with rollups.shared(), without_links():
        yield


def community_report(community: Community, period: Period) -> dict:
    """Everything a community's report shows, from the community dashboard's own functions.

    Kept in the dashboards' figure cache (``dashboards/figure_cache.py``) under a key of
    the community's revision, its survey tallies, the period, the language and the day:
    any write that changes what the report shows gives another key.
    """
    group = Community.objects.filter(pk=community.pk)

    def compute() -> dict:
        with _computing():
            found = flags(group, period.start, period.end)
            built = _build(panels.COMMUNITY_PANELS, group, period)
            return _report(group, period, found, built)

    page = f"report:community:{KEPT_VERSION}"
    kept = figure_cache.cached(page, community.pk, group, period, compute)
    return kept | {"community": community}


def street_office_report(office: StreetOffice, period: Period) -> dict:
    """A street office's report: its communities side by side, then the group's panels.

    Kept in the figure cache as the community's report is, under its communities' keys."""
    communities = Community.objects.filter(street_office=office)
    kept = figure_cache.cached(
        f"report:street_office:{KEPT_VERSION}",
        office.pk,
        communities,
        period,
        lambda: _street_office_report(communities, period),
    )
    return kept | {"office": office}


def _street_office_report(communities, period: Period) -> dict:
    with _computing():
        return _street_office_figures(communities, period)


def _street_office_figures(communities, period: Period) -> dict:
    found = flags(communities, period.start, period.end)
    by_community = flags_by_community(communities, period.start, period.end)
    built = _build(panels.GROUP_PANELS, communities, period)
    names = list(communities.order_by("code").values_list("pk", "name"))
    kinds = [f.kind for f in found]
    comparison = []
    for pk, name in names:
        kept = {f.kind: f for f in by_community.get(pk, [])}
        comparison.append((name, [Cell.of(kept[k]) if k in kept else None for k in kinds]))
    total = [Cell.of(f) for f in found]
    return _report(communities, period, found, built) | {
        "comparison": _comparison_parts(found, comparison, total),
    }


def _comparison_parts(found: list[Flag], comparison, total: list[Cell]) -> list[dict]:
    """The side-by-side table, in as few tables of consecutive flags as fit the page width:
    the flags' labels over (name, cells) rows and the `total` row ("All together").

    Eleven flags fit one A4 table in Chinese; English headers and badges need more room,
    and one table of them ran past the right margin, so the flags are split in two (or
    more) tables, each with the communities' column again.
    """
    if not found:
        widths = _comparison_widths([], comparison, [])
        return [{"flags": [], "rows": comparison, "total": [], "widths": widths}]
    for count in range(1, len(found) + 1):
        size = -(-len(found) // count)
        parts = []
        for start in range(0, len(found), size):
            cut = slice(start, start + size)
            rows = [(name, row[cut]) for name, row in comparison]
            widths = _comparison_widths(found[cut], rows, total[cut])
            parts.append({"flags": found[cut], "rows": rows, "total": total[cut], "widths": widths})
        if all(sum(part["widths"]) <= 100.5 for part in parts):
            return parts
    return parts


def _comparison_widths(found: list[Flag], comparison, total: list[Cell]) -> list[float]:
    """The side-by-side table's columns for a fixed layout: a cell is a value and its mark,
    over the status's words when they say more than its colour (too few answers).

    A value and its mark, and such words, are kept on one line when the table has room for
    that (Chinese, a few flags); when it has not, words may break, as they did in automatic
    layout. Over 100 (percent of the page) when even broken words and headers do not fit.
    """

    def rows(badge):
        def cell(found: Cell | None) -> str:
            if found is None:
                return "—"
            # The lines of templates/dashboards/reports/_comparison_cell.html (a mark as
            # wide as ▲ whatever the status).
            lines = [Unbroken(f"{found.value} ▲")]
            if found.note is not None:
                lines.append(badge(found.note))
            return max(lines, key=pdf_width)

        # Community names are bold row headers on one line (.comparison tbody th).
        found_rows = [[Unbroken(name), *(cell(c) for c in row)] for name, row in comparison]
        return [*found_rows, [Unbroken(_("All together")), *(cell(c) for c in total)]]

    headers = [str(_("Community")), *(str(f.label) for f in found)]
    # templates/dashboards/reports/report.html: .comparison is 8pt with 1 mm padding.
    layout = {"font_pt": 8, "padding_mm": 2.6, "bold_first": True}
    widths = column_widths(headers, rows(Unbroken), **layout)
    if sum(widths) > 100.5:  # wider than the page: let the badges break
        widths = column_widths(headers, rows(str), **layout)
    return widths


def _report(communities, period: Period, found: list[Flag], built) -> dict:
    department = next((p for b, p in built if b is panels.department_panel), None)
    known = set(PANEL_AREAS) | {panels.department_panel}
    return {
        "period": period,
        "figures": _figures(communities, period),
        "flags": found,
        "areas": _areas(found, built),
        "trends": [p for b, p in built if PANEL_AREAS.get(b) == "trends"],
        "department_panel": department,
        "other_panels": [p for b, p in built if b not in known],
        "recommendations": recommendations(found),
        "worst": max((f.severity for f in found), default=Severity.NONE),
    }
