"""The builder's rules, copies, templates, codes, and all-or-nothing submissions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from surveys import services
from surveys.models import Answer, Choice, Question, Response, Survey
from tests.surveys.factories import SurveyFactory, answer, every_kind_survey, parts, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return SurveyFactory(community=world.community_a, state=Survey.State.DRAFT, opens=None)


class TestBuilder:
    def test_it_adds_edits_reorders_and_removes_questions_of_a_draft(self, draft):
        first = services.save_question(survey=draft, text="几口人？", kind=Question.Kind.NUMBER)
        second = services.save_question(
            survey=draft, text="喜欢吗？", kind=Question.Kind.SINGLE, choices=["喜欢", "不喜欢"]
        )
        services.save_question(
            survey=draft,
            question=second,
            text="喜欢吗？",
            kind=Question.Kind.SINGLE,
            choices=["喜欢", "一般", "不喜欢"],
        )
        kept_key = Choice.objects.get(question=second, text="喜欢").key
        services.move_question(question=second, up=True)
        assert [q.text for q in draft.questions.all()] == ["喜欢吗？", "几口人？"]
        assert [c.text for c in second.choices.all()] == ["喜欢", "一般", "不喜欢"]
        assert Choice.objects.get(question=second, text="喜欢").key == kept_key
        services.remove_question(question=first)
        assert list(draft.questions.all()) == [second]

    def test_it_asks_for_two_options_on_a_choice_question(self, draft):
        with pytest.raises(ValidationError) as error:
            services.save_question(
                survey=draft, text="?", kind=Question.Kind.SINGLE, choices=["一"]
            )
        assert "choices" in error.value.message_dict
        assert not draft.questions.exists()

    def test_it_refuses_to_change_questions_once_there_are_responses(self, world):
        survey = every_kind_survey(community=world.community_a)
        answer(survey)
        single = parts(survey)[0]
        for change in (
            lambda: services.remove_question(question=single),
            lambda: services.save_question(survey=survey, text="新", kind=Question.Kind.TEXT),
            lambda: services.save_question(
                survey=survey, question=single, text="改", kind=Question.Kind.TEXT
            ),
            lambda: services.move_question(question=single, up=False),
        ):
            with pytest.raises(ValidationError, match="已有答卷"):
                change()
        single.refresh_from_db()
        assert (single.text, single.kind, single.order) == ("单选", "single", single.order)
        assert survey.questions.count() == 5

    def test_it_says_why_a_builder_page_cannot_save(self, as_user, staff_a, world):
        survey = every_kind_survey(community=world.community_a)
        answer(survey)
        single = parts(survey)[0]
        client = as_user(staff_a)
        page = client.get(f"/surveys/{survey.pk}/questions/{single.pk}/")
        assert "该问卷已有答卷" in page.content.decode()
        client.post(f"/surveys/{survey.pk}/questions/{single.pk}/", {"text": "改", "kind": "text"})
        single.refresh_from_db()
        assert single.text == "单选"


class TestLifecycle:
    def test_it_opens_a_draft_with_questions_and_closes_it(self, draft):
        with pytest.raises(ValidationError, match="至少一道题目"):
            services.open_survey(survey=draft)
        question(draft, Question.Kind.TEXT)
        services.open_survey(survey=draft)
        draft.refresh_from_db()
        assert draft.state == Survey.State.OPEN and draft.opens is not None
        services.close_survey(survey=draft)
        draft.refresh_from_db()
        assert draft.state == Survey.State.CLOSED
        assert draft.accepting_reason() is not None

    def test_it_copies_a_survey_as_a_draft_keeping_question_and_option_keys(self, world):
        survey = services.create_survey(
            by=None, template_key="committee_role", community=world.community_a
        )
        copy = services.copy_survey(survey=survey, by=None)
        assert copy.state == Survey.State.DRAFT and copy.copied_from == survey
        original = [(q.key, q.kind, q.purpose) for q in survey.questions.all()]
        assert [(q.key, q.kind, q.purpose) for q in copy.questions.all()] == original
        keys = {c.key for c in Choice.objects.filter(question__survey=copy)}
        assert {Choice.GOVERNMENT, Choice.RESIDENTS, Choice.UNKNOWN} <= keys

    def test_it_starts_from_the_field_reports_questionnaire(self, world):
        survey = services.create_survey(
            by=None, template_key="committee_role", community=world.community_a
        )
        nature = survey.questions.get(purpose=Question.Purpose.COMMITTEE_NATURE)
        assert nature.text == "您认为居委会是什么性质的组织？"
        assert [c.text for c in nature.choices.all()] == [
            "代表政府的机构",
            "代表居民的自治组织",
            "不清楚",
        ]
        four = services.create_survey(
            by=None, template_key="four_services", community=world.community_a
        )
        assert four.questions.filter(purpose=Question.Purpose.SATISFACTION).count() == 4

    def test_it_generates_unique_printable_codes_in_bulk(self, draft):
        codes = services.generate_codes(survey=draft, count=200)
        values = [c.code for c in codes]
        assert len(set(values)) == 200 == draft.codes.count()
        assert all(len(v) == 8 and not set(v) & set("0O1IL") for v in values)
        draft.refresh_from_db()
        assert draft.access == Survey.Access.CODES
        with pytest.raises(ValidationError):
            services.generate_codes(survey=draft, count=0)


class TestSubmission:
    def test_it_saves_nothing_when_a_submission_fails_half_way(self, world):
        survey = every_kind_survey(community=world.community_a)
        s, m, r, n, t = parts(survey)
        with pytest.raises(ValidationError, match="1 至 5"):
            services.submit_response(
                survey=survey,
                answers={s: s.choices.first(), m: list(m.choices.all()), t: "好", r: 9},
            )
        assert Response.objects.count() == 0 and Answer.objects.count() == 0

    def test_it_rolls_the_response_back_when_saving_its_answers_fails(self, world, monkeypatch):
        survey = every_kind_survey(community=world.community_a)

        def broken(*args, **kwargs):
            raise IntegrityError("disk full")

        monkeypatch.setattr(Answer.objects, "bulk_create", broken)
        with pytest.raises(IntegrityError):
            answer(survey, multiple=(0, 1), text="好")
        assert Response.objects.count() == 0

    def test_it_enforces_required_questions_on_the_server(self, world):
        survey = every_kind_survey(community=world.community_a)
        s, m, r, n, t = parts(survey)
        with pytest.raises(ValidationError, match="打分"):
            services.submit_response(survey=survey, answers={s: s.choices.first()})
        assert Response.objects.count() == 0

    def test_it_refuses_an_option_of_another_question(self, world):
        survey = every_kind_survey(community=world.community_a)
        s, m, r, n, t = parts(survey)
        with pytest.raises(ValidationError):
            services.submit_response(survey=survey, answers={s: m.choices.first(), r: 3})
        assert Answer.objects.count() == 0

    def test_it_stores_one_row_per_option_picked(self, world):
        survey = every_kind_survey(community=world.community_a)
        response = answer(survey, multiple=(0, 2), number="3.5", text="好")
        m = parts(survey)[1]
        assert response.answers.filter(question=m).count() == 2
        assert response.answers.get(question=parts(survey)[3]).number == Decimal("3.50")

    def test_it_takes_paper_questionnaires_after_closing_but_not_online_answers(
        self, world, staff_a
    ):
        survey = every_kind_survey(community=world.community_a, state=Survey.State.CLOSED)
        with pytest.raises(ValidationError, match="问卷已结束"):
            answer(survey)
        response = answer(survey, channel=Response.Channel.PAPER, entered_by=staff_a)
        assert response.channel == "paper" and response.entered_by == staff_a

    def test_it_refuses_a_used_or_foreign_invitation_code(self, world):
        survey = every_kind_survey(community=world.community_a)
        code = services.generate_codes(survey=survey, count=1)[0]
        with pytest.raises(ValidationError, match="邀请码"):
            answer(survey)
        answer(survey, invitation=code)
        with pytest.raises(ValidationError, match="已使用"):
            answer(survey, invitation=code)
        other = every_kind_survey(community=world.community_a)
        with pytest.raises(ValidationError, match="不属于本问卷"):
            answer(other, invitation=code)
        assert Response.objects.count() == 1


def test_it_counts_attempts_per_address_in_the_database(db, settings):
    settings.SURVEY_RATE_LIMIT = 3
    assert [services.allow_submission(address="10.0.0.1") for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert services.allow_submission(address="10.0.0.2")
