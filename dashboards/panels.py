"""The dashboards' panels below the flags: a chart (SVG) with its numbers in a table.

Each panel is built from one app's metrics, imported like any other module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from committee.charts import bar_chart, line_chart, waterfall
from committee.numbers import percent, percent_of
from committee.periods import Period, last_twelve_months, month_end, months_between
from committee.tables import format_money
from dashboards import community_facts, read_ahead
from dashboards.flags import records_url
from dashboards.page_reads import community_ids, read_once
from dashboards.rollup_metrics import read
from funds import metrics as funds_metrics
from staff import metrics as staff_metrics
from surveys import metrics as surveys_metrics
from tasks import metrics as tasks_metrics
from tasks.models import Task
from tasks.workdays import working_days_left

ZERO = Decimal("0")


@dataclass
class Panel:
    """A titled chart and the same numbers as a table (headers, rows of cells)."""

    key: str
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
        panel = builder(communities, period)
        if panel is not None:
            found.append(panel)
    return found


def community_panels(communities: models.QuerySet, period: Period) -> list[Panel]:
    return _build(COMMUNITY_PANELS, communities, period)


def group_panels(communities: models.QuerySet, period: Period) -> list[Panel]:
    return _build(GROUP_PANELS, communities, period)


# --- helpers -------------------------------------------------------------------------


def _hours(value) -> str:
    return "—" if value is None else number_format(Decimal(value), 2, force_grouping=True)


def _count(value) -> str:
    """A count for a month; the `_by_month` counts list only months with some, so None is 0."""
    return str(value or 0)


def _ids(communities: models.QuerySet) -> list[int]:
    """The communities' ids in order of code, read once a page (``committee.rollups.once``)."""
    return community_ids(communities)


def _one(ids: list[int]) -> int | None:
    return ids[0] if len(ids) == 1 else None


# --- tasks -----------------------------------------------------------------------------


def hours_by_nature_panel(communities, period: Period) -> Panel:
    """Question 1: hours on administrative work against community affairs, month by month."""
    by_month = read(tasks_metrics.hours_by_nature_by_month, communities, period.start, period.end)
    ids = _ids(communities)
    months = months_between(period.start, period.end)
    admin, community, rows = [], [], []
    for month in months:
        hours = by_month.get(month, {})
        a, c = hours.get("administrative", ZERO), hours.get("community", ZERO)
        admin.append(a)
        community.append(c)
        month_range = {
            "community": ids,
            "date_after": max(month, period.start).isoformat(),
            "date_before": min(month_end(month), period.end).isoformat(),
        }
        rows.append(
            [
                Cell(f"{month:%Y-%m}", numeric=False),
                Cell(
                    _hours(a),
                    records_url("dashboards:hours", task__nature="administrative", **month_range),
                ),
                Cell(_hours(a + c), records_url("dashboards:hours", **month_range)),
                Cell(percent_of(a, a + c)),
            ]
        )
    labels = [f"{m:%m}" for m in months]
    return Panel(
        key="hours_by_nature",
        title=_("Hours by nature, month by month"),
        chart=bar_chart(
            _("Hours by nature"),
            labels,
            [(_("administrative"), admin), (_("community affairs"), community)],
            stacked=True,
        ),
        headers=[_("Month"), _("Administrative hours"), _("All hours"), _("Administrative share")],
        rows=rows,
        note=_(
            "“All hours” links to every hour of the month; administrative hours to those alone."
        ),
    )


def department_panel(communities, period: Period) -> Panel:
    """Question 2: which departments push the most work, unauthorised, and with what money."""
    league = tasks_metrics.department_league
    rows = read_once(league, communities, period.start, period.end)  # the report reads it too
    ids = _ids(communities)
    window = {
        "community": ids,
        "received_on_after": period.start.isoformat(),
        "received_on_before": period.end.isoformat(),
    }
    table = []
    for row in rows:
        table.append(
            [
                Cell(row.name, numeric=False),
                Cell(
                    str(row.tasks),
                    records_url("dashboards:tasks", department=row.department_id, **window),
                ),
                Cell(
                    str(row.unauthorised),
                    records_url(
                        "dashboards:tasks",
                        department=row.department_id,
                        flag="unauthorised",
                        **window,
                    ),
                ),
                Cell(
                    str(row.refused),
                    records_url(
                        "dashboards:tasks",
                        department=row.department_id,
                        outcome="refused",
                        **window,
                    ),
                ),
                Cell(_hours(row.hours)),
                Cell(format_money(row.money_promised)),
                Cell(format_money(row.money_received)),
            ]
        )
    top = rows[:10]
    return Panel(
        key="departments",
        title=_("Tasks by department"),
        chart=bar_chart(
            _("Tasks pushed down, by department"),
            [r.name for r in top],
            [
                (_("tasks"), [r.tasks for r in top]),
                (_("without admission"), [r.unauthorised for r in top]),
            ],
            horizontal=True,
        )
        if top
        else None,
        headers=[
            _("Department"),
            _("Tasks"),
            _("Without admission"),
            _("Refused"),
            _("Hours"),
            _("Money promised"),
            _("Money received"),
        ],
        rows=table,
    )


def pending_panel(communities, period: Period) -> Panel:
    """Tasks waiting for the street office's decision, with the working days left."""
    today = timezone.localdate()
    waiting = list(
        Task.objects.filter(community__in=communities.values("pk"))
        .awaiting_decision()
        .select_related("community", "department")[:20]
    )
    rows = []
    for task in waiting:
        left, _known = (
            working_days_left(today, task.decision_due)
            if task.decision_due
            else (
                None,
                True,
            )
        )
        rows.append(
            [
                Cell(task.title, task.get_absolute_url(), numeric=False),
                Cell(task.community.name, numeric=False),
                Cell(str(task.department), numeric=False),
                Cell(f"{task.decision_due:%Y-%m-%d}" if task.decision_due else "—"),
                Cell(
                    "—"
                    if left is None
                    else (
                        _("%(days)d working days overdue") % {"days": -left}
                        if left < 0
                        else _("%(days)d working days left") % {"days": left}
                    )
                ),
            ]
        )
    return Panel(
        key="pending",
        title=_("Waiting for approval"),
        headers=[_("Task"), _("Community"), _("Department"), _("Decision due"), _("Days left")],
        rows=rows,
        note=_("The street office decides within 15 working days of receipt."),
    )


def approval_queue_panel(communities, period: Period) -> Panel:
    """The approval queue's size and how much of it is overdue, a click from the queue."""
    kept = community_facts.facts_for(communities, period.start, period.end)
    if kept is not None:  # the street-office page: each community's queue, kept
        waiting, overdue = community_facts.queue(kept)
        counts = {"waiting": waiting, "overdue": overdue}
    else:
        queue = community_facts.queue_by_community(communities.order_by().values("pk"))
        found = read_ahead.rows(queue)  # a district's first visit starts it early
        counts = {
            "waiting": sum(waiting for _pk, waiting, _late in found),
            "overdue": sum(late for _pk, _waiting, late in found),
        }
    queue = records_url("tasks:approval_queue")
    return Panel(
        key="approval_queue",
        title=_("Approval queue"),
        headers=[_("Waiting for a decision"), _("Overdue")],
        rows=[[Cell(str(counts["waiting"]), queue), Cell(str(counts["overdue"]), queue)]],
    )


# --- funds -----------------------------------------------------------------------------


def money_panel(communities, period: Period) -> Panel:
    """Question 3: from the allocation, through pooling, to usable money and the gap."""
    s = read(funds_metrics.summary, communities, period.start, period.end)
    one = _one(_ids(communities))
    window = {"community": one, "date_from": period.start, "date_to": period.end}

    def income(kind):
        return records_url("funds:income_list", kind=kind, **window)

    steps = [
        (_("Allocated"), s.allocated, income("allocation")),
        (_("Pooled by the street office"), -s.pooled, income("pooling")),
        (_("Contributions"), s.contributions, income("contribution")),
        (_("Services"), s.service, income("service")),
        (_("Other income"), s.other, income("other")),
        (_("Usable"), s.usable, records_url("funds:income_list", **window)),
        (
            _("Essential running costs"),
            -s.essential_costs,
            records_url("funds:expense_list", essential="true", **window),
        ),
        (_("Gap (costs not covered)"), s.funding_gap, None),
    ]
    earmarked = (
        _("Money that came with tasks (earmarked for them, not usable)"),
        s.task_funding,
        income("task_funding"),
    )
    moved = any(amount for _label, amount, _url in steps)
    # Money that came with tasks alone is still money received: the table shows it.
    rows = steps + [earmarked] if moved or earmarked[1] else []
    return Panel(
        key="money",
        title=_("Money: allocation, pooling and the gap"),
        chart=waterfall(
            _("From allocation to gap"), [(label, amount) for label, amount, _url in steps]
        )
        if moved
        else None,
        headers=[_("Step"), _("Amount")],
        rows=[
            [Cell(str(label), numeric=False), Cell(format_money(amount), url)]
            for label, amount, url in rows
        ],
        note=_("A positive gap is money the committee lacks for its essential running costs."),
    )


# --- staff -----------------------------------------------------------------------------


def pay_panel(communities, period: Period) -> Panel:
    """Question 4: full-time workers' take-home pay against assistants and the benchmarks."""
    ratios = read(staff_metrics.pay_ratios, communities, period.start, period.end)
    one = _one(_ids(communities))
    months = {"community": one, "start": f"{period.start:%Y-%m}", "end": f"{period.end:%Y-%m}"}
    # The shares are the metrics' rounded ratios, so the panel and the flags print one figure.
    figures = [
        (
            _("Full-time workers' median take-home pay"),
            ratios.fulltime_median,
            Decimal(1) if ratios.fulltime_median else None,
            records_url("staff:payrecord_list", staff_kind="fulltime", **months),
        ),
        (
            _("Assistants' median take-home pay"),
            ratios.assistant_median,
            ratios.to_assistants,
            records_url("staff:payrecord_list", staff_kind="assistant", **months),
        ),
        (
            _("Local minimum wage"),
            ratios.minimum_wage,
            ratios.to_minimum_wage,
            records_url("staff:benchmark_list"),
        ),
        (
            _("Local average wage"),
            ratios.average_wage,
            ratios.to_average_wage,
            records_url("staff:benchmark_list"),
        ),
    ]
    rows = [
        [Cell(str(label), numeric=False), Cell(format_money(value), url), Cell(percent(share))]
        for label, value, share, url in figures
    ]
    return Panel(
        key="pay",
        title=_("Pay against the benchmarks"),
        chart=bar_chart(
            _("Monthly pay (¥)"),
            [_("full-time"), _("assistants"), _("minimum wage"), _("average wage")],
            [(_("¥ a month"), [value for _l, value, _s, _u in figures])],
            horizontal=True,
        ),
        headers=[_("Figure"), _("Monthly"), _("Full-time median as a share of it")],
        rows=rows,
        # The pay pages show the same ratio for other months and other communities.
        note=_(
            "Median monthly take-home pay of the full-time workers of these communities, "
            "%(start)s to %(end)s, against the benchmarks of %(year)s. The pay pages give "
            "the same ratio for the months and communities they show, so it may differ."
        )
        % {"start": f"{period.start:%Y-%m}", "end": f"{period.end:%Y-%m}", "year": period.end.year},
    )


# --- surveys ---------------------------------------------------------------------------


def survey_panel(communities, period: Period) -> Panel:
    """Question 5: what residents think the committee is, and how satisfied they are.

    Read from each community's latest survey as of the period's end (surveys.metrics says
    how "latest" is chosen) and added up over a group's communities, so a month without a
    survey still shows what residents last said; the note names the surveys.
    """
    args = (communities, period.start, period.end)
    # The represented-share flag reads the same counts, remembered the same way.
    counts = read_once(surveys_metrics.latest_committee_nature_counts, *args)
    satisfaction = read(surveys_metrics.latest_average_satisfaction, *args)
    latest = read(surveys_metrics.latest_surveys, *args)
    one = _one(_ids(communities))
    surveys = records_url("surveys:survey_list", community=one)
    nature_url = _results_url(latest.nature, period) or surveys
    answers = [
        (_("represents the government"), counts.government),
        (_("represents residents"), counts.residents),
        (_("don't know"), counts.unknown),
    ]
    rows = [
        [
            Cell(str(label), numeric=False),
            Cell(str(n), nature_url),
            Cell(percent_of(n, counts.total)),
        ]
        for label, n in answers
    ]
    rows.append(
        [
            Cell(_("Average satisfaction (1–5)"), numeric=False),
            Cell(
                "—" if satisfaction is None else number_format(satisfaction, 2),
                _results_url(latest.satisfaction, period) or surveys,
            ),
            Cell(""),
        ]
    )
    return Panel(
        key="survey",
        title=_("What residents think"),
        chart=bar_chart(
            _("“What kind of organisation is the committee?”"),
            [str(label) for label, _n in answers],
            [(_("answers"), [n for _l, n in answers])],
        ),
        headers=[_("Answer"), _("Residents"), _("Share")],
        rows=rows,
        note=_survey_note(latest, period, one is not None),
    )


def surveys_text(surveys: list) -> str:
    """Plain words for the surveys a figure comes from (the panel's note and the workbook)."""
    if len(surveys) == 1:
        return _opened().format(title=surveys[0].title, date=surveys[0].day.isoformat())
    if not surveys:
        return _("no survey asked it")
    first, last = min(s.day for s in surveys), max(s.day for s in surveys)
    if first == last:
        return _("%(count)d surveys, opened %(date)s") % {
            "count": len(surveys),
            "date": first.isoformat(),
        }
    return _("%(count)d surveys, opened %(first)s to %(last)s") % {
        "count": len(surveys),
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def _opened() -> str:
    return _("{title} (opened {date})")


def _results_url(surveys: list, period: Period) -> str | None:
    """One survey's results, its answers up to the period's end; None for none or several."""
    if len(surveys) != 1:
        return None
    url = reverse("surveys:survey_results", args=[surveys[0].pk])
    return f"{url}?{urlencode({'end': period.end.isoformat()})}"


def _survey_note(latest, period: Period, one_community: bool) -> SafeString:
    """Which surveys the figures come from: each linked by name, or how many and when."""
    as_of = {"date": period.end.isoformat()}
    if not latest.nature and not latest.satisfaction:
        return conditional_escape(_("No survey answered by %(date)s.") % as_of)
    lead = (
        _("The latest survey as of %(date)s, with its answers up to that day.")
        if one_community
        else _(
            "Each community's latest survey as of %(date)s, with its answers up to that day, "
            "added up."
        )
    ) % as_of
    same = [s.pk for s in latest.nature] == [s.pk for s in latest.satisfaction]
    sources = (
        [(_("What the committee is, and satisfaction"), latest.nature)]
        if same
        else [
            (_("What the committee is"), latest.nature),
            (_("Satisfaction"), latest.satisfaction),
        ]
    )
    parts = [conditional_escape(lead)]
    for figures, surveys in sources:
        if len(surveys) == 1:
            named = format_html(
                _opened(),
                title=format_html(
                    '<a href="{}">{}</a>', _results_url(surveys, period), surveys[0].title
                ),
                date=surveys[0].day.isoformat(),
            )
        else:
            named = surveys_text(surveys)
        parts.append(format_html(_("{figures}: {surveys}."), figures=figures, surveys=named))
    return format_html_join(" ", "{}", ((part,) for part in parts))


# --- trends ----------------------------------------------------------------------------


def trends_panel(communities, period: Period) -> Panel | None:
    """The last twelve months for the group as a whole, one column per available series."""
    start, end = last_twelve_months(period.end)
    months = months_between(start, end)
    series: list[tuple[str, dict, Callable]] = []
    sources = [
        (_("Administrative share"), tasks_metrics.administrative_share_by_month, percent, None),
        (_("Tasks without admission"), tasks_metrics.unauthorised_tasks_by_month, _count, None),
        (_("Pooled share"), funds_metrics.summary_by_month, percent, "pooled_share"),
        (
            _("Full-time pay against the minimum wage"),
            staff_metrics.pay_ratios_by_month,
            percent,
            "to_minimum_wage",
        ),
        (
            _("Residents who feel represented"),
            surveys_metrics.representing_share_by_month,
            percent,
            None,
        ),
    ]
    for label, by_month, fmt, pick in sources:
        found = read(by_month, communities, start, end)
        if pick:
            found = {m: getattr(v, pick, None) for m, v in found.items()}
        series.append((label, found, fmt))
    if not series:
        return None
    share_series = [
        (label, [found.get(m) for m in months]) for label, found, fmt in series if fmt is percent
    ]
    return Panel(
        key="trends",
        title=_("The last twelve months"),
        chart=line_chart(
            _("Shares, month by month (%)"),
            [f"{m:%m}" for m in months],
            [
                (str(label), [None if v is None else v * 100 for v in values])
                for label, values in share_series
            ],
            formatter=lambda v: f"{v:.0f} %",
        )
        if share_series
        else None,
        headers=[_("Month"), *[label for label, _f, _fmt in series]],
        rows=[
            [Cell(f"{m:%Y-%m}", numeric=False)]
            + [Cell(fmt(found.get(m))) for _label, found, fmt in series]
            for m in months
        ],
    )


COMMUNITY_PANELS.extend(
    [hours_by_nature_panel, department_panel, pending_panel, money_panel, pay_panel, survey_panel]
)
GROUP_PANELS.extend(
    [trends_panel, department_panel, approval_queue_panel, money_panel, pay_panel, survey_panel]
)
