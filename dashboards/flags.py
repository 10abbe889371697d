"""Flags: every question of the field report as a value, a colour and a sentence.

``flags(communities, start, end)`` evaluates every flag of ``dashboards.specs`` for a set
of communities and a period; ``flags_by_community(...)`` does it for each community at
once (the street-office and district tables). Neither counts anything: each reads the
figure its spec names from the owning app's ``metrics.py``, or, for a period of whole
months, its stand-in over the monthly rollups (``dashboards/rollup_metrics.py``).

Query cost: one query for the thresholds plus what the metric functions cost, each a
fixed number whatever the number of communities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from committee.periods import month_end
from dashboards.models import Threshold
from dashboards.rollup_metrics import instead_of
from dashboards.specs import SPECS, FlagSpec, Severity, records_url

__all__ = [
    "SPECS",
    "Flag",
    "Severity",
    "flags",
    "flags_by_community",
    "records_url",
    "sort_key",
    "worst",
    "worst_by_group",
]


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
    # Answers the figure rests on, when too few to give it a colour (样本不足).
    too_few: int | None = None

    @property
    def status_label(self) -> str:
        """The word beside the value: the colour, or 样本不足 with the count."""
        if self.too_few is not None:
            return _("too few answers (%(n)s)") % {"n": number_format(self.too_few, 0)}
        return self.severity.label


Limits = tuple[Decimal | None, Decimal, int | None]


def limits_for(district_ids: Iterable[int]) -> dict[tuple[int, str], Limits]:
    """(district id, kind) → (amber, red, answers needed) as set by the district."""
    return {
        (district_id, kind): (amber, red, min_sample)
        for district_id, kind, amber, red, min_sample in Threshold.objects.filter(
            district_id__in=list(district_ids)
        ).values_list("district_id", "kind", "amber", "red", "min_sample")
    }


def _defaults(spec: FlagSpec) -> Limits:
    return (spec.amber, spec.red, spec.min_sample)


def _within(start: date, end: date, month: date | None) -> tuple[date, date]:
    """The period, or the one month of it a flag was measured in (clipped to the period)."""
    if month is None:
        return start, end
    return max(start, month), min(end, month_end(month))


def _verdict(
    spec: FlagSpec, found: Any, limits, community_ids: list[int], start: date, end: date
) -> Flag:
    value = spec.figure.read(found)
    month = spec.month(found) if spec.month else None
    url = spec.link(community_ids, *_within(start, end, month))
    amber, red, min_sample = limits
    severity = spec.severity(value, amber, red)
    too_few = None
    if spec.sample is not None and value is not None:
        answers = spec.sample(found) or 0
        if answers < (min_sample if min_sample is not None else spec.min_sample or 0):
            severity, too_few = Severity.NONE, answers
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
    elif too_few is not None:
        explanation = _(
            "Only %(n)s answers: too few to judge (the district asks for %(min)s before a "
            "colour is given)."
        ) % {
            "n": number_format(too_few, 0),
            "min": number_format(min_sample if min_sample is not None else spec.min_sample, 0),
        }
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
        too_few=too_few,
    )


def _district_of(communities: models.QuerySet) -> int | None:
    """The one district these communities belong to (thresholds are per district)."""
    ids = list(
        communities.order_by().values_list("street_office__district_id", flat=True).distinct()[:2]
    )
    return ids[0] if len(ids) == 1 else None


def flags(communities: models.QuerySet, start: date, end: date) -> list[Flag]:
    """Every flag for these communities together over [start, end]."""
    community_ids = list(communities.values_list("pk", flat=True))
    district_id = _district_of(communities)
    limits = limits_for([district_id] if district_id else [])
    cache: dict[Any, Any] = {}  # two flags may read one metric (pay ratios): run it once
    found = []
    for spec in SPECS.values():
        metric = instead_of(spec.figure.whole, start, end)
        if metric not in cache:
            cache[metric] = metric(communities, start, end)
        found.append(
            _verdict(
                spec,
                cache[metric],
                limits.get((district_id, spec.kind), _defaults(spec)),
                community_ids,
                start,
                end,
            )
        )
    return found


def flags_by_community(
    communities: models.QuerySet, start: date, end: date
) -> dict[int, list[Flag]]:
    """Every flag for each community (keyed by id), with the `_by_community` metrics."""
    rows = list(communities.order_by().values_list("pk", "street_office__district_id"))
    limits = limits_for({district_id for _pk, district_id in rows})
    cache: dict[Any, dict] = {}
    result: dict[int, list[Flag]] = {pk: [] for pk, _district in rows}
    for spec in SPECS.values():
        metric = instead_of(spec.figure.by_community, start, end)
        if metric not in cache:
            cache[metric] = metric(communities, start, end)
        for pk, district_id in rows:
            result[pk].append(
                _verdict(
                    spec,
                    cache[metric].get(pk),
                    limits.get((district_id, spec.kind), _defaults(spec)),
                    [pk],
                    start,
                    end,
                )
            )
    return result


def worst(flag_list: Iterable[Flag]) -> Severity:
    return max((f.severity for f in flag_list), default=Severity.NONE)


def worst_by_group(
    by_community: dict[int, list[Flag]], group_of: dict[int, int], names: dict[int, str]
) -> tuple[dict[int, list[Flag]], dict[int, dict[str, str]]]:
    """Per group (street office), each flag of its worst community, and that community's name.

    A group's own share or median cannot be rebuilt from its communities' values, so a
    group's row shows where it is worst; its whole-group figure is one click away.
    """
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


def sort_key(flag: Flag | None) -> tuple:
    """Worse sorts higher: severity, then how far the value is on the bad side."""
    if flag is None or flag.value is None:
        return (Severity.NONE, 0)
    badness = flag.value if SPECS[flag.kind].bad_when_high else -flag.value
    return (int(flag.severity), badness)
