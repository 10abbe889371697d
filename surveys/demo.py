"""Demo surveys: the field report's question in every community, and the four services.

爱国社区 asked 50 residents what the committee is: 35 "代表政府的机构", 10 "代表居民的
自治组织", 5 "不清楚" (shared/DOMAIN.md). The other communities answered differently,
so the street-office comparison has something to show. Each community also runs a
four-services satisfaction survey, still open. Re-running changes nothing: a
community that already has its demo surveys is skipped. Deterministic (seeded).
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from surveys import services
from surveys.models import Answer, Choice, Question, Response, Survey
from surveys.questionnaires import QUESTIONNAIRES

# community code → (government, residents, unknown) answers to the field report's question
NATURE = {
    "XX-01-01": (35, 10, 5),
    "XX-01-02": (22, 19, 9),
    "XX-02-01": (18, 24, 6),
    "XX-02-02": (26, 8, 10),
    "XX-02-03": (30, 21, 9),
    "XX-02-04": (14, 20, 6),
}
# community code → mean satisfaction aimed at for the four services (1–5)
SATISFACTION = {
    "XX-01-01": 2.9,
    "XX-01-02": 3.4,
    "XX-02-01": 3.8,
    "XX-02-02": 3.1,
    "XX-02-03": 3.5,
    "XX-02-04": 4.0,
}
SATISFACTION_RESPONSES = 20
PAPER = 15
WISHES = [
    "希望多组织老年人活动",
    "少一些表格，多来楼里走走",
    "楼道照明需要维修",
    "希望能有便民理发服务",
    "=居委会辛苦了",  # typed text that looks like a formula stays text in Excel
    "停车太难，希望协调",
]


def load(world) -> None:
    today = timezone.localdate()
    clerk = get_user_model().objects.filter(username="aiguo").first()
    marker = QUESTIONNAIRES["committee_role"].title
    for code, community in world.communities.items():
        if Survey.objects.filter(community=community, title=marker).exists():
            continue
        rng = random.Random(f"surveys-{code}")
        _committee_role(community, code, rng, today, clerk if code == "XX-01-01" else None)
        _four_services(community, code, rng, today)


def _aware(day, rng: random.Random) -> datetime:
    moment = datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(0, 600))
    return timezone.make_aware(moment)


def _committee_role(community, code: str, rng: random.Random, today, clerk) -> None:
    """The field report's questionnaire, closed; 爱国社区 typed 15 of its 50 in from paper."""
    survey = services.create_survey(by=None, template_key="committee_role", community=community)
    opens = today - timedelta(days=75)
    Survey.objects.filter(pk=survey.pk).update(
        state=Survey.State.CLOSED, opens=opens, closes=opens + timedelta(days=14)
    )
    questions = {q.key: q for q in survey.questions.prefetch_related("choices")}
    nature = questions["committee_nature"]
    by_key = {c.key: c for c in nature.choices.all()}
    government, residents, unknown = NATURE[code]
    picks = (
        [Choice.GOVERNMENT] * government
        + [Choice.RESIDENTS] * residents
        + [Choice.UNKNOWN] * unknown
    )
    rng.shuffle(picks)
    responses = Response.objects.bulk_create(
        Response(
            survey=survey,
            submitted_at=_aware(opens + timedelta(days=rng.randrange(0, 14)), rng),
            channel=Response.Channel.PAPER if clerk and i < PAPER else Response.Channel.ONLINE,
            entered_by=clerk if clerk and i < PAPER else None,
        )
        for i in range(len(picks))
    )
    errands = list(questions["committee_errands"].choices.all())
    overall = questions["overall_satisfaction"]
    wishes = questions["wishes"]
    answers = []
    for response, pick in zip(responses, picks, strict=True):
        answers.append(Answer(response=response, question=nature, choice=by_key[pick]))
        for choice in rng.sample(errands, rng.randint(1, 3)):
            answers.append(Answer(response=response, question=errands[0].question, choice=choice))
        answers.append(
            Answer(response=response, question=overall, number=Decimal(_rating(rng, 3.0)))
        )
        if rng.random() < 0.3:
            answers.append(Answer(response=response, question=wishes, text=rng.choice(WISHES)))
    Answer.objects.bulk_create(answers)


def _four_services(community, code: str, rng: random.Random, today) -> None:
    """The four-services satisfaction survey, open, with 20 answers so far."""
    survey = services.create_survey(by=None, template_key="four_services", community=community)
    opens = today - timedelta(days=10)
    Survey.objects.filter(pk=survey.pk).update(state=Survey.State.OPEN, opens=opens)
    questions = list(survey.questions.all())
    ratings = [q for q in questions if q.kind == Question.Kind.RATING]
    size = next(q for q in questions if q.kind == Question.Kind.NUMBER)
    responses = Response.objects.bulk_create(
        Response(
            survey=survey,
            submitted_at=_aware(opens + timedelta(days=rng.randrange(0, 10)), rng),
            channel=Response.Channel.ONLINE,
        )
        for _ in range(SATISFACTION_RESPONSES)
    )
    answers = []
    for response in responses:
        for question in ratings:
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    number=Decimal(_rating(rng, SATISFACTION[code])),
                )
            )
        answers.append(Answer(response=response, question=size, number=Decimal(rng.randint(1, 5))))
    Answer.objects.bulk_create(answers)


def _rating(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 1.0))))
