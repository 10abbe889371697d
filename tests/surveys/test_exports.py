"""Excel exports: one row per response, one 0/1 column per multiple-choice option."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import services
from surveys.exports import responses_workbook
from surveys.models import Question, Response
from tests.scoping import covers
from tests.surveys.factories import SurveyFactory, answer, every_kind_survey, question

pytestmark = pytest.mark.django_db


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@covers("surveys:export_responses", "surveys:export_summary")
class TestExports:
    @pytest.fixture
    def survey(self, world, staff_a):
        survey = every_kind_survey(community=world.community_a)
        answer(survey, single=0, multiple=(0, 2), rating=5, number="2", text="=HYPERLINK(1)")
        answer(survey, single=1, multiple=(), rating=3, text="+86 123")
        answer(
            survey,
            single=2,
            multiple=(1,),
            rating=1,
            number="4.5",
            channel=Response.Channel.PAPER,
            entered_by=staff_a,
        )
        return survey

    def test_it_exports_one_row_per_response_with_0_1_columns_per_option(
        self, as_user, staff_a, survey
    ):
        response = as_user(staff_a).get(reverse("surveys:export_responses", args=[survey.pk]))
        ws = workbook(response).active
        rows = list(ws.iter_rows(values_only=True))
        header = rows[0]
        assert header[5:] == (
            "Q1 单选",
            "Q2 多选 · 甲",
            "Q2 多选 · 乙",
            "Q2 多选 · 丙",
            "Q3 打分",
            "Q4 人数",
            "Q5 意见",
        )
        assert len(rows) == 4
        assert rows[1][5:] == ("甲", 1, 0, 1, 5, 2, "=HYPERLINK(1)")
        assert rows[2][5:] == ("乙", 0, 0, 0, 3, None, "+86 123")
        assert rows[3][5:] == ("丙", 0, 1, 0, 1, 4.5, None)
        assert rows[3][2] == "纸质" and rows[3][3] == "staff_a"

    def test_it_keeps_typed_formulas_as_text(self, as_user, staff_a, survey):
        response = as_user(staff_a).get(reverse("surveys:export_responses", args=[survey.pk]))
        cell = workbook(response).active.cell(row=2, column=12)
        assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"

    def test_it_exports_the_results_summary(self, as_user, official_a, survey):
        response = as_user(official_a).get(reverse("surveys:export_summary", args=[survey.pk]))
        rows = list(workbook(response).active.iter_rows(values_only=True))
        assert rows[1] == ("答卷数", None, 3)
        assert ("甲", 1, pytest.approx(1 / 3, abs=0.001)) in rows
        assert ("平均", None, 3) in rows

    def test_it_refuses_out_of_scope_exports(self, as_user, staff_b, client, survey):
        for name in ("surveys:export_responses", "surveys:export_summary"):
            url = reverse(name, args=[survey.pk])
            assert as_user(staff_b).get(url).status_code == 404
            assert client.get(url).status_code == 302


def test_it_exports_several_questions_of_each_kind_side_by_side(world):
    survey = SurveyFactory(community=world.community_a)
    made = []
    for round_ in (1, 2):
        for kind in Question.Kind.values:
            options = ("是", "否") if kind in ("single", "multiple") else ()
            made.append(question(survey, kind, *options, text=f"{kind}{round_}", required=False))
    for i in range(3):
        answers = {}
        for q in made:
            choices = list(q.choices.all())
            answers[q] = {
                "single": choices[i % 2] if choices else None,
                "multiple": choices[: i % 3],
                "rating": 1 + i,
                "number": i * 10,
                "text": f"{q.text}-{i}",
            }[q.kind]
        services.submit_response(survey=survey, answers=answers)
    ws = load_workbook(responses_workbook(survey, survey.responses.all())).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 4 and len(rows[0]) == 5 + 2 * (1 + 2 + 1 + 1 + 1)
    header = rows[0]
    for i, row in enumerate(rows[1:]):
        cells = dict(zip(header, row, strict=True))
        for round_ in (1, 2):
            base = (round_ - 1) * 5
            assert cells[f"Q{base + 1} single{round_}"] == ("是", "否")[i % 2]
            assert cells[f"Q{base + 2} multiple{round_} · 是"] == (1 if i % 3 >= 1 else 0)
            assert cells[f"Q{base + 2} multiple{round_} · 否"] == (1 if i % 3 >= 2 else 0)
            assert cells[f"Q{base + 3} rating{round_}"] == 1 + i
            assert cells[f"Q{base + 4} number{round_}"] == i * 10
            assert cells[f"Q{base + 5} text{round_}"] == f"text{round_}-{i}"
