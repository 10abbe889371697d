"""Ready-made questionnaires a survey can start from.

Questions and options carry fixed keys, so every survey started from the same
template can be compared across communities and over time, and the dashboards
find the field report's question by its purpose, never by its wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from surveys.models import Choice, Question


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    key: str


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    kind: str
    key: str
    required: bool = True
    purpose: str = ""
    choices: tuple[ChoiceSpec, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    key: str
    name: object  # a lazy translation
    title: str
    description: str
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


K = Question.Kind

COMMITTEE_NATURE = QuestionSpec(
    "您认为居委会是什么性质的组织？",
    K.SINGLE,
    "committee_nature",
    purpose=Question.Purpose.COMMITTEE_NATURE,
    choices=(
        ChoiceSpec("代表政府的机构", Choice.GOVERNMENT),
        ChoiceSpec("代表居民的自治组织", Choice.RESIDENTS),
        ChoiceSpec("不清楚", Choice.UNKNOWN),
    ),
)

SERVICES = (
    ("safety", "社区治安与安全"),
    ("culture", "文化体育活动"),
    ("health", "卫生健康服务"),
    ("daily_life", "便民生活服务"),
)

QUESTIONNAIRES: dict[str, Questionnaire] = {
    q.key: q
    for q in (
        Questionnaire(
            key="committee_role",
            name=_("What residents think the committee is (the field report's questionnaire)"),
            title="居民对居委会的认识调查",
            description="本问卷匿名填写，约需 2 分钟。感谢您的支持！",
            questions=(
                COMMITTEE_NATURE,
                QuestionSpec(
                    "过去一年，您找居委会办过哪些事？（可多选）",
                    K.MULTIPLE,
                    "committee_errands",
                    required=False,
                    choices=(
                        ChoiceSpec("开具证明", "certificate"),
                        ChoiceSpec("调解纠纷", "mediation"),
                        ChoiceSpec("参加社区活动", "activities"),
                        ChoiceSpec("反映意见建议", "suggestions"),
                        ChoiceSpec("没有找过", "none"),
                    ),
                ),
                QuestionSpec(
                    "您对居委会工作的总体满意度",
                    K.RATING,
                    "overall_satisfaction",
                    purpose=Question.Purpose.SATISFACTION,
                ),
                QuestionSpec("您希望居委会多做些什么？", K.TEXT, "wishes", required=False),
            ),
        ),
        Questionnaire(
            key="four_services",
            name=_("Satisfaction with the four services"),
            title="社区四项服务满意度调查",
            description="请为以下四项服务打分（1 分很不满意，5 分很满意）。",
            questions=tuple(
                QuestionSpec(
                    f"您对“{label}”的满意度",
                    K.RATING,
                    f"satisfaction_{key}",
                    purpose=Question.Purpose.SATISFACTION,
                )
                for key, label in SERVICES
            )
            + (
                QuestionSpec("您家中常住几口人？", K.NUMBER, "household_size", required=False),
                QuestionSpec("其他意见和建议", K.TEXT, "services_comments", required=False),
            ),
        ),
    )
}


def template_choices() -> list[tuple[str, object]]:
    return [("", _("Blank survey"))] + [(q.key, q.name) for q in QUESTIONNAIRES.values()]
