"""Live results of one survey, and one question compared across surveys.

Counted in the database with a fixed number of queries, whatever the number of
responses. A multiple-choice answer counts once for each option picked, so its
percentages (of the people who answered the question) may add up to more than 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext as _

from committee.charts import bar_chart
from committee.numbers import round_half_up, share
from surveys.models import Answer, Choice, Question, Response, Survey

PCT = Decimal("0.1")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent to one place (an option's bar), half up."""
    return share(100 * part, whole, PCT)


@dataclass
class OptionCount:
    label: str
    count: int
    percent: Decimal | None


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionCount] = field(default_factory=list)
    average: Decimal | None = None
    texts: list[str] = field(default_factory=list)
    chart: str = ""


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    online: int
    paper: int
    questions: list[QuestionResult]


def filtered_responses(
    survey: Survey, channel: str = "", start: date | None = None, end: date | None = None
) -> QuerySet:
    responses = Response.objects.filter(survey=survey)
    if channel:
        responses = responses.filter(channel=channel)
    if start:
        responses = responses.filter(submitted_at__date__gte=start)
    if end:
        responses = responses.filter(submitted_at__date__lte=end)
    return responses


def survey_results(
    survey: Survey,
    *,
    channel: str = "",
    start: date | None = None,
    end: date | None = None,
    charts: bool = True,
) -> SurveyResults:
    """Per question: per-option counts and percentages, averages, free texts (6 queries)."""
    responses = filtered_responses(survey, channel, start, end)
    totals = responses.aggregate(
        n=Count("pk"),
        online=Count("pk", filter=Q(channel=Response.Channel.ONLINE)),
        paper=Count("pk", filter=Q(channel=Response.Channel.PAPER)),
    )
    questions = list(survey.questions.prefetch_related("choices"))
    answers = Answer.objects.filter(response__in=responses.values("pk"))
    answered = dict(
        answers.values_list("question").annotate(n=Count("response", distinct=True)).order_by()
    )
    per_choice = dict(
        answers.filter(choice__isnull=False)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    numeric = {
        row["question"]: row
        for row in answers.filter(number__isnull=False)
        .values("question")
        .annotate(avg=Avg("number"), n=Count("pk"))
        .order_by()
    }
    per_rating = {
        (q, int(v)): n
        for q, v, n in answers.filter(question__kind=Question.Kind.RATING, number__isnull=False)
        .values_list("question", "number")
        .annotate(n=Count("pk"))
        .order_by()
    }
    texts: dict[int, list[str]] = {}
    for question_id, text in (
        answers.exclude(text="")
        .order_by("response__submitted_at", "pk")
        .values_list("question", "text")
    ):
        texts.setdefault(question_id, []).append(text)

    results = []
    for question in questions:
        result = QuestionResult(question=question, answered=answered.get(question.pk, 0))
        if question.has_choices:
            result.options = [
                OptionCount(
                    c.text,
                    per_choice.get(c.pk, 0),
                    percent(per_choice.get(c.pk, 0), result.answered),
                )
                for c in question.choices.all()
            ]
        elif question.kind == Question.Kind.RATING:
            result.options = [
                OptionCount(
                    str(n),
                    per_rating.get((question.pk, n), 0),
                    percent(per_rating.get((question.pk, n), 0), result.answered),
                )
                for n in range(1, 6)
            ]
        if question.pk in numeric:
            result.average = round_half_up(numeric[question.pk]["avg"])
        result.texts = texts.get(question.pk, [])
        if charts and result.options:
            result.chart = bar_chart(
                question.text,
                [o.label for o in result.options],
                [(_("answers"), [o.count for o in result.options])],
                horizontal=question.has_choices,
                width=640,
                height=max(220, 60 + 44 * len(result.options)) if question.has_choices else 280,
            )
        results.append(result)
    return SurveyResults(
        survey=survey,
        responses=totals["n"],
        online=totals["online"],
        paper=totals["paper"],
        questions=results,
    )


@dataclass
class ComparisonRow:
    survey: Survey
    answered: int
    counts: list[int]
    percents: list[Decimal | None]
    average: Decimal | None

    @property
    def cells(self) -> list[tuple[int, Decimal | None]]:
        return list(zip(self.counts, self.percents, strict=True))


@dataclass
class Comparison:
    key: str
    text: str
    kind: str
    labels: list[str]
    rows: list[ComparisonRow]
    chart: str = ""


def compare_question(surveys: QuerySet, key: str) -> Comparison | None:
    """One question (by its key, kept through copies) across surveys: communities and time.

    Rows are surveys in date order; options are matched by their keys. Four queries.
    """
    questions = list(
        Question.objects.filter(survey__in=surveys.values("pk"), key=key)
        .select_related("survey__community", "survey__street_office")
        .order_by("survey__opens", "survey__created_at", "survey__pk")
    )
    if not questions:
        return None
    first = questions[-1]
    choices = list(
        Choice.objects.filter(question__in=[q.pk for q in questions]).order_by("order", "pk")
    )
    labels: dict[str, str] = {}
    for choice in choices:
        labels.setdefault(choice.key, choice.text)
    answers = Answer.objects.filter(question__in=[q.pk for q in questions])
    counts = {
        (q, k): n
        for q, k, n in answers.filter(choice__isnull=False)
        .values_list("question", "choice__key")
        .annotate(n=Count("pk"))
        .order_by()
    }
    stats = {
        row["question"]: row
        for row in answers.values("question")
        .annotate(answered=Count("response", distinct=True), avg=Avg("number"))
        .order_by()
    }
    rows = []
    for q in questions:
        answered = stats.get(q.pk, {}).get("answered", 0)
        avg = stats.get(q.pk, {}).get("avg")
        row_counts = [counts.get((q.pk, k), 0) for k in labels]
        rows.append(
            ComparisonRow(
                survey=q.survey,
                answered=answered,
                counts=row_counts,
                percents=[percent(n, answered) for n in row_counts],
                average=round_half_up(avg),
            )
        )
    comparison = Comparison(
        key=key, text=first.text, kind=first.kind, labels=list(labels.values()), rows=rows
    )
    names = [f"{r.survey.owner} · {r.survey.opens or r.survey.created_at.date()}" for r in rows]
    if labels:
        comparison.chart = bar_chart(
            first.text,
            names,
            [
                (label, [r.percents[i] or 0 for r in rows])
                for i, label in enumerate(comparison.labels)
            ],
            stacked=True,
            horizontal=True,
            formatter=lambda v: f"{v:.0f}%",
            width=720,
            height=max(260, 90 + 48 * len(rows)),
        )
    elif any(r.average is not None for r in rows):
        comparison.chart = bar_chart(
            first.text,
            names,
            [(_("average"), [r.average for r in rows])],
            horizontal=True,
            width=720,
            height=max(260, 90 + 48 * len(rows)),
        )
    return comparison
