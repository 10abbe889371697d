"""What residents say, for dashboards: computed in the database, a fixed number of queries.

Every function takes ``communities`` (a Community queryset the caller has scoped) and a
period ``start, end`` (dates, inclusive, on the response's submission date). Only
community surveys count here: a street office's own survey has no single community.

- ``representing_share(communities, start, end) -> Decimal | None``: share (0..1) of
  answers to the question marked ``Question.Purpose.COMMITTEE_NATURE`` that picked the
  option keyed ``Choice.RESIDENTS`` ("代表居民的自治组织"); None without answers.
- ``representing_share_by_community(...) -> dict[int, Decimal | None]``: the same per community id.
- ``representing_share_by_month(...) -> dict[date, Decimal | None]``: per first day of month.
- ``committee_nature_counts(...) -> NatureCounts``: government / residents / unknown / total.
- ``committee_nature_counts_by_community(...) -> dict[int, NatureCounts]``.
- ``average_satisfaction(communities, start, end) -> Decimal | None``: mean of the 1–5
  ratings given to questions marked ``Question.Purpose.SATISFACTION`` (two places).
- ``average_satisfaction_by_community(...) -> dict[int, Decimal | None]``.
- ``average_satisfaction_by_month(...) -> dict[date, Decimal | None]``.
- ``response_count(...) -> int`` and ``response_count_by_community(...) -> dict[int, int]``:
  questionnaires received (online and paper).

Communities without any answer are present in the ``_by_community`` dicts with None (or 0).

The dashboards read each community's *latest survey* instead of a period's answers, so a
month without a survey still shows what residents last said and a year never mixes two
surveys. These functions take the same ``(communities, start, end)`` and read the state
of things on ``end``; ``start`` is not used:

- A community's latest survey for a figure is, among its own surveys (``Survey.community``
  set) with at least one answer that figure reads submitted on or before ``end``, the one
  that opened last: ``Survey.opens``, or the day it was created when it never had an
  opening date; ties go to the survey created last. Opening, not the latest response,
  makes a survey the latest: a closed survey's paper questionnaires typed in late, or a
  stray answer to an old survey still open, do not put an older survey in front of the
  one run since. The figure then reads all that survey's answers submitted on or before
  ``end``. "Latest" is per figure: a satisfaction-only survey run after the field
  report's question does not hide what residents said the committee is.
- ``latest_surveys(...) -> LatestSurveys``: each community's latest survey for the
  committee's nature and for satisfaction, to name them (2 queries).
- ``latest_committee_nature_counts(...) -> NatureCounts``: the counts of the communities'
  latest surveys added up (2 queries: the surveys, then their tallies);
  ``latest_committee_nature_counts_by_community``.
- ``latest_representing_share(...)`` and ``latest_representing_share_by_community(...)``
  (2 queries each): residents / total of those counts.
- ``latest_average_satisfaction(...) -> Decimal | None``: mean of every rating in the
  communities' latest satisfaction surveys (2 queries).

These latest-survey figures and ``representing_share_by_month`` read the survey tallies
(``surveys/tallies.py``: answers per question, option and day, kept with every answer), not
the answers; the ``…_from_answers`` functions count the same from every answer, and
tests/surveys/test_tallies.py holds the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber, TruncDate, TruncMonth
from django.utils import timezone

from committee import rollups as hook
from committee.lookups import InList
from committee.numbers import round_half_up, share
from committee.periods import month_end, months_between
from surveys.models import Answer, Choice, Question, Response, Survey, Tally


@dataclass(frozen=True)
class NatureCounts:
    """How many answered 代表政府 / 代表居民 / 不清楚 (and other options, in total)."""

    government: int = 0
    residents: int = 0
    unknown: int = 0
    total: int = 0

    @property
    def residents_share(self) -> Decimal | None:
        return share(self.residents, self.total)


def _from(day: date) -> datetime:
    """The first moment of a local day: submissions on days [start, end] are those from
    ``_from(start)`` and before ``_from(end + 1 day)``, a range the index answers (a
    ``__date`` lookup converts every row's time first, in Python on SQLite)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _submitted(path: str, start: date | None, end: date) -> dict:
    found = {f"{path}submitted_at__lt": _from(end + timedelta(days=1))}
    if start is not None:
        found[f"{path}submitted_at__gte"] = _from(start)
    return found


def _answers(communities: QuerySet, start: date, end: date, purpose: str) -> QuerySet:
    return Answer.objects.filter(
        question__purpose=purpose,
        response__survey__community__in=communities.values("pk"),
        **_submitted("response__", start, end),
    )


_NATURE_AGGREGATES = {
    "government": Count("pk", filter=Q(choice__key=Choice.GOVERNMENT)),
    "residents": Count("pk", filter=Q(choice__key=Choice.RESIDENTS)),
    "unknown": Count("pk", filter=Q(choice__key=Choice.UNKNOWN)),
    "total": Count("pk"),
}


def _nature(communities, start, end) -> QuerySet:
    return _answers(communities, start, end, Question.Purpose.COMMITTEE_NATURE).filter(
        choice__isnull=False
    )


def committee_nature_counts(communities, start: date, end: date) -> NatureCounts:
    return NatureCounts(**_nature(communities, start, end).aggregate(**_NATURE_AGGREGATES))


def _in_period(prefix: str, start: date, end: date, purpose: str) -> Q:
    return Q(
        **{f"{prefix}question__purpose": purpose}, **_submitted(f"{prefix}response__", start, end)
    )


def committee_nature_counts_by_community(
    communities, start: date, end: date
) -> dict[int, NatureCounts]:
    path = "surveys__responses__answers__"
    base = _in_period(path, start, end, Question.Purpose.COMMITTEE_NATURE) & Q(
        **{f"{path}choice__isnull": False}
    )
    rows = communities.order_by().annotate(
        n_government=Count(
            path + "pk", filter=base & Q(**{f"{path}choice__key": Choice.GOVERNMENT})
        ),
        n_residents=Count(path + "pk", filter=base & Q(**{f"{path}choice__key": Choice.RESIDENTS})),
        n_unknown=Count(path + "pk", filter=base & Q(**{f"{path}choice__key": Choice.UNKNOWN})),
        n_total=Count(path + "pk", filter=base),
    )
    return _nature_counts(rows)


def representing_share(communities, start: date, end: date) -> Decimal | None:
    return committee_nature_counts(communities, start, end).residents_share


def representing_share_by_community(
    communities, start: date, end: date
) -> dict[int, Decimal | None]:
    return {
        pk: counts.residents_share
        for pk, counts in committee_nature_counts_by_community(communities, start, end).items()
    }


def representing_share_by_month(communities, start: date, end: date) -> dict[date, Decimal | None]:
    """Per month with answers, from the tallies (one query, grouped by month: a tally is
    one day's): equal to ``…_from_answers``."""
    hook.settle()
    rows = (
        Tally.objects.filter(
            _read(Question.Purpose.COMMITTEE_NATURE, end, tallied=True),
            survey__community__in=communities.values("pk"),
            day__gte=start,
        )
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(r=Sum("answers", filter=Q(choice__key=Choice.RESIDENTS)), t=Sum("answers"))
        .order_by()
        .values_list("month", "r", "t")
    )
    found = {_month(month): (r or 0, t) for month, r, t in rows}
    return {
        m: share(found[m][0], found[m][1])
        for m in months_between(start, end)
        if m in found and found[m][1]
    }


def representing_share_by_month_from_answers(
    communities, start: date, end: date
) -> dict[date, Decimal | None]:
    """Per month with answers: one count per month over submission ranges (the index
    answers a range; truncating every answer's time to its month is slow on SQLite)."""
    months = months_between(start, end)
    counts = {}
    for i, month in enumerate(months):
        within = Q(**_submitted("response__", max(month, start), min(month_end(month), end)))
        counts[f"r{i}"] = Count("pk", filter=within & Q(choice__key=Choice.RESIDENTS))
        counts[f"t{i}"] = Count("pk", filter=within)
    row = _nature(communities, start, end).aggregate(**counts)
    return {m: share(row[f"r{i}"], row[f"t{i}"]) for i, m in enumerate(months) if row[f"t{i}"]}


def _satisfaction(communities, start, end) -> QuerySet:
    return _answers(communities, start, end, Question.Purpose.SATISFACTION).filter(
        question__kind=Question.Kind.RATING, number__isnull=False
    )


def average_satisfaction(communities, start: date, end: date) -> Decimal | None:
    return round_half_up(_satisfaction(communities, start, end).aggregate(v=Avg("number"))["v"])


def average_satisfaction_by_community(
    communities, start: date, end: date
) -> dict[int, Decimal | None]:
    path = "surveys__responses__answers__"
    only = _in_period(path, start, end, Question.Purpose.SATISFACTION) & Q(
        **{f"{path}question__kind": Question.Kind.RATING, f"{path}number__isnull": False}
    )
    rows = communities.order_by().annotate(v=Avg(path + "number", filter=only))
    return {c.pk: round_half_up(c.v) for c in rows}


def average_satisfaction_by_month(
    communities, start: date, end: date
) -> dict[date, Decimal | None]:
    rows = (
        _satisfaction(communities, start, end)
        .annotate(month=TruncMonth("response__submitted_at"))
        .values("month")
        .annotate(v=Avg("number"))
        .order_by("month")
    )
    return {_month(row["month"]): round_half_up(row["v"]) for row in rows}


def _responses(communities, start, end) -> QuerySet:
    return Response.objects.filter(
        survey__community__in=communities.values("pk"), **_submitted("", start, end)
    )


def response_count(communities, start: date, end: date) -> int:
    return _responses(communities, start, end).count()


def response_count_by_community(communities, start: date, end: date) -> dict[int, int]:
    path = "surveys__responses__"
    in_period = Q(**_submitted(path, start, end))
    rows = communities.order_by().annotate(n=Count(path + "pk", filter=in_period))
    return {c.pk: c.n for c in rows}


# --- each community's latest survey ---------------------------------------------------


def _read(purpose: str, end: date, prefix: str = "", tallied: bool = False) -> Q:
    """The answers a figure reads, submitted on or before ``end`` (paths from ``prefix``);
    ``tallied``: their tallies (surveys/tallies.py) instead."""
    fields = {"question__purpose": purpose}
    if tallied:
        fields["day__lte"] = end
    else:
        fields |= _submitted("response__", None, end)
    if purpose == Question.Purpose.COMMITTEE_NATURE:
        fields["choice__isnull"] = False
    elif tallied:
        fields |= {"question__kind": Question.Kind.RATING, "choice__isnull": True}
    else:
        fields |= {"question__kind": Question.Kind.RATING, "number__isnull": False}
    return Q(**{prefix + name: value for name, value in fields.items()})


def _survey_day() -> Coalesce:
    """The day a survey counts from: its opening, or its creation when it never opened."""
    return Coalesce("opens", TruncDate("created_at"))


def _latest(communities: QuerySet, end: date, purpose: str, tallied: bool = True) -> QuerySet:
    """Each community's latest survey for ``purpose`` as of ``end`` (module docstring).

    Ranked with a window over the candidate surveys rather than a subquery per survey: a
    correlated subquery nested in another let PostgreSQL pick a plan that ran for minutes.
    """
    if tallied:
        hook.settle()
        asking = Exists(
            Tally.objects.filter(_read(purpose, end, tallied=True), survey=OuterRef("pk"))
        )
    else:
        asking = Exists(Answer.objects.filter(_read(purpose, end), response__survey=OuterRef("pk")))
    return (
        Survey.objects.filter(asking, community__in=communities.order_by().values("pk"))
        .annotate(
            _rank=Window(
                RowNumber(),
                partition_by=[F("community_id")],
                order_by=[_survey_day().desc(), F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(_rank=1)
        .order_by()
    )


def _latest_ids(communities: QuerySet, end: date, purpose: str, tallied: bool = True) -> list[int]:
    """The ids of ``_latest``, read in a query of their own.

    Nesting the ranking inside the answers' query as ``IN (subquery)`` let PostgreSQL's
    planner, on some statistics, loop over the window once per answer for minutes; a
    list of at most one id per community keeps each query's plan simple.
    """
    return [ref.pk for ref in _refs(communities, end, purpose, tallied)]


def _latest_answers(communities: QuerySet, end: date, purpose: str) -> QuerySet:
    return Answer.objects.filter(
        _read(purpose, end), response__survey_id__in=_latest_ids(communities, end, purpose, False)
    )


def _latest_tallies(communities: QuerySet, end: date, purpose: str) -> QuerySet:
    ids = _latest_ids(communities, end, purpose)
    return Tally.objects.filter(_read(purpose, end, tallied=True), InList(F("survey_id"), ids))


@dataclass(frozen=True)
class SurveyRef:
    """A survey a dashboard figure comes from, to name it and link to its results."""

    pk: int
    community_id: int
    title: str
    day: date  # opened on (created on, when it never had an opening date)


@dataclass(frozen=True)
class LatestSurveys:
    """Each community's latest survey for each figure, in order of community."""

    nature: list[SurveyRef]
    satisfaction: list[SurveyRef]


def _refs(communities: QuerySet, end: date, purpose: str, tallied: bool = True) -> list[SurveyRef]:
    """Each community's latest survey, ranked once a page (``committee.rollups.shared``:
    a dashboard's flags and survey panel asked six times)."""

    def read() -> list[SurveyRef]:
        rows = (
            _latest(communities, end, purpose, tallied)
            .annotate(day=_survey_day())
            .order_by("community_id")
            .values_list("pk", "community_id", "title", "day")
        )
        return [SurveyRef(*row) for row in rows]

    key = hook.of(communities)
    return list(hook.once(key and ("latest surveys", key, end, purpose, tallied), read))


def latest_surveys(communities: QuerySet, start: date, end: date) -> LatestSurveys:
    return LatestSurveys(
        nature=_refs(communities, end, Question.Purpose.COMMITTEE_NATURE),
        satisfaction=_refs(communities, end, Question.Purpose.SATISFACTION),
    )


def _tally_sum(key: str | None, path: str = "", base: Q | None = None) -> Coalesce:
    picked = Q(**{f"{path}choice__key": key}) if key else Q()
    return Coalesce(Sum(f"{path}answers", filter=(base or Q()) & picked), 0)


_NATURES = {"government": Choice.GOVERNMENT, "residents": Choice.RESIDENTS}
_NATURES |= {"unknown": Choice.UNKNOWN, "total": None}


def _nature_counts(rows: QuerySet) -> dict[int, NatureCounts]:
    """Communities annotated ``n_government`` … ``n_total``, as counts per community id
    (read as plain values: 2,000 model instances took most of a second)."""
    names = [f"n_{name}" for name in _NATURES]
    return {pk: NatureCounts(*counts) for pk, *counts in rows.values_list("pk", *names)}


def latest_committee_nature_counts(communities: QuerySet, start: date, end: date) -> NatureCounts:
    """The communities' latest surveys' counts, from the tallies (2 queries)."""
    found = _latest_tallies(communities, end, Question.Purpose.COMMITTEE_NATURE).aggregate(
        **{name: _tally_sum(key) for name, key in _NATURES.items()}
    )
    return NatureCounts(**found)


def latest_committee_nature_counts_by_community(
    communities: QuerySet, start: date, end: date
) -> dict[int, NatureCounts]:
    """Per community (every one given), from the tallies of their latest surveys grouped
    by community (3 queries: the latest surveys and the communities' ids, each once a
    page, and the tallies; was a join of every community to its tallies)."""
    rows = (
        _latest_tallies(communities, end, Question.Purpose.COMMITTEE_NATURE)
        .values("survey__community_id")
        .annotate(**{name: _tally_sum(key) for name, key in _NATURES.items()})
        .order_by()
        .values_list("survey__community_id", *_NATURES)
    )
    found = {pk: NatureCounts(*counts) for pk, *counts in rows}
    return {pk: found.get(pk, NatureCounts()) for pk in sorted(hook.ids_of(communities))}


def latest_representing_share(communities: QuerySet, start: date, end: date) -> Decimal | None:
    return latest_committee_nature_counts(communities, start, end).residents_share


def latest_representing_share_by_community(
    communities: QuerySet, start: date, end: date
) -> dict[int, Decimal | None]:
    found = latest_committee_nature_counts_by_community(communities, start, end)
    return {pk: counts.residents_share for pk, counts in found.items()}


def latest_average_satisfaction(communities: QuerySet, start: date, end: date) -> Decimal | None:
    """The mean rating of the latest satisfaction surveys, from the tallies (2 queries)."""
    found = _latest_tallies(communities, end, Question.Purpose.SATISFACTION).aggregate(
        n=Sum("answers"), stars=Sum("total")
    )
    if not found["n"]:
        return None
    return round_half_up(Decimal(found["stars"]) / Decimal(found["n"]))


# --- the same from every answer: what the tallies must equal (tests, benchmarks) -----------


def latest_surveys_from_answers(communities: QuerySet, start: date, end: date) -> LatestSurveys:
    return LatestSurveys(
        nature=_refs(communities, end, Question.Purpose.COMMITTEE_NATURE, tallied=False),
        satisfaction=_refs(communities, end, Question.Purpose.SATISFACTION, tallied=False),
    )


def latest_committee_nature_counts_from_answers(
    communities: QuerySet, start: date, end: date
) -> NatureCounts:
    found = _latest_answers(communities, end, Question.Purpose.COMMITTEE_NATURE).aggregate(
        **_NATURE_AGGREGATES
    )
    return NatureCounts(**found)


def latest_committee_nature_counts_by_community_from_answers(
    communities: QuerySet, start: date, end: date
) -> dict[int, NatureCounts]:
    purpose = Question.Purpose.COMMITTEE_NATURE
    path = "surveys__responses__answers__"
    latest = _latest_ids(communities, end, purpose, tallied=False)
    base = _read(purpose, end, path) & Q(surveys__in=latest)

    def count(key: str | None) -> Count:
        picked = Q(**{f"{path}choice__key": key}) if key else Q()
        return Count(path + "pk", filter=base & picked)

    rows = communities.order_by().annotate(
        **{f"n_{name}": count(key) for name, key in _NATURES.items()}
    )
    return _nature_counts(rows)


def latest_average_satisfaction_from_answers(
    communities: QuerySet, start: date, end: date
) -> Decimal | None:
    answers = _latest_answers(communities, end, Question.Purpose.SATISFACTION)
    return round_half_up(answers.aggregate(v=Avg("number"))["v"])


def _month(value) -> date:
    return value.date() if hasattr(value, "date") else value
