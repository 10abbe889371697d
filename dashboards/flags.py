"""Flags: every question of the field report as a value, a colour and a sentence.

``flags(communities, start, end)`` evaluates every flag for a set of communities and a
period; ``flags_by_community(...)`` does it for each community at once (the street-office
and district tables). Neither counts anything: each flag is a small adapter over the
owning app's ``metrics.py`` (tasks, funds, staff, surveys). When that module or function
is not there (the app has not landed yet), the flag is simply absent — never a made-up
number.

A flag may be measured in one calendar month of the period rather than over all of it
(≥ 3 tasks without admission *in a month*): its value is then the worst month's, its
sentence names that month and its link lists that month's records.

Query cost: one query for the thresholds plus what the metric functions cost, each a
fixed number whatever the number of communities.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.numbers import percent
from committee.periods import month_end
from dashboards.models import FlagKind, Threshold


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


class MetricMissing(Exception):
    """The owning app's metric is not on this branch yet: its flag and panel are absent."""


def metric(app: str, name: str) -> Callable:
    """The metric function ``<app>.metrics.<name>``, or MetricMissing."""
    try:
        module = importlib.import_module(f"{app}.metrics")
        return getattr(module, name)
    except (ImportError, AttributeError) as missing:
        raise MetricMissing(f"{app}.metrics.{name}") from missing


# A measure reads metric results through `get(app, name)` and combines them (a ratio at
# most); the same measure serves one set of communities and each community of a table.
Getter = Callable[[str, str], Any]


def _attr(found: Any, name: str) -> Any:
    """A figure read off a metric's small dataclass (None when there is none)."""
    return getattr(found, name, None)


def _admin_share(get: Getter) -> Decimal | None:
    return get("tasks", "administrative_share")


def _unauthorised(get: Getter) -> Decimal | None:
    return _attr(get("tasks", "unauthorised_peak_month"), "count")


def _unauthorised_month(get: Getter) -> date | None:
    return _attr(get("tasks", "unauthorised_peak_month"), "month")


def _negative_list(get: Getter) -> Decimal | None:
    return get("tasks", "negative_list_worked_on")


def _funded_share(get: Getter) -> Decimal | None:
    return get("tasks", "assistance_funded_share")


def _usable_vs_costs(get: Getter) -> Decimal | None:
    return get("funds", "usable_essential_ratio")


def _pooled_share(get: Getter) -> Decimal | None:
    return get("funds", "pooled_share")


def _pay_vs_minimum(get: Getter) -> Decimal | None:
    return _attr(get("staff", "pay_ratios"), "to_minimum_wage")


def _pay_vs_assistants(get: Getter) -> Decimal | None:
    return _attr(get("staff", "pay_ratios"), "to_assistants")


def _represented_share(get: Getter) -> Decimal | None:
    return get("surveys", "latest_representing_share")


def _query(**params) -> str:
    return urlencode([(k, v) for k, v in params.items() if v not in (None, "")], doseq=True)


def records_url(url_name: str, **params) -> str | None:
    """The list behind a figure, filtered; None while that list does not exist yet."""
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
    measure: Callable[[Getter], Decimal | None]
    sentence: Any  # lazy text with %(value)s, %(amber)s, %(red)s (and %(month)s, below)
    link: Callable[[list[int], date, date], str | None]
    # For a flag measured in the period's worst calendar month: that month's first day
    # (None when no month has any), and what to say then instead of `sentence`.
    month: Callable[[Getter], date | None] | None = None
    sentence_no_month: Any = None

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
            _admin_share,
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
            _unauthorised,
            gettext_lazy(
                "In %(month)s, the worst month of the period, %(value)s tasks were taken on "
                "without catalogue or approval: pending past 15 working days or worked on "
                "while pending (amber from %(amber)s, red from %(red)s in one month)."
            ),
            _tasks_link({"flag": "unauthorised"}),
            month=_unauthorised_month,
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
            _negative_list,
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
            _funded_share,
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
            _usable_vs_costs,
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
            _pooled_share,
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
            _pay_vs_minimum,
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
            _pay_vs_assistants,
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
            _represented_share,
            gettext_lazy(
                "%(value)s of the residents asked in the latest survey see the committee as "
                "representing them (amber below %(amber)s, red below %(red)s)."
            ),
            _surveys_link,
        ),
    ]
}


@dataclass(frozen=True)
class Flag:
    """One flag's verdict for a set of communities and a period."""

    kind: str
    label: str
    severity: Severity
    value: Decimal | None
    value_text: str
    amber: Decimal | None
    red: Decimal
    threshold_text: str
    explanation: str
    url: str | None


def limits_for(
    district_ids: Iterable[int],
) -> dict[tuple[int, str], tuple[Decimal | None, Decimal]]:
    """(district id, kind) → (amber, red) as set by the district; defaults where unset."""
    return {
        (district_id, kind): (amber, red)
        for district_id, kind, amber, red in Threshold.objects.filter(
            district_id__in=list(district_ids)
        ).values_list("district_id", "kind", "amber", "red")
    }


def _within(start: date, end: date, month: date | None) -> tuple[date, date]:
    """The period, or the one month of it a flag was measured in (clipped to the period)."""
    if month is None:
        return start, end
    return max(start, month), min(end, month_end(month))


def _verdict(
    spec: FlagSpec, get: Getter, limits, community_ids: list[int], start: date, end: date
) -> Flag:
    value = spec.measure(get)
    month = spec.month(get) if spec.month else None
    url = spec.link(community_ids, *_within(start, end, month))
    amber, red = limits
    severity = spec.severity(value, amber, red)
    op = spec.operator()
    threshold_text = (
        f"{_('amber')} {op} {spec.format(amber)} · {_('red')} {op} {spec.format(red)}"
        if amber is not None
        else f"{_('red')} {op} {spec.format(red)}"
    )
    if spec.month:
        threshold_text = _("%(limits)s in one month") % {"limits": threshold_text}
    if value is None:
        explanation = _("No records for this period yet.")
    else:
        sentence = spec.sentence_no_month if spec.month and month is None else spec.sentence
        explanation = str(sentence) % {
            "value": spec.format(value),
            "amber": spec.format(amber),
            "red": spec.format(red),
            "month": f"{month:%Y-%m}" if month else "",
        }
    return Flag(
        kind=spec.kind,
        label=spec.label,
        severity=severity,
        value=value,
        value_text=spec.format(value),
        amber=amber,
        red=red,
        threshold_text=threshold_text,
        explanation=explanation,
        url=url,
    )


def _district_of(communities: models.QuerySet) -> int | None:
    """The one district these communities belong to (thresholds are per district)."""
    ids = list(
        communities.order_by().values_list("street_office__district_id", flat=True).distinct()[:2]
    )
    return ids[0] if len(ids) == 1 else None


def flags(communities: models.QuerySet, start: date, end: date) -> list[Flag]:
    """Every available flag for these communities together over [start, end]."""
    community_ids = list(communities.values_list("pk", flat=True))
    district_id = _district_of(communities)
    limits = limits_for([district_id] if district_id else [])
    cache: dict[tuple[str, str], Any] = {}

    def get(app: str, name: str):
        if (app, name) not in cache:
            cache[(app, name)] = metric(app, name)(communities, start, end)
        return cache[(app, name)]

    found = []
    for spec in SPECS.values():
        try:
            flag = _verdict(
                spec,
                get,
                limits.get((district_id, spec.kind), (spec.amber, spec.red)),
                community_ids,
                start,
                end,
            )
        except MetricMissing:
            continue
        found.append(flag)
    return found


def flags_by_community(
    communities: models.QuerySet, start: date, end: date
) -> dict[int, list[Flag]]:
    """Every available flag for each community (keyed by id), with the `_by_community` metrics."""
    rows = list(communities.order_by().values_list("pk", "street_office__district_id"))
    limits = limits_for({district_id for _pk, district_id in rows})
    cache: dict[tuple[str, str], dict] = {}

    def table(app: str, name: str) -> dict:
        if (app, name) not in cache:
            cache[(app, name)] = metric(app, f"{name}_by_community")(communities, start, end)
        return cache[(app, name)]

    result: dict[int, list[Flag]] = {pk: [] for pk, _district in rows}
    for spec in SPECS.values():
        try:
            for name in _needs(spec):
                table(*name)
        except MetricMissing:
            continue
        for pk, district_id in rows:
            result[pk].append(
                _verdict(
                    spec,
                    lambda app, name, pk=pk: cache[(app, name)].get(pk),
                    limits.get((district_id, spec.kind), (spec.amber, spec.red)),
                    [pk],
                    start,
                    end,
                )
            )
    return result


def _needs(spec: FlagSpec) -> list[tuple[str, str]]:
    """The metrics a measure reads, found by running it on a recorder."""
    names: list[tuple[str, str]] = []

    def record(app: str, name: str):
        metric(app, f"{name}_by_community")  # MetricMissing if absent
        names.append((app, name))
        return None

    spec.measure(record)
    if spec.month:
        spec.month(record)
    return names


def worst(flag_list: Iterable[Flag]) -> Severity:
    return max((f.severity for f in flag_list), default=Severity.NONE)


def worst_by_group(
    by_community: dict[int, list[Flag]], group_of: dict[int, int], names: dict[int, str]
) -> tuple[dict[int, list[Flag]], dict[int, dict[str, str]]]:
    """Per group (street office), each flag of its worst community, and that community's name.

    A group's own share or median cannot be rebuilt from its communities' values, so a
    group's row shows where it is worst; its whole-group figure is one click away.
    """
    from dashboards.tables import sort_key

    best: dict[int, dict[str, tuple[tuple, Flag, int]]] = {}
    for community_id, community_flags in by_community.items():
        group = group_of[community_id]
        for flag in community_flags:
            key = sort_key(flag)
            current = best.setdefault(group, {}).get(flag.kind)
            if current is None or key > current[0]:
                best[group][flag.kind] = (key, flag, community_id)
    flags_of = {g: [flag for _k, flag, _c in kinds.values()] for g, kinds in best.items()}
    notes = {
        g: {kind: names[cid] for kind, (_k, _f, cid) in kinds.items()} for g, kinds in best.items()
    }
    return flags_of, notes
