"""Each community's survey figures as of a page's last day, kept per community with its
rollup rows (``dashboards/community_facts.py``, the street-office page).

A group's survey figures add its communities' up: each community's latest survey (for
what the committee is, and for satisfaction), that survey's answers per option and its
stars, and the answers per month of the trend. ``read`` takes them for some communities
in four queries; the stand-ins below (registered with the rollup stand-ins,
``rollup_metrics.INSTEAD``) add them up inside ``community_facts.using``, and call the
live metric anywhere else. tests/dashboards/test_community_facts.py holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from committee import rollups as hook
from committee.models import Community
from committee.numbers import round_half_up, share
from committee.periods import months_between
from dashboards import community_facts
from surveys import metrics as surveys_metrics
from surveys.metrics import LatestSurveys, NatureCounts, SurveyRef
from surveys.models import Choice, Question, Tally

NATURE, SATISFACTION = Question.Purpose.COMMITTEE_NATURE, Question.Purpose.SATISFACTION


@dataclass
class SurveyFacts:
    """One community's survey figures as of ``end`` (module docstring)."""

    end: date
    nature_ref: SurveyRef | None = None
    satisfaction_ref: SurveyRef | None = None
    nature: NatureCounts = field(default_factory=NatureCounts)
    answers: int = 0  # to its latest satisfaction survey's rating questions
    stars: int = 0
    months: dict[date, tuple[int, int]] = field(default_factory=dict)  # (represented, all)


def read(ids: list[int], start: date, end: date) -> dict[int, SurveyFacts]:
    """The survey facts of these communities as of ``end``, the trend's months from
    ``start`` (four queries)."""
    found = {pk: SurveyFacts(end) for pk in ids}
    if not ids:
        return found
    group = Community.objects.filter(pk__in=sorted(ids))
    hook.know_ids(group, ids)  # known: no query for them
    for ref in surveys_metrics._refs(group, end, NATURE):
        found[ref.community_id].nature_ref = ref
    rated = surveys_metrics._refs(group, end, SATISFACTION)
    for ref in rated:
        found[ref.community_id].satisfaction_ref = ref
    counts = surveys_metrics.latest_committee_nature_counts_by_community(group, start, end)
    for pk, nature in counts.items():
        found[pk].nature = nature
    stars = (
        Tally.objects.filter(
            surveys_metrics._read(SATISFACTION, end, tallied=True),
            survey_id__in=[ref.pk for ref in rated],
        )
        .values("survey__community_id")
        .annotate(n=Sum("answers"), stars=Sum("total"))
        .order_by()
        .values_list("survey__community_id", "n", "stars")
    )
    for pk, n, total in stars:
        found[pk].answers, found[pk].stars = n or 0, total or 0
    months = (
        Tally.objects.filter(
            surveys_metrics._read(NATURE, end, tallied=True),
            survey__community__in=sorted(ids),
            day__gte=start,
        )
        .annotate(month=TruncMonth("day"))
        .values("survey__community_id", "month")
        .annotate(r=Sum("answers", filter=Q(choice__key=Choice.RESIDENTS)), t=Sum("answers"))
        .order_by()
        .values_list("survey__community_id", "month", "r", "t")
    )
    for pk, month, r, t in months:
        found[pk].months[surveys_metrics._month(month)] = (r or 0, t or 0)
    return found


def _kept(communities: QuerySet, start: date, end: date) -> list[SurveyFacts] | None:
    """The communities' survey facts as of ``end``, in order of id, if all are kept."""
    facts = community_facts.facts_for(communities, start, end)
    if facts is None:
        return None
    found = [facts[pk].surveys for pk in sorted(facts)]
    if any(one is None or one.end != end for one in found):
        return None
    return found


def latest_committee_nature_counts(communities, start: date, end: date) -> NatureCounts:
    kept = _kept(communities, start, end)
    if kept is None:
        return surveys_metrics.latest_committee_nature_counts(communities, start, end)
    return NatureCounts(
        government=sum(one.nature.government for one in kept),
        residents=sum(one.nature.residents for one in kept),
        unknown=sum(one.nature.unknown for one in kept),
        total=sum(one.nature.total for one in kept),
    )


def latest_committee_nature_counts_by_community(communities, start, end) -> dict:
    facts = community_facts.facts_for(communities, start, end)
    if facts is None or _kept(communities, start, end) is None:
        return surveys_metrics.latest_committee_nature_counts_by_community(communities, start, end)
    return {pk: one.surveys.nature for pk, one in facts.items()}


def latest_average_satisfaction(communities, start: date, end: date) -> Decimal | None:
    kept = _kept(communities, start, end)
    if kept is None:
        return surveys_metrics.latest_average_satisfaction(communities, start, end)
    answers = sum(one.answers for one in kept)
    if not answers:
        return None
    return round_half_up(Decimal(sum(one.stars for one in kept)) / Decimal(answers))


def latest_surveys(communities, start: date, end: date) -> LatestSurveys:
    kept = _kept(communities, start, end)
    if kept is None:
        return surveys_metrics.latest_surveys(communities, start, end)
    return LatestSurveys(
        nature=[one.nature_ref for one in kept if one.nature_ref],
        satisfaction=[one.satisfaction_ref for one in kept if one.satisfaction_ref],
    )


def representing_share_by_month(communities, start: date, end: date) -> dict:
    kept = _kept(communities, start, end)
    if kept is None:
        return surveys_metrics.representing_share_by_month(communities, start, end)
    found: dict[date, list[int]] = {}
    for one in kept:
        for month, (r, t) in one.months.items():
            if start <= month <= end:
                total = found.setdefault(month, [0, 0])
                total[0] += r
                total[1] += t
    return {
        m: share(found[m][0], found[m][1])
        for m in months_between(start, end)
        if m in found and found[m][1]
    }


INSTEAD = {
    surveys_metrics.latest_committee_nature_counts: latest_committee_nature_counts,
    surveys_metrics.latest_committee_nature_counts_by_community: (
        latest_committee_nature_counts_by_community
    ),
    surveys_metrics.latest_average_satisfaction: latest_average_satisfaction,
    surveys_metrics.latest_surveys: latest_surveys,
    surveys_metrics.representing_share_by_month: representing_share_by_month,
}
