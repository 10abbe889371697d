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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from surveys.models import Answer, Choice, Question, Response

TWO_PLACES = Decimal("0.01")
SHARE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class NatureCounts:
    """How many answered 代表政府 / 代表居民 / 不清楚 (and other options, in total)."""

    government: int = 0
    residents: int = 0
    unknown: int = 0
    total: int = 0

    @property
    def residents_share(self) -> Decimal | None:
        return _share(self.residents, self.total)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES)


def _avg(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TWO_PLACES)


def _answers(communities: QuerySet, start: date, end: date, purpose: str) -> QuerySet:
    return Answer.objects.filter(
        question__purpose=purpose,
        response__survey__community__in=communities.values("pk"),
        response__submitted_at__date__gte=start,
        response__submitted_at__date__lte=end,
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
        **{
            f"{prefix}question__purpose": purpose,
            f"{prefix}response__submitted_at__date__gte": start,
            f"{prefix}response__submitted_at__date__lte": end,
        }
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
    return {
        c.pk: NatureCounts(
            government=c.n_government, residents=c.n_residents, unknown=c.n_unknown, total=c.n_total
        )
        for c in rows
    }


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
    rows = (
        _nature(communities, start, end)
        .annotate(month=TruncMonth("response__submitted_at"))
        .values("month")
        .annotate(residents=_NATURE_AGGREGATES["residents"], total=Count("pk"))
        .order_by("month")
    )
    return {_month(row["month"]): _share(row["residents"], row["total"]) for row in rows}


def _satisfaction(communities, start, end) -> QuerySet:
    return _answers(communities, start, end, Question.Purpose.SATISFACTION).filter(
        question__kind=Question.Kind.RATING, number__isnull=False
    )


def average_satisfaction(communities, start: date, end: date) -> Decimal | None:
    return _avg(_satisfaction(communities, start, end).aggregate(v=Avg("number"))["v"])


def average_satisfaction_by_community(
    communities, start: date, end: date
) -> dict[int, Decimal | None]:
    path = "surveys__responses__answers__"
    only = _in_period(path, start, end, Question.Purpose.SATISFACTION) & Q(
        **{f"{path}question__kind": Question.Kind.RATING, f"{path}number__isnull": False}
    )
    rows = communities.order_by().annotate(v=Avg(path + "number", filter=only))
    return {c.pk: _avg(c.v) for c in rows}


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
    return {_month(row["month"]): _avg(row["v"]) for row in rows}


def _responses(communities, start, end) -> QuerySet:
    return Response.objects.filter(
        survey__community__in=communities.values("pk"),
        submitted_at__date__gte=start,
        submitted_at__date__lte=end,
    )


def response_count(communities, start: date, end: date) -> int:
    return _responses(communities, start, end).count()


def response_count_by_community(communities, start: date, end: date) -> dict[int, int]:
    path = "surveys__responses__"
    in_period = Q(
        **{f"{path}submitted_at__date__gte": start, f"{path}submitted_at__date__lte": end}
    )
    rows = communities.order_by().annotate(n=Count(path + "pk", filter=in_period))
    return {c.pk: c.n for c in rows}


def _month(value) -> date:
    return value.date() if hasattr(value, "date") else value
