"""Who sees and changes which survey, and every keyed staff URL's refusals."""

import pytest
from django.urls import reverse

from surveys.models import Question, Survey, street_offices
from tests.factories import UserFactory
from tests.scoping import covers
from tests.surveys.factories import SurveyFactory, question

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Survey.objects.visible_to(user).values_list("title", flat=True))


def changeable(user):
    return set(Survey.objects.changeable_by(user).values_list("title", flat=True))


@pytest.fixture
def surveys(world):
    SurveyFactory(community=world.community_a, title="A")
    SurveyFactory(community=world.community_b, title="B")
    SurveyFactory(community=None, street_office=world.street_a, title="甲街道")
    SurveyFactory(community=None, street_office=world.street_b, title="乙街道")


class TestSurveyScope:
    def test_it_lets_community_staff_see_and_change_only_their_community_survey(
        self, surveys, staff_a, chair_a
    ):
        assert visible(staff_a) == changeable(staff_a) == {"A"}
        assert visible(chair_a) == changeable(chair_a) == {"A"}

    def test_it_lets_street_officials_see_their_communities_and_run_their_own_surveys(
        self, surveys, official_a
    ):
        assert visible(official_a) == {"A", "甲街道"}
        assert changeable(official_a) == {"甲街道"}

    def test_it_lets_the_district_see_everything_and_change_nothing(
        self, surveys, district_officer
    ):
        assert visible(district_officer) == {"A", "B", "甲街道", "乙街道"}
        assert changeable(district_officer) == set()

    def test_it_gives_superusers_everything(self, surveys):
        admin = UserFactory(is_superuser=True)
        assert changeable(admin) == {"A", "B", "甲街道", "乙街道"}

    def test_it_offers_street_offices_only_to_their_officials(
        self, world, official_a, staff_a, district_officer
    ):
        assert list(street_offices(official_a, "change")) == [world.street_a]
        assert list(street_offices(staff_a, "view")) == []
        assert set(street_offices(district_officer, "view")) == {world.street_a, world.street_b}
        assert list(street_offices(district_officer, "change")) == []

    def test_it_scopes_questions_through_their_survey(self, world, official_a, staff_b):
        office_survey = SurveyFactory(community=None, street_office=world.street_a)
        q = question(office_survey, Question.Kind.TEXT)
        assert list(Question.objects.changeable_by(official_a)) == [q]
        assert not Question.objects.visible_to(staff_b).exists()

    def test_a_single_community_street_office_survey_is_visible_to_its_staff(
        self, surveys, staff_b
    ):
        # 乙街道 has one community: its staff may view every community of it, so they
        # see the street office's survey too, but may not change it.
        assert visible(staff_b) == {"B", "乙街道"}
        assert changeable(staff_b) == {"B"}


READ_URLS = [
    "surveys:survey_detail",
    "surveys:survey_results",
    "surveys:export_summary",
    "surveys:export_responses",
    "surveys:survey_qr_svg",
    "surveys:survey_qr_png",
    "surveys:survey_codes",
]
POST_ONLY = {"surveys:survey_state", "surveys:question_action"}
WRITE_GET_URLS = ["surveys:survey_edit", "surveys:paper_entry", "surveys:question_add"]


@covers(
    *READ_URLS,
    *WRITE_GET_URLS,
    "surveys:survey_state",
    "surveys:question_edit",
    "surveys:question_action",
)
class TestStaffUrlScoping:
    @pytest.fixture
    def survey(self, world):
        survey = SurveyFactory(community=world.community_a, state=Survey.State.DRAFT)
        self.q = question(survey, Question.Kind.TEXT)
        return survey

    def urls(self, survey):
        pk = survey.pk
        return {
            **{name: reverse(name, args=[pk]) for name in READ_URLS + WRITE_GET_URLS},
            "surveys:survey_state": reverse("surveys:survey_state", args=[pk, "open"]),
            "surveys:question_edit": reverse("surveys:question_edit", args=[pk, self.q.pk]),
            "surveys:question_action": reverse(
                "surveys:question_action", args=[pk, self.q.pk, "remove"]
            ),
        }

    def test_it_sends_anonymous_users_to_log_in(self, client, survey):
        for name, url in self.urls(survey).items():
            response = client.get(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login")), name

    def test_it_answers_404_out_of_scope(self, as_user, staff_b, survey):
        client = as_user(staff_b)
        for name, url in self.urls(survey).items():
            if name not in POST_ONLY:
                assert client.get(url).status_code == 404, name
            assert client.post(url).status_code == 404, name

    def test_it_answers_403_to_a_write_without_the_right(self, as_user, official_a, survey):
        client = as_user(official_a)
        urls = self.urls(survey)
        for name in WRITE_GET_URLS + ["surveys:question_edit"]:
            assert client.get(urls[name]).status_code == 403, name
        for name in ("surveys:survey_state", "surveys:question_action", "surveys:survey_codes"):
            assert client.post(urls[name], {"count": 5}).status_code == 403, name
        survey.refresh_from_db()
        assert survey.state == Survey.State.DRAFT
        assert survey.questions.count() == 1
        assert survey.codes.count() == 0

    def test_it_lets_the_street_office_read_what_it_may_see(self, as_user, official_a, survey):
        client = as_user(official_a)
        urls = self.urls(survey)
        for name in READ_URLS:
            assert client.get(urls[name]).status_code == 200, name
