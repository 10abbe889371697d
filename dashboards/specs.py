"""What each dashboard flag is: which figure it reads, which way is bad, its default limits.

A flag is a small adapter over the owning app's ``metrics.py`` (tasks, funds, staff,
surveys), imported here like any other module: a renamed metric fails at import, never
by silently dropping a flag. ``dashboards.flags`` evaluates them; ``dashboards.models``
takes the kinds and default limits from here, so neither imports the other's callers.

A flag may be measured in one calendar month of the period rather than over all of it
(≥ 3 tasks without admission *in a month*): its value is then the worst month's, its
sentence names that month and its link lists that month's records.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from operator import attrgetter
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.numbers import percent
from funds import metrics as funds_metrics
from paperwork import metrics as paperwork_metrics
from staff import metrics as staff_metrics
from surveys import metrics as surveys_metrics
from tasks import metrics as tasks_metrics


class FlagKind(models.TextChoices):
    """The questions of the field report a flag answers (shared/DOMAIN.md)."""

    ADMIN_SHARE = "admin_share", gettext_lazy("Administrative share of staff hours")
    UNAUTHORISED = "unauthorised", gettext_lazy("Tasks taken on without admission")
    NEGATIVE_LIST = "negative_list", gettext_lazy("Negative-list tasks worked on")
    FUNDED_SHARE = "funded_share", gettext_lazy("Assistance tasks that came with their money")
    USABLE_VS_COSTS = "usable_vs_costs", gettext_lazy("Usable money against essential costs")
    POOLED_SHARE = "pooled_share", gettext_lazy("Share of the allocation pooled away")
    PAY_VS_MINIMUM = "pay_vs_minimum", gettext_lazy("Full-time pay against the minimum wage")
    PAY_VS_ASSISTANTS = "pay_vs_assistants", gettext_lazy("Full-time pay against assistants' pay")
    REPRESENTED_SHARE = "represented_share", gettext_lazy("Residents who feel represented")
    OVER_CAP = "over_cap", gettext_lazy("Demands over a cap or without a basis")
    DUPLICATE_ASKS = "duplicate_asks", gettext_lazy("Data items asked more than once (重复填报)")


class Severity(enum.IntEnum):
    """How bad a flag is; the order sorts the worst first."""

    NONE = 0  # no records in the period: nothing to judge
    GREEN = 1
    AMBER = 2
    RED = 3

    @property
    def css(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return {
            Severity.NONE: _("no data"),
            Severity.GREEN: _("green"),
            Severity.AMBER: _("amber"),
            Severity.RED: _("red"),
        }[self]


MetricFunction = Callable[[models.QuerySet, date, date], Any]


def _itself(found: Any) -> Any:
    return found


def _field(name: str) -> Callable[[Any], Any]:
    """A figure read off a metric's small dataclass (None when there is none)."""
    read = attrgetter(name)
    return lambda found: None if found is None else read(found)


@dataclass(frozen=True)
class Figure:
    """The metric a flag reads: for a set of communities together, and per community."""

    whole: MetricFunction
    by_community: MetricFunction  # → {community id: what `whole` gives for that one}
    read: Callable[[Any], Any] = _itself  # the flag's value, off what the metric gives


def _query(**params) -> str:
    parts = []
    for key, value in params.items():
        if value in (None, ""):
            continue
        if isinstance(value, list | tuple) and all(type(v) is int for v in value):
            parts.append(_ids_query(key, tuple(value)))
        else:
            parts.append(urlencode([(key, value)], doseq=True))
    return "&".join(part for part in parts if part)


@lru_cache(maxsize=64)
def _ids_query(key: str, ids: tuple[int, ...]) -> str:
    """``key=1&key=2…``: a district's page links 546 figures to the same 2,006 community ids
    (encoding them each time took most of a second)."""
    return urlencode([(key, ids)], doseq=True)


_links: ContextVar[bool] = ContextVar("juwei_records_links", default=True)


@contextmanager
def without_links() -> Iterator[None]:
    """Within this block, ``records_url`` gives None: a PDF report builds the dashboards'
    panels, whose every table row links to its records, and prints none of the links (a
    reverse() and an encoded query per cell: ~8 % of a community report's cold figures)."""
    token = _links.set(False)
    try:
        yield
    finally:
        _links.reset(token)


def links_shown() -> bool:
    """False inside ``without_links``."""
    return _links.get()


def records_url(url_name: str, **params) -> str | None:
    """The list behind a figure, filtered; None while that list does not exist yet, and
    inside ``without_links``."""
    if not _links.get():
        return None
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return None
    query = _query(**params)
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class FlagSpec:
    """One flag: which way is bad, its default limits, how to measure it, where to check it."""

    kind: str
    bad_when_high: bool
    inclusive: bool  # ≥ rather than > (counts); "below" limits are always strict (<)
    amber: Decimal | None
    red: Decimal
    unit: str  # "percent" (a fraction shown as %) or "count"
    figure: Figure
    sentence: Any  # lazy text with %(value)s, %(amber)s, %(red)s (and %(month)s, below)
    link: Callable[[list[int], date, date], str | None]
    # For a flag measured in the period's worst calendar month: that month's first day
    # (None when no month has any), and what to say then instead of `sentence`.
    month: Callable[[Any], date | None] | None = None
    sentence_no_month: Any = None
    # For a share of answers: how many answers the figure rests on, and how many it needs
    # (by default; the district may change it) before it gets a colour.
    sample: Callable[[Any], int] | None = None
    min_sample: int | None = None

    @property
    def label(self) -> str:
        return str(FlagKind(self.kind).label)

    def severity(self, value: Decimal | None, amber: Decimal | None, red: Decimal) -> Severity:
        if value is None:
            return Severity.NONE
        if self._beyond(value, red):
            return Severity.RED
        if amber is not None and self._beyond(value, amber):
            return Severity.AMBER
        return Severity.GREEN

    def _beyond(self, value: Decimal, limit: Decimal) -> bool:
        if self.bad_when_high:
            return value >= limit if self.inclusive else value > limit
        return value < limit

    def operator(self) -> str:
        if self.bad_when_high:
            return "≥" if self.inclusive else ">"
        return "<"

    def format(self, value: Decimal | None) -> str:
        if self.unit == "percent":
            return percent(value)
        return "—" if value is None else number_format(Decimal(value), 0)


def _hours_link(extra: dict) -> Callable[[list[int], date, date], str | None]:
    def link(community_ids: list[int], start: date, end: date) -> str | None:
        return records_url(
            "dashboards:hours",
            community=community_ids,
            date_after=start.isoformat(),
            date_before=end.isoformat(),
            **extra,
        )

    return link


def _tasks_link(extra: dict) -> Callable[[list[int], date, date], str | None]:
    def link(community_ids: list[int], start: date, end: date) -> str | None:
        return records_url(
            "dashboards:tasks",
            community=community_ids,
            received_on_after=start.isoformat(),
            received_on_before=end.isoformat(),
            **extra,
        )

    return link


def _income_link(extra: dict) -> Callable[[list[int], date, date], str | None]:
    def link(community_ids: list[int], start: date, end: date) -> str | None:
        return records_url(
            "funds:income_list",
            community=community_ids[0] if len(community_ids) == 1 else None,
            date_from=start.isoformat(),
            date_to=end.isoformat(),
            **extra,
        )

    return link


def _expense_link(community_ids: list[int], start: date, end: date) -> str | None:
    return records_url(
        "funds:expense_list",
        community=community_ids[0] if len(community_ids) == 1 else None,
        essential="true",
        date_from=start.isoformat(),
        date_to=end.isoformat(),
    )


def _pay_link(community_ids: list[int], start: date, end: date) -> str | None:
    return records_url(
        "staff:payrecord_list",
        community=community_ids[0] if len(community_ids) == 1 else None,
        start=f"{start:%Y-%m}",
        end=f"{end:%Y-%m}",
    )


def _surveys_link(community_ids: list[int], start: date, end: date) -> str | None:
    return records_url(
        "surveys:survey_list", community=community_ids[0] if len(community_ids) == 1 else None
    )


def _demands_link(community_ids: list[int], start: date, end: date) -> str | None:
    return records_url(
        "paperwork:demand_list",
        community=community_ids,
        flagged="true",
        standing_after=start.isoformat(),
        standing_before=end.isoformat(),
    )


def _repeats_link(community_ids: list[int], start: date, end: date) -> str | None:
    return records_url(
        "paperwork:return_item_list",
        return_form__community=community_ids,
        repeat="true",
        return_form__registered_on_after=start.isoformat(),
        return_form__registered_on_before=end.isoformat(),
    )


D = Decimal
SPECS: dict[str, FlagSpec] = {
    spec.kind: spec
    for spec in [
        FlagSpec(
            FlagKind.ADMIN_SHARE,
            True,
            False,
            D("0.30"),
            D("0.50"),
            "percent",
            Figure(
                tasks_metrics.administrative_share, tasks_metrics.administrative_share_by_community
            ),
            gettext_lazy(
                "%(value)s of the staff hours went to administrative work pushed down by "
                "departments (amber above %(amber)s, red above %(red)s)."
            ),
            _hours_link({"task__nature": "administrative"}),
        ),
        FlagSpec(
            FlagKind.UNAUTHORISED,
            True,
            True,
            D("1"),
            D("3"),
            "count",
            Figure(
                tasks_metrics.unauthorised_peak_month,
                tasks_metrics.unauthorised_peak_month_by_community,
                _field("count"),
            ),
            gettext_lazy(
                "In %(month)s, the worst month of the period, %(value)s tasks were taken on "
                "without catalogue or approval: pending past 15 working days or worked on "
                "while pending (amber from %(amber)s, red from %(red)s in one month)."
            ),
            _tasks_link({"flag": "unauthorised"}),
            month=_field("month"),
            sentence_no_month=gettext_lazy(
                "No task received in the period was taken on without catalogue or approval "
                "(amber from %(amber)s, red from %(red)s in one month)."
            ),
        ),
        FlagSpec(
            FlagKind.NEGATIVE_LIST,
            True,
            True,
            None,
            D("1"),
            "count",
            Figure(
                tasks_metrics.negative_list_worked_on,
                tasks_metrics.negative_list_worked_on_by_community,
            ),
            gettext_lazy(
                "%(value)s tasks on the negative list were worked on, though the committee "
                "must not take them on (red from %(red)s)."
            ),
            _tasks_link({"flag": "negative_worked"}),
        ),
        FlagSpec(
            FlagKind.FUNDED_SHARE,
            False,
            False,
            D("0.80"),
            D("0.50"),
            "percent",
            Figure(
                tasks_metrics.assistance_funded_share,
                tasks_metrics.assistance_funded_share_by_community,
            ),
            gettext_lazy(
                "%(value)s of the assistance tasks came with the money promised (amber below "
                "%(amber)s, red below %(red)s)."
            ),
            _tasks_link({"flag": "assistance"}),
        ),
        FlagSpec(
            FlagKind.USABLE_VS_COSTS,
            False,
            False,
            D("1.00"),
            D("0.70"),
            "percent",
            Figure(
                funds_metrics.usable_essential_ratio,
                funds_metrics.usable_essential_ratio_by_community,
            ),
            gettext_lazy(
                "The money the committee can actually use covers %(value)s of its essential "
                "running costs (amber below %(amber)s, red below %(red)s)."
            ),
            _expense_link,
        ),
        FlagSpec(
            FlagKind.POOLED_SHARE,
            True,
            False,
            D("0.20"),
            D("0.40"),
            "percent",
            Figure(funds_metrics.pooled_share, funds_metrics.pooled_share_by_community),
            gettext_lazy(
                "The street office pooled away %(value)s of the allocation (amber above "
                "%(amber)s, red above %(red)s)."
            ),
            _income_link({"kind": "pooling"}),
        ),
        FlagSpec(
            FlagKind.PAY_VS_MINIMUM,
            False,
            False,
            D("1.20"),
            D("1.00"),
            "percent",
            Figure(
                staff_metrics.pay_ratios,
                staff_metrics.pay_ratios_by_community,
                _field("to_minimum_wage"),
            ),
            gettext_lazy(
                "Full-time workers' median take-home pay is %(value)s of the local minimum "
                "wage (amber below %(amber)s, red below %(red)s)."
            ),
            _pay_link,
        ),
        FlagSpec(
            FlagKind.PAY_VS_ASSISTANTS,
            False,
            False,
            D("1.00"),
            D("0.80"),
            "percent",
            Figure(
                staff_metrics.pay_ratios,
                staff_metrics.pay_ratios_by_community,
                _field("to_assistants"),
            ),
            gettext_lazy(
                "Full-time workers' median pay is %(value)s of the assistants' median pay "
                "(amber below %(amber)s, red below %(red)s)."
            ),
            _pay_link,
        ),
        FlagSpec(
            FlagKind.REPRESENTED_SHARE,
            False,
            False,
            D("0.50"),
            D("0.25"),
            "percent",
            Figure(
                surveys_metrics.latest_committee_nature_counts,
                surveys_metrics.latest_committee_nature_counts_by_community,
                _field("residents_share"),
            ),
            gettext_lazy(
                "%(value)s of the residents asked in the latest survey see the committee as "
                "representing them (amber below %(amber)s, red below %(red)s)."
            ),
            _surveys_link,
            sample=_field("total"),
            min_sample=30,
        ),
        FlagSpec(
            FlagKind.OVER_CAP,
            True,
            True,
            D("1"),
            D("3"),
            "count",
            Figure(
                paperwork_metrics.flagged_demands, paperwork_metrics.flagged_demands_by_community
            ),
            gettext_lazy(
                "%(value)s signboards, ledgers, assessments, meetings or inspections demanded "
                "in the period were over the district's caps or came without a basis (amber "
                "from %(amber)s, red from %(red)s)."
            ),
            _demands_link,
        ),
        FlagSpec(
            FlagKind.DUPLICATE_ASKS,
            True,
            False,
            D("0.10"),
            D("0.25"),
            "percent",
            Figure(
                paperwork_metrics.duplicate_share, paperwork_metrics.duplicate_share_by_community
            ),
            gettext_lazy(
                "%(value)s of the data items asked for on departments' forms had already been "
                "asked for by another department (amber above %(amber)s, red above %(red)s)."
            ),
            _repeats_link,
        ),
    ]
}
