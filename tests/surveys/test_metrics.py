"""Dashboard metrics: what residents think the committee is, and how satisfied they are."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from committee.models import Community
from surveys import metrics, services
from surveys.metrics import NatureCounts
from surveys.models import Response, Survey

pytestmark = pytest.mark.django_db


def report_survey(community, government, residents, unknown, rating=None, street_office=None):
    survey = services.create_survey(
        by=None,
        template_key="committee_role",
        community=community,
        street_office=street_office,
    )
    services.open_survey(survey=survey)
    nature = survey.questions.get(key="committee_nature")
    overall = survey.questions.get(key="overall_satisfaction")
    options = {c.key: c for c in nature.choices.all()}
    picks = ["government"] * government + ["residents"] * residents + ["unknown"] * unknown
    for i, pick in enumerate(picks):
        services.submit_response(
            survey=survey,
            answers={nature: options[pick], overall: rating or 1 + i % 5},
        )
    return survey


@pytest.fixture
def period():
    today = timezone.localdate()
    return today - timedelta(days=30), today


class TestCommitteeNature:
    def test_it_reads_the_field_reports_35_10_5_as_a_fifth_representing_residents(
        self, world, period
    ):
        report_survey(world.community_a, 35, 10, 5)
        communities = Community.objects.all()
        assert metrics.representing_share(communities, *period) == Decimal("0.2")
        assert metrics.committee_nature_counts(communities, *period) == NatureCounts(35, 10, 5, 50)

    def test_it_gives_one_row_per_community_in_one_query(
        self, world, period, django_assert_num_queries
    ):
        report_survey(world.community_a, 3, 1, 0)
        report_survey(world.community_b, 0, 2, 2)
        communities = Community.objects.all()
        with django_assert_num_queries(1):
            shares = metrics.representing_share_by_community(communities, *period)
        assert shares == {
            world.community_a.pk: Decimal("0.25"),
            world.community_a2.pk: None,
            world.community_b.pk: Decimal("0.5"),
        }

    def test_it_finds_the_question_by_purpose_not_by_its_words(self, world, period):
        survey = report_survey(world.community_a, 1, 3, 0)
        survey.questions.filter(key="committee_nature").update(text="居委会是？")
        share = metrics.representing_share(Community.objects.all(), *period)
        assert share == Decimal("0.75")

    def test_it_counts_only_the_period_and_the_given_communities(self, world, period):
        survey = report_survey(world.community_a, 1, 1, 0)
        report_survey(world.community_b, 0, 5, 0)
        Response.objects.filter(survey=survey).update(
            submitted_at=timezone.now() - timedelta(days=90)
        )
        only_a = Community.objects.filter(pk=world.community_a.pk)
        assert metrics.representing_share(only_a, *period) is None
        assert metrics.response_count(only_a, date(2000, 1, 1), period[1]) == 2
        assert metrics.response_count_by_community(only_a, *period) == {world.community_a.pk: 0}

    def test_it_leaves_street_office_surveys_out(self, world, period):
        report_survey(None, 0, 4, 0, street_office=world.street_a)
        assert Survey.objects.count() == 1
        assert metrics.representing_share(Community.objects.all(), *period) is None

    def test_it_gives_a_monthly_trend(self, world, period):
        report_survey(world.community_a, 1, 1, 0)
        by_month = metrics.representing_share_by_month(Community.objects.all(), *period)
        assert list(by_month.values())[-1] == Decimal("0.5")
        assert all(day.day == 1 for day in by_month)


class TestSatisfaction:
    def test_it_averages_ratings_of_satisfaction_questions_per_community(
        self, world, period, django_assert_num_queries
    ):
        report_survey(world.community_a, 2, 0, 0, rating=4)
        report_survey(world.community_a, 1, 0, 0, rating=1)
        report_survey(world.community_b, 1, 0, 0, rating=5)
        communities = Community.objects.all()
        assert metrics.average_satisfaction(communities, *period) == Decimal("3.50")
        with django_assert_num_queries(1):
            by_community = metrics.average_satisfaction_by_community(communities, *period)
        assert by_community == {
            world.community_a.pk: Decimal("3.00"),
            world.community_a2.pk: None,
            world.community_b.pk: Decimal("5.00"),
        }
        assert list(metrics.average_satisfaction_by_month(communities, *period).values())[
            -1
        ] == Decimal("3.50")
