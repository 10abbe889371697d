"""Factories and small builders for survey tests."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from surveys import services
from surveys.models import Choice, Question, Response, Survey
from tests.factories import CommunityFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"问卷{n}")
    state = Survey.State.OPEN
    opens = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"问题{n}")
    kind = Question.Kind.SINGLE


def question(survey, kind, *options, required=True, text=None, **kwargs) -> Question:
    q = QuestionFactory(
        survey=survey, kind=kind, required=required, text=text or f"{kind}?", **kwargs
    )
    for order, label in enumerate(options, start=1):
        Choice.objects.create(question=q, order=order, text=label, key=f"k{order}")
    return q


def every_kind_survey(**kwargs) -> Survey:
    """An open survey with one question of each kind (choices 甲 乙 丙)."""
    survey = SurveyFactory(**kwargs)
    question(survey, Question.Kind.SINGLE, "甲", "乙", "丙", text="单选")
    question(survey, Question.Kind.MULTIPLE, "甲", "乙", "丙", text="多选", required=False)
    question(survey, Question.Kind.RATING, text="打分")
    question(survey, Question.Kind.NUMBER, text="人数", required=False)
    question(survey, Question.Kind.TEXT, text="意见", required=False)
    return survey


def parts(survey):
    """single, multiple, rating, number, text questions of an every_kind_survey."""
    by_kind = {q.kind: q for q in survey.questions.prefetch_related("choices")}
    return [by_kind[k] for k in ("single", "multiple", "rating", "number", "text")]


def answer(survey, single=0, multiple=(), rating=3, number=None, text="", **kwargs) -> Response:
    """Submit one response to an every_kind_survey; options given by index."""
    s, m, r, n, t = parts(survey)
    s_choices, m_choices = list(s.choices.all()), list(m.choices.all())
    return services.submit_response(
        survey=survey,
        answers={
            s: s_choices[single],
            m: [m_choices[i] for i in multiple],
            r: rating,
            n: None if number is None else Decimal(number),
            t: text,
        },
        **kwargs,
    )
