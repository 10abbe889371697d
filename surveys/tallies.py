"""The survey tallies (``Tally``): answers per question, option and day, kept with every answer.

A community's dashboards read what residents said from its latest survey (surveys/metrics.py);
counting every answer of 2,000 communities' surveys on each page view took seconds, so the
counts are kept per question × option × day (a rating's stars added up in ``total``):

- ``add(survey, submitted_at, answers)``: a questionnaire's answers counted into their rows
  with one upsert statement, inside ``submit_response``'s transaction (the public form's
  hot path: no read, no other round trip);
- any other change of answers (an answer or a response edited or deleted, a survey
  deleted, the admin, a test's factory) marks its community-month through
  committee/rollups.py, and the dashboards' rollup refresh calls ``replace`` for it, in the
  same transaction: the rows of those communities and days are counted again from the
  answers (``compute``);
- ``manage.py rollups rebuild`` rebuilds them with the other rollups, ``rollups check``
  compares ``stored`` with ``compute``.

Only answers a dashboard reads are tallied: picked options, and ratings (1–5), of a
community's own survey. A street office's survey has no community and no tally.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from surveys.models import Answer, Question, Response, Survey, Tally

Key = tuple[int, int, date]  # (question id, option id or 0, day)
Row = tuple[int, int | None, int, int]  # (survey id, option id, answers, stars)


def _counted(answer: Answer) -> bool:
    if answer.choice_id is not None:
        return True
    return answer.number is not None and answer.question.kind == Question.Kind.RATING


def grouped(survey: Survey, answers: Iterable[Answer]) -> dict[tuple[int, int], list]:
    """A questionnaire's answers as tally rows: {(question id, slot): [option id, answers,
    stars]}; nothing for a street office's survey."""
    rows: dict[tuple[int, int], list] = {}
    if survey.community_id is None:
        return rows
    for answer in answers:
        if not _counted(answer):
            continue
        slot = answer.choice_id or 0
        row = rows.setdefault((answer.question_id, slot), [answer.choice_id, 0, 0])
        row[1] += 1
        row[2] += 0 if answer.choice_id else int(answer.number)
    return rows


# How a tally row is written: counts added to the row of the same question, slot and day
# (here and in surveys/saving.py's one-statement public save).
COLUMNS = "(survey_id, question_id, choice_id, slot, day, answers, total)"


def on_conflict_add(table: str) -> str:
    """The upsert's clause adding new counts to a quoted ``table``'s existing row."""
    return (
        " ON CONFLICT (question_id, slot, day) DO UPDATE SET"
        f" answers = {table}.answers + excluded.answers,"
        f" total = {table}.total + excluded.total"
    )


def add(survey: Survey, submitted_at: datetime, answers: Iterable[Answer]) -> None:
    """Count one questionnaire's answers into the tallies: one statement, no read."""
    rows = grouped(survey, answers)
    if not rows:
        return
    day = timezone.localdate(submitted_at)
    table = connection.ops.quote_name(Tally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list = []
    for (question_id, slot), (choice_id, n, stars) in rows.items():
        params += [survey.pk, question_id, choice_id, slot, day.isoformat(), n, stars]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} {COLUMNS} VALUES {values}{on_conflict_add(table)}",
            params,
        )


def _from(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def compute(community_ids: Iterable[int], start: date, end: date) -> dict[Key, Row]:
    """The tallies of these communities' surveys for days [start, end], from the answers."""
    answers = Answer.objects.filter(
        Q(choice__isnull=False) | Q(question__kind=Question.Kind.RATING, number__isnull=False),
        response__survey__community__in=list(community_ids),
        response__submitted_at__gte=_from(start),
        response__submitted_at__lt=_from(end + timedelta(days=1)),
    )
    rows = (
        answers.annotate(day=TruncDate("response__submitted_at"))
        .values("response__survey_id", "question_id", "choice_id", "day")
        .annotate(n=Count("pk"), stars=Sum("number"))
        .order_by()
        .values_list("response__survey_id", "question_id", "choice_id", "day", "n", "stars")
    )
    return {
        (question, choice or 0, day): (survey, choice, n, 0 if choice else int(stars or 0))
        for survey, question, choice, day, n, stars in rows
    }


def _rows(community_ids: Iterable[int], start: date, end: date):
    return Tally.objects.filter(survey__community__in=list(community_ids), day__range=(start, end))


def stored(community_ids: Iterable[int], start: date, end: date) -> dict[Key, Row]:
    rows = _rows(community_ids, start, end).values_list(
        "survey_id", "question_id", "choice_id", "slot", "day", "answers", "total"
    )
    return {(q, slot, day): (s, c, n, t) for s, q, c, slot, day, n, t in rows}


def replace(community_ids: Iterable[int], start: date, end: date) -> None:
    """Count the tallies of these communities for days [start, end] again."""
    ids = list(community_ids)
    counted = compute(ids, start, end)
    _rows(ids, start, end).delete()
    Tally.objects.bulk_create(
        (
            Tally(survey_id=s, question_id=q, choice_id=c, slot=slot, day=day, answers=n, total=t)
            for (q, slot, day), (s, c, n, t) in counted.items()
        ),
        batch_size=500,
    )


def span(community_id: int) -> list[date]:
    """The first and last day a community's survey was answered or tallied (or nothing)."""
    days = []
    row = Response.objects.filter(survey__community=community_id).aggregate(
        lo=Min("submitted_at"), hi=Max("submitted_at")
    )
    if row["lo"] is not None:
        days += [timezone.localdate(row["lo"]), timezone.localdate(row["hi"])]
    row = Tally.objects.filter(survey__community=community_id).aggregate(
        lo=Min("day"), hi=Max("day")
    )
    if row["lo"] is not None:
        days += [row["lo"], row["hi"]]
    return days


def month_of(answer_or_response) -> tuple[int | None, date | None]:
    """The community and day an answer or a response counts in (for the rollup marks)."""
    response_id = getattr(answer_or_response, "response_id", None)
    if response_id is None:
        response = answer_or_response
        community = Survey.objects.filter(pk=response.survey_id).values_list("community_id")
        row = (community.first() or (None,))[0], response.submitted_at
    else:
        found = Response.objects.filter(pk=response_id)
        row = found.values_list("survey__community_id", "submitted_at").first() or (None, None)
    community_id, at = row
    return community_id, (timezone.localdate(at) if at else None)
