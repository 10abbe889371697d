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

    def test_it_rounds_half_up_like_every_published_figure(self, world, period):
        report_survey(world.community_a, 6, 1, 0, rating=3)
        report_survey(world.community_a, 1, 0, 0, rating=4)  # 25 / 8 = 3.125
        only_a = Community.objects.filter(pk=world.community_a.pk)
        assert metrics.average_satisfaction(only_a, *period) == Decimal("3.13")
        report_survey(world.community_b, 23, 1, 0)
        report_survey(world.community_b, 8, 0, 0)  # 1 of 32 answers: 0.03125
        only_b = Community.objects.filter(pk=world.community_b.pk)
        assert metrics.representing_share(only_b, *period) == Decimal("0.0313")


def opened(survey, day: date, answered: date | None = None) -> None:
    """Date a survey's opening (and every response, if given) in the past."""
    Survey.objects.filter(pk=survey.pk).update(opens=day)
    if answered:
        at = timezone.make_aware(timezone.datetime(answered.year, answered.month, answered.day, 10))
        for response in Response.objects.filter(survey=survey):  # saved: as an edit would
            response.submitted_at = at
            response.save()


class TestLatestSurvey:
    def test_it_reads_the_latest_survey_whatever_the_period(self, world):
        old = report_survey(world.community_a, 3, 1, 0, rating=2)
        opened(old, date(2026, 1, 5), answered=date(2026, 1, 10))
        new = report_survey(world.community_a, 0, 2, 2, rating=4)
        opened(new, date(2026, 6, 1), answered=date(2026, 6, 3))
        only_a = Community.objects.filter(pk=world.community_a.pk)
        july = (date(2026, 7, 1), date(2026, 7, 31))  # no answer in July itself
        assert metrics.latest_committee_nature_counts(only_a, *july) == NatureCounts(0, 2, 2, 4)
        assert metrics.latest_representing_share(only_a, *july) == Decimal("0.5")
        assert metrics.latest_average_satisfaction(only_a, *july) == Decimal("4.00")
        march = (date(2026, 3, 1), date(2026, 3, 31))  # before the new survey's answers
        assert metrics.latest_representing_share(only_a, *march) == Decimal("0.25")
        surveys = metrics.latest_surveys(only_a, *march)
        assert [(s.pk, s.day) for s in surveys.nature] == [(old.pk, date(2026, 1, 5))]

    def test_it_counts_the_latest_surveys_answers_up_to_the_end_only(self, world):
        survey = report_survey(world.community_a, 0, 1, 1)
        opened(survey, date(2026, 6, 1), answered=date(2026, 6, 3))
        late = Response.objects.filter(survey=survey).order_by("pk").last()
        late.submitted_at = timezone.make_aware(timezone.datetime(2026, 7, 2, 10))
        late.save()
        june = (date(2026, 6, 1), date(2026, 6, 30))
        only_a = Community.objects.filter(pk=world.community_a.pk)
        assert metrics.latest_committee_nature_counts(only_a, *june).total == 1

    def test_the_survey_opened_last_wins_over_a_late_answer_to_an_older_one(self, world):
        old = report_survey(world.community_a, 1, 0, 0)
        opened(old, date(2026, 1, 5), answered=date(2026, 7, 20))  # paper typed in late
        new = report_survey(world.community_a, 0, 1, 0)
        opened(new, date(2026, 6, 1), answered=date(2026, 6, 3))
        only_a = Community.objects.filter(pk=world.community_a.pk)
        july = (date(2026, 7, 1), date(2026, 7, 31))
        assert metrics.latest_representing_share(only_a, *july) == Decimal("1")

    def test_a_satisfaction_survey_does_not_hide_the_committees_nature(self, world):
        nature = report_survey(world.community_a, 1, 1, 0, rating=2)
        opened(nature, date(2026, 1, 5), answered=date(2026, 1, 10))
        services_only = services.create_survey(
            by=None, template_key="four_services", community=world.community_a
        )
        services.open_survey(survey=services_only)
        ratings = services_only.questions.filter(kind="rating")
        services.submit_response(survey=services_only, answers=dict.fromkeys(ratings, 5))
        opened(services_only, date(2026, 6, 1), answered=date(2026, 6, 3))
        only_a = Community.objects.filter(pk=world.community_a.pk)
        july = (date(2026, 7, 1), date(2026, 7, 31))
        assert metrics.latest_representing_share(only_a, *july) == Decimal("0.5")
        assert metrics.latest_average_satisfaction(only_a, *july) == Decimal("5.00")
        surveys = metrics.latest_surveys(only_a, *july)
        assert [s.pk for s in surveys.nature] == [nature.pk]
        assert [s.pk for s in surveys.satisfaction] == [services_only.pk]

    def test_it_adds_up_each_communitys_latest_survey_in_a_fixed_number_of_queries(
        self, world, period, django_assert_num_queries
    ):
        report_survey(None, 0, 4, 0, street_office=world.street_a)  # no single community
        old = report_survey(world.community_a, 5, 0, 0)
        opened(old, period[0] - timedelta(days=200))
        report_survey(world.community_a, 3, 1, 0)
        report_survey(world.community_b, 0, 2, 2)
        communities = Community.objects.all()
        with django_assert_num_queries(2):
            assert metrics.latest_committee_nature_counts(communities, *period) == NatureCounts(
                3, 3, 2, 8
            )
        # The latest surveys, the communities' ids (both once a page) and their tallies.
        with django_assert_num_queries(3):
            shares = metrics.latest_representing_share_by_community(communities, *period)
        assert shares == {
            world.community_a.pk: Decimal("0.25"),
            world.community_a2.pk: None,
            world.community_b.pk: Decimal("0.5"),
        }
        with django_assert_num_queries(2):
            surveys = metrics.latest_surveys(communities, *period)
        assert {s.community_id for s in surveys.nature} == {
            world.community_a.pk,
            world.community_b.pk,
        }
