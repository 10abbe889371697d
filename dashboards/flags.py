"""Flags: every question of the field report as a value, a colour and a sentence.

``flags(communities, start, end)`` evaluates every flag of ``dashboards.specs`` for a set
of communities and a period; ``flags_by_community(...)`` does it for each community at
once (the street-office and district tables); ``flags_by_street_office(...)`` for each
street office on its own totals (the district table). None counts anything: each reads
the figure its spec names from the owning app's ``metrics.py``, or, for a period of whole
months, its stand-in over the monthly rollups (``dashboards/rollup_metrics.py``).

Query cost: one query for the thresholds plus what the metric functions cost, each a
fixed number whatever the number of communities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import models
from django.urls import get_script_prefix as prefix
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from committee import rollups as hook
from committee.periods import month_end
from dashboards.models import Threshold
from dashboards.office_figures import OfficeFigures, grouped
from dashboards.page_reads import community_ids, remember, units
from dashboards.rollup_metrics import instead_of
from dashboards.specs import SPECS, FlagSpec, Severity, links_shown, records_url

__all__ = [
    "SPECS",
    "Flag",
    "Severity",
    "colour_count",
    "flags",
    "flags_by_community",
    "flags_by_street_office",
    "judged_by_community",
    "records_url",
    "sort_key",
    "standing",
    "worded",
    "worst",
]


@dataclass(frozen=True)
class Flag:
    """One flag's verdict for a set of communities and a period.

    Its words and link (``label``, ``value_text``, ``threshold_text``, ``explanation``,
    ``url``) are worked out on first use: a district page judges every flag of every
    community to find the worst, and shows a few.
    """

    kind: str
    severity: Severity
    value: Decimal | None
    amber: Decimal | None
    red: Decimal
    # Answers the figure rests on, when too few to give it a colour (样本不足).
    too_few: int | None = None
    words: Callable[[], dict[str, Any]] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def _words(self) -> dict[str, Any]:
        return self.words() if self.words else {}

    @property
    def label(self) -> str:
        return self._words["label"]

    @property
    def value_text(self) -> str:
        return self._words["value_text"]

    @property
    def threshold_text(self) -> str:
        return self._words["threshold_text"]

    @property
    def explanation(self) -> str:
        return self._words["explanation"]

    @property
    def url(self) -> str | None:
        return self._words["url"]

    @property
    def status_label(self) -> str:
        """The word beside the value: the colour, or 样本不足 with the count."""
        if self.too_few is not None:
            return _("too few answers (%(n)s)") % {"n": number_format(self.too_few, 0)}
        return self.severity.label


Limits = tuple[Decimal | None, Decimal, int | None]


def limits_for(district_ids: Iterable[int]) -> dict[tuple[int, str], Limits]:
    """(district id, kind) → (amber, red, answers needed) as set by the district."""
    ids = tuple(sorted(set(district_ids)))

    def read() -> dict[tuple[int, str], Limits]:
        return {
            (district_id, kind): (amber, red, min_sample)
            for district_id, kind, amber, red, min_sample in Threshold.objects.filter(
                district_id__in=ids
            ).values_list("district_id", "kind", "amber", "red", "min_sample")
        }

    return hook.once(("thresholds", ids), read)


def _defaults(spec: FlagSpec) -> Limits:
    return (spec.amber, spec.red, spec.min_sample)


def _within(start: date, end: date, month: date | None) -> tuple[date, date]:
    """The period, or the one month of it a flag was measured in (clipped to the period)."""
    if month is None:
        return start, end
    return max(start, month), min(end, month_end(month))


def _judge(spec: FlagSpec, found: Any, limits) -> tuple[Any, Severity, int | None]:
    """A flag's value, colour and, when too few answers were given to colour it, their
    number."""
    value = spec.figure.read(found)
    amber, red, min_sample = limits
    severity = spec.severity(value, amber, red)
    too_few = None
    if spec.sample is not None and value is not None:
        answers = spec.sample(found) or 0
        if answers < (min_sample if min_sample is not None else spec.min_sample or 0):
            severity, too_few = Severity.NONE, answers
    return value, severity, too_few


def _verdict(
    spec: FlagSpec,
    found: Any,
    limits,
    community_ids: list[int],
    start: date,
    end: date,
    language: str | None = None,
) -> Flag:
    value, severity, too_few = _judge(spec, found, limits)
    month = spec.month(found) if spec.month else None
    amber, red, min_sample = limits
    language = language or translation.get_language()  # a district judges 24,299 flags

    words = _Words(
        spec.kind,
        language,
        value,
        month,
        amber,
        red,
        min_sample,
        too_few,
        community_ids,
        start,
        end,
    )
    return Flag(
        kind=spec.kind,
        severity=severity,
        value=value,
        amber=amber,
        red=red,
        too_few=too_few,
        words=words,
    )


@dataclass(frozen=True)
class _Words:
    """What a flag's words are worked out from, on first use: plain values, so a flag can be
    kept in the dashboards' figure cache (``dashboards/figure_cache.py``)."""

    kind: str
    language: str
    value: Any
    month: date | None
    amber: Decimal | None
    red: Decimal
    min_sample: int | None
    too_few: int | None
    ids: list[int]
    start: date
    end: date

    def __call__(self) -> dict[str, Any]:
        key = self._key()
        found = _worded.get(key) if key is not None else None
        if found is not None:
            return dict(found)
        with translation.override(self.language):
            found = _words(
                SPECS[self.kind],
                self.value,
                self.month,
                self.amber,
                self.red,
                self.min_sample,
                self.too_few,
                self.ids,
                self.start,
                self.end,
            )
        if key is not None:
            if len(_worded) >= _WORDED:
                _worded.clear()
            _worded[key] = found
        return dict(found)

    def _key(self) -> tuple | None:
        """Everything the words are worked out from (with the URLs' prefix, and whether
        links are made: ``specs.without_links``), each value with its type and digits;
        None for a value of another kind (not kept)."""
        values = (self.value, self.amber, self.red, self.min_sample, self.too_few)
        if not all(isinstance(v, _PLAIN) for v in values):
            return None
        exact = tuple((type(v).__name__, str(v)) for v in values)
        ids = tuple(self.ids)
        key = (self.kind, self.language, exact, self.month, ids, self.start, self.end, prefix())
        return (*key, links_shown())


# A flag's words for the same figures are the same words: worked out once per process for
# the most recent _WORDED verdicts (a street office's page after a write in one community
# words its unchanged flags again). Forgotten by ``forget_words`` (benchmarks: a first page).
_WORDED = 20_000
_worded: dict[tuple, dict[str, Any]] = {}
_PLAIN = (int, Decimal, type(None))


def forget_words() -> None:
    _worded.clear()


def _words(
    spec: FlagSpec, value, month, amber, red, min_sample, too_few, ids, start, end
) -> dict[str, Any]:
    """A flag's words and link, in the language active when it was judged."""
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
    return {
        "label": spec.label,
        "value_text": spec.format(value),
        "threshold_text": threshold_text,
        "explanation": explanation,
        "url": spec.link(ids, *_within(start, end, month)),
    }


def _district_of(communities: models.QuerySet) -> int | None:
    """The one district these communities belong to (thresholds are per district)."""
    ids = list(
        communities.order_by().values_list("street_office__district_id", flat=True).distinct()[:2]
    )
    return ids[0] if len(ids) == 1 else None


def flags(communities: models.QuerySet, start: date, end: date) -> list[Flag]:
    """Every flag for these communities together over [start, end]."""
    ids = community_ids(communities)
    district_id = _district_of(communities)
    limits = limits_for([district_id] if district_id else [])
    cache: dict[Any, Any] = {}  # two flags may read one metric (pay ratios): run it once
    found = []
    for spec in SPECS.values():
        metric = instead_of(spec.figure.whole, start, end)
        if metric not in cache:
            cache[metric] = remember(metric, communities, start, end)
        found.append(
            _verdict(
                spec,
                cache[metric],
                limits.get((district_id, spec.kind), _defaults(spec)),
                ids,
                start,
                end,
            )
        )
    return found


def flags_by_community(
    communities: models.QuerySet, start: date, end: date, only: Iterable[int] | None = None
) -> dict[int, list[Flag]]:
    """Every flag for each community (keyed by id), with the `_by_community` metrics;
    ``only``: for these of them alone, read with the others (a street office's page after a
    write: what it reads for its own totals is then read once, for all of them)."""
    return judged_by_community(communities, start, end).flags(only)


def judged_by_community(communities: models.QuerySet, start: date, end: date) -> Judged:
    """Every community's figures for every flag, read with the `_by_community` metrics."""
    rows = {pk: district_id for pk, _office, district_id in units(communities)}
    limits = limits_for(set(rows.values()))
    cache: dict[Any, dict] = {}
    read = []
    for spec in SPECS.values():
        metric = instead_of(spec.figure.by_community, start, end)
        if metric not in cache:
            cache[metric] = remember(metric, communities, start, end)
        drawn = {d: limits.get((d, spec.kind), _defaults(spec)) for d in set(rows.values())}
        read.append((spec, cache[metric], drawn))
    return Judged(rows, read, start, end)


class Judged:
    """What ``judged_by_community`` read: each community's flags, or only its standing.

    A district ranks its 2,006 communities and shows twenty: ``ranks`` gives each one's
    ``tables.worst_key`` from the same colours and values as its flags, without making
    the 24,299 flags (their making was a sixth of the page's first visit); ``flags`` makes
    those of the communities shown."""

    def __init__(self, rows: dict[int, int], read: list, start: date, end: date):
        self._rows = rows  # community id → its district's id, in the communities' order
        self._read = read  # (spec, {community id: what its metric gave}, limits by district)
        self._start, self._end = start, end

    def __contains__(self, pk: int) -> bool:
        return pk in self._rows

    def flags(self, only: Iterable[int] | None = None) -> dict[int, list[Flag]]:
        """Every flag of each community (of those in ``only``), in the communities' order."""
        chosen = None if only is None else set(only)
        rows = [(pk, d) for pk, d in self._rows.items() if chosen is None or pk in chosen]
        result: dict[int, list[Flag]] = {pk: [] for pk, _district in rows}
        language = translation.get_language()
        start, end = self._start, self._end
        for spec, found, drawn in self._read:
            for pk, district_id in rows:
                result[pk].append(
                    _verdict(spec, found.get(pk), drawn[district_id], [pk], start, end, language)
                )
        return result

    def ranks(self, kinds: list[str]) -> dict[int, tuple]:
        """Each community's ``tables.worst_key(its flags, kinds)``."""
        colours: dict[int, list[Severity]] = {pk: [] for pk in self._rows}
        keys: dict[int, dict[str, tuple]] = {pk: {} for pk in self._rows}
        for spec, found, drawn in self._read:
            for pk, district_id in self._rows.items():
                value, severity, _too_few = _judge(spec, found.get(pk), drawn[district_id])
                colours[pk].append(severity)
                keys[pk][spec.kind] = _value_key(spec, severity, value)
        return {pk: standing(seen, keys[pk], kinds) for pk, seen in colours.items()}


def flags_by_street_office(
    communities: models.QuerySet,
    start: date,
    end: date,
    linked: dict[int, list[int]] | None = None,
) -> dict[int, list[Flag]]:
    """Every flag for each street office of these communities, on the office's own totals.

    What ``flags`` gives for one office's communities, for every office at once: a fixed
    number of queries through ``dashboards.office_figures`` (for a custom period, the task,
    money and pay figures cost one metric call per office instead). A flag links to its
    office's communities in the order of ``linked[office]`` (``flags`` lists them in
    order of code), else sorted by id.
    """
    figures = OfficeFigures(communities, start, end)
    members: dict[int, list[int]] = {}
    for pk, office in figures.office_of.items():
        members.setdefault(office, []).append(pk)
    limits = limits_for(set(figures.district_of.values()))
    cache: dict[Any, dict] = {}
    result: dict[int, list[Flag]] = {office: [] for office in members}
    for spec in SPECS.values():
        metric = spec.figure.whole
        if metric not in cache:
            found = grouped(metric, figures)
            if found is None:
                each = instead_of(metric, start, end)
                found = {
                    office: each(communities.filter(pk__in=pks), start, end)
                    for office, pks in members.items()
                }
            cache[metric] = found
        for office, pks in members.items():
            result[office].append(
                _verdict(
                    spec,
                    cache[metric].get(office),
                    limits.get((figures.district_of[office], spec.kind), _defaults(spec)),
                    (linked or {}).get(office) or sorted(pks),
                    start,
                    end,
                )
            )
    return result


def worded(*flag_lists: Iterable[Flag]) -> None:
    """Work out these flags' words now, so that they are kept with them (the figure cache)."""
    for flag_list in flag_lists:
        for flag in flag_list:
            flag.label  # noqa: B018 -- the cached property is the point


def worst(flag_list: Iterable[Flag]) -> Severity:
    return max((f.severity for f in flag_list), default=Severity.NONE)


def sort_key(flag: Flag | None) -> tuple:
    """Worse sorts higher: severity, then how far the value is on the bad side."""
    if flag is None:
        return (Severity.NONE, 0)
    return _value_key(SPECS[flag.kind], flag.severity, flag.value)


def _value_key(spec: FlagSpec, severity: Severity, value) -> tuple:
    if value is None:
        return (Severity.NONE, 0)
    return (int(severity), value if spec.bad_when_high else -value)


def colour_count(colours: list[Severity]) -> tuple[int, int, int]:
    """A unit's worst colour, then its numbers of reds and ambers."""
    worst = max(colours, default=Severity.NONE)
    return (int(worst), colours.count(Severity.RED), colours.count(Severity.AMBER))


def standing(colours: list[Severity], keys: dict[str, tuple], kinds) -> tuple:
    """Where a unit stands among the worst (``tables.worst_key``): its ``colour_count``,
    then the flag of ``kinds`` that goes furthest on its bad side (``keys``: each kind's
    ``sort_key``)."""
    shown = [keys.get(kind, (Severity.NONE, 0)) for kind in kinds]
    return (colour_count(colours), max(shown, default=(0, 0)))
