"""Live results: per-option counts, averages, texts, filters, a fixed number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response
from surveys.results import survey_results
from tests.scoping import covers
from tests.surveys.factories import answer, every_kind_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    return every_kind_survey(community=world.community_a)


def by_label(result):
    return {o.label: (o.count, o.percent) for o in result.options}


class TestCounts:
    def test_it_counts_each_option_of_a_multiple_choice_answer_once(self, survey):
        answer(survey, multiple=(0, 1))
        answer(survey, multiple=(0,))
        answer(survey, multiple=(1, 2))
        answer(survey)  # skipped the optional multiple-choice question
        multiple = survey_results(survey).questions[1]
        assert multiple.answered == 3
        assert by_label(multiple) == {
            "甲": (2, Decimal("66.7")),
            "乙": (2, Decimal("66.7")),
            "丙": (1, Decimal("33.3")),
        }

    def test_it_counts_single_choices_and_averages_ratings_and_numbers(self, survey):
        answer(survey, single=0, rating=5, number="2", text="好")
        answer(survey, single=0, rating=2, number="5", text="=1+1")
        answer(survey, single=2, rating=4)
        single, _, rating, number, text = survey_results(survey).questions
        assert by_label(single) == {
            "甲": (2, Decimal("66.7")),
            "乙": (0, Decimal("0.0")),
            "丙": (1, Decimal("33.3")),
        }
        assert rating.average == Decimal("3.67")
        assert by_label(rating)["5"] == (1, Decimal("33.3"))
        assert number.average == Decimal("3.50") and number.answered == 2
        assert text.texts == ["好", "=1+1"]
        assert "<svg" in single.chart and "甲" in single.chart

    def test_it_filters_by_channel_and_date(self, survey, staff_a):
        answer(survey)
        paper = answer(survey, channel=Response.Channel.PAPER, entered_by=staff_a)
        Response.objects.filter(pk=paper.pk).update(
            submitted_at=timezone.now() - timedelta(days=10)
        )
        assert survey_results(survey, channel="paper").responses == 1
        assert survey_results(survey, channel="online").responses == 1
        recent = survey_results(survey, start=timezone.localdate() - timedelta(days=2))
        assert (recent.responses, recent.online, recent.paper) == (1, 1, 0)
        assert recent.questions[0].answered == 1


@covers("surveys:survey_results")
class TestResultsPage:
    def test_it_shows_a_new_response_at_once_with_numbers_in_a_table(
        self, as_user, staff_a, survey
    ):
        client = as_user(staff_a)
        url = reverse("surveys:survey_results", args=[survey.pk])
        assert '<dd id="response-total">0</dd>' in client.get(url).content.decode()
        answer(survey, single=1)
        html = client.get(url).content.decode()
        assert '<dd id="response-total">1</dd>' in html
        assert '<td>乙</td><td class="num">1</td><td class="num">100.0 %</td>' in html
        assert "<svg" in html
        single = survey.questions.get(kind="single")
        assert f"{reverse('surveys:compare')}?key={single.key}" in html

    def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_responses(
        self, as_user, staff_a, survey, django_assert_num_queries
    ):
        client = as_user(staff_a)
        url = reverse("surveys:survey_results", args=[survey.pk])
        counts = []
        for extra in (2, 40):
            for i in range(extra):
                answer(survey, single=i % 3, multiple=(i % 3,), rating=1 + i % 5, text=f"t{i}")
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
        # session, user, memberships, survey, totals, questions, choices, five counts,
        # and the header's 待办 count
        with django_assert_num_queries(13):
            client.get(url)

    def test_it_lets_out_of_scope_users_see_nothing(self, as_user, staff_b, client, survey):
        url = reverse("surveys:survey_results", args=[survey.pk])
        assert as_user(staff_b).get(url).status_code == 404
        assert client.get(url).status_code == 302


class TestCompare:
    def test_it_compares_the_same_question_across_the_street_offices_communities(
        self, world, as_user, official_a
    ):
        from surveys import services

        for community, picks in ((world.community_a, (0, 0, 1)), (world.community_a2, (2,))):
            survey = services.create_survey(
                by=None, template_key="committee_role", community=community
            )
            services.open_survey(survey=survey)
            nature = survey.questions.get(key="committee_nature")
            overall = survey.questions.get(key="overall_satisfaction")
            options = list(nature.choices.all())
            for pick in picks:
                services.submit_response(survey=survey, answers={nature: options[pick], overall: 4})
        outside = services.create_survey(
            by=None, template_key="committee_role", community=world.community_b
        )
        html = as_user(official_a).get(reverse("surveys:compare")).content.decode()
        assert "甲社区" in html and "甲二社区" in html
        assert reverse("surveys:survey_results", args=[outside.pk]) not in html
        assert '<td class="num">2 (66.7 %)</td>' in html  # 甲社区: 代表政府 2 of 3
        assert '<td class="num">1 (100.0 %)</td>' in html  # 甲二社区: 不清楚 1 of 1
