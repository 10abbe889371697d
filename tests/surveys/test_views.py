"""Staff pages: list, create, builder, open/close/copy, paper entry, codes, QR."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Question, Response, Survey
from tests.surveys.factories import SurveyFactory, every_kind_survey, parts, question

pytestmark = pytest.mark.django_db


class TestList:
    def test_it_lists_only_visible_surveys_in_a_fixed_number_of_queries(
        self, world, as_user, official_a, django_assert_max_num_queries
    ):
        SurveyFactory(community=world.community_b, title="乙的问卷")
        client = as_user(official_a)
        for n in (2, 30):
            for _ in range(n):
                SurveyFactory(community=world.community_a)
            with django_assert_max_num_queries(9):
                html = client.get(reverse("surveys:survey_list")).content.decode()
        assert "乙的问卷" not in html
        assert html.count("/surveys/") > 30
        assert reverse("surveys:survey_create") in html  # a street office runs its own surveys

    def test_it_filters_by_community_as_the_dashboards_link_it(self, world, as_user, official_a):
        SurveyFactory(community=world.community_a, title="甲的问卷")
        SurveyFactory(community=world.community_a2, title="甲二的问卷")
        url = reverse("surveys:survey_list") + f"?community={world.community_a2.pk}"
        html = as_user(official_a).get(url).content.decode()
        assert "甲二的问卷" in html and "甲的问卷" not in html

    def test_it_exports_the_list_it_shows(self, world, as_user, staff_a):
        import io

        from openpyxl import load_workbook

        SurveyFactory(community=world.community_a, title="=甲的问卷")
        SurveyFactory(community=world.community_b, title="乙的问卷")
        response = as_user(staff_a).get(reverse("surveys:survey_list") + "?export=xlsx")
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
        assert [row[0] for row in rows[1:]] == ["=甲的问卷"]
        assert rows[1][1] == "甲社区"

    def test_it_hides_the_add_button_from_the_district(self, world, as_user, district_officer):
        client = as_user(district_officer)
        html = client.get(reverse("surveys:survey_list")).content.decode()
        assert reverse("surveys:survey_create") not in html
        assert client.get(reverse("surveys:survey_create")).status_code == 403
        # the answer is kept for the list; a new membership forgets it
        from committee.models import Membership
        from committee.roles import Role

        Membership.objects.create(
            user=district_officer, role=Role.STREET_OFFICIAL, street_office=world.street_a
        )
        html = client.get(reverse("surveys:survey_list")).content.decode()
        assert reverse("surveys:survey_create") in html


class TestCreate:
    def test_it_creates_a_community_survey_from_the_field_reports_template(
        self, world, as_user, staff_a
    ):
        response = as_user(staff_a).post(
            reverse("surveys:survey_create"),
            {
                "community": world.community_a.pk,
                "template": "committee_role",
                "access": "anonymous",
            },
        )
        survey = Survey.objects.get()
        assert response["Location"] == survey.get_absolute_url()
        assert survey.title == "居民对居委会的认识调查" and survey.created_by == staff_a
        assert survey.state == Survey.State.DRAFT
        assert survey.questions.filter(purpose="committee_nature").exists()

    def test_it_lets_an_official_create_a_street_office_survey_only_for_their_office(
        self, world, as_user, official_a
    ):
        client = as_user(official_a)
        refused = client.post(
            reverse("surveys:survey_create"),
            {"street_office": world.street_b.pk, "title": "乙", "access": "anonymous"},
        )
        assert refused.status_code == 200 and not Survey.objects.exists()
        client.post(
            reverse("surveys:survey_create"),
            {
                "street_office": world.street_a.pk,
                "template": "four_services",
                "access": "anonymous",
            },
        )
        survey = Survey.objects.get()
        assert survey.street_office == world.street_a and survey.community is None

    def test_it_asks_for_exactly_one_owner(self, world, as_user, official_a, staff_a):
        page = as_user(staff_a).post(
            reverse("surveys:survey_create"), {"title": "x", "access": "anonymous"}
        )
        assert "请选择一个社区或一个街道" in page.content.decode()
        assert not Survey.objects.exists()

    def test_it_edits_the_settings(self, world, as_user, staff_a):
        survey = SurveyFactory(community=world.community_a)
        as_user(staff_a).post(
            reverse("surveys:survey_edit", args=[survey.pk]),
            {"title": "新标题", "description": "", "access": "codes", "opens": "", "closes": ""},
        )
        survey.refresh_from_db()
        assert (survey.title, survey.access) == ("新标题", "codes")


class TestBuilderPages:
    @pytest.fixture
    def draft(self, world):
        return SurveyFactory(community=world.community_a, state=Survey.State.DRAFT, opens=None)

    def test_it_adds_edits_moves_and_removes_questions(self, as_user, staff_a, draft):
        client = as_user(staff_a)
        add = reverse("surveys:question_add", args=[draft.pk])
        client.post(
            add, {"text": "喜欢吗？", "kind": "single", "required": "on", "choices": "是\n否"}
        )
        client.post(add, {"text": "几口人？", "kind": "number"})
        first, second = draft.questions.all()
        assert [c.text for c in first.choices.all()] == ["是", "否"]
        client.post(
            reverse("surveys:question_edit", args=[draft.pk, second.pk]),
            {"text": "家里几口人？", "kind": "number"},
        )
        client.post(reverse("surveys:question_action", args=[draft.pk, second.pk, "up"]))
        assert [q.text for q in draft.questions.all()] == ["家里几口人？", "喜欢吗？"]
        client.post(reverse("surveys:question_action", args=[draft.pk, first.pk, "remove"]))
        assert [q.text for q in draft.questions.all()] == ["家里几口人？"]

    def test_it_shows_translated_errors_for_a_choice_question_without_options(
        self, as_user, staff_a, draft
    ):
        page = as_user(staff_a).post(
            reverse("surveys:question_add", args=[draft.pk]), {"text": "?", "kind": "multiple"}
        )
        assert "请至少填写两个选项" in page.content.decode()
        assert not draft.questions.exists()

    def test_it_opens_closes_and_copies(self, as_user, staff_a, draft):
        question(draft, Question.Kind.TEXT)
        client = as_user(staff_a)
        client.post(reverse("surveys:survey_state", args=[draft.pk, "open"]))
        draft.refresh_from_db()
        assert draft.state == "open"
        client.post(reverse("surveys:survey_state", args=[draft.pk, "close"]))
        draft.refresh_from_db()
        assert draft.state == "closed"
        response = client.post(
            reverse("surveys:survey_state", args=[draft.pk, "copy"]), follow=True
        )
        copy = Survey.objects.exclude(pk=draft.pk).get()
        assert copy.state == "draft" and copy.questions.count() == 1
        assert "已复制为新草稿" in response.content.decode()

    def test_it_says_why_an_empty_draft_cannot_open(self, as_user, staff_a, draft):
        response = as_user(staff_a).post(
            reverse("surveys:survey_state", args=[draft.pk, "open"]), follow=True
        )
        assert "请先添加至少一道题目" in response.content.decode()
        draft.refresh_from_db()
        assert draft.state == "draft"


class TestPaperAndCodes:
    def test_it_enters_a_paper_questionnaire_marked_as_paper(self, world, as_user, staff_a):
        survey = every_kind_survey(community=world.community_a, state=Survey.State.CLOSED)
        s, m, r, n, t = parts(survey)
        client = as_user(staff_a)
        data = {
            f"q{s.pk}": s.choices.first().pk,
            f"q{m.pk}": [c.pk for c in m.choices.all()],
            f"q{r.pk}": "2",
        }
        client.post(reverse("surveys:paper_entry", args=[survey.pk]), data)
        response = Response.objects.get()
        assert (response.channel, response.entered_by) == ("paper", staff_a)
        assert response.answers.filter(question=m).count() == 3

    def test_it_refuses_an_incomplete_paper_questionnaire(self, world, as_user, staff_a):
        survey = every_kind_survey(community=world.community_a)
        page = as_user(staff_a).post(reverse("surveys:paper_entry", args=[survey.pk]), {})
        assert page.status_code == 200 and "这个字段是必填项" in page.content.decode()
        assert not Response.objects.exists()

    def test_it_generates_and_prints_codes(self, world, as_user, staff_a):
        survey = every_kind_survey(community=world.community_a)
        client = as_user(staff_a)
        client.post(reverse("surveys:survey_codes", args=[survey.pk]), {"count": 12})
        assert survey.codes.count() == 12
        html = client.get(reverse("surveys:survey_codes", args=[survey.pk])).content.decode()
        assert all(c.code in html for c in survey.codes.all())
        assert survey.token in html

    def test_it_draws_the_qr_code_as_svg_and_png(self, world, as_user, staff_a):
        survey = SurveyFactory(community=world.community_a)
        client = as_user(staff_a)
        svg = client.get(reverse("surveys:survey_qr_svg", args=[survey.pk]))
        png = client.get(reverse("surveys:survey_qr_png", args=[survey.pk]))
        assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")
        assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")

    def test_the_builder_page_shows_the_public_link(self, world, as_user, staff_a):
        survey = SurveyFactory(community=world.community_a)
        html = as_user(staff_a).get(survey.get_absolute_url()).content.decode()
        assert f"/surveys/s/{survey.token}/" in html
        services.close_survey(survey=survey)


class TestStreetOfficeSurvey:
    def test_its_officials_run_it_and_the_district_only_reads_it(
        self, world, as_user, official_a, district_officer, staff_a
    ):
        survey = SurveyFactory(community=None, street_office=world.street_a)
        question(survey, Question.Kind.TEXT)
        url = survey.get_absolute_url()
        edit = reverse("surveys:survey_edit", args=[survey.pk])
        official_page = as_user(official_a).get(url).content.decode()
        assert edit in official_page and "甲街道" in official_page
        district_page = as_user(district_officer).get(url)
        assert district_page.status_code == 200 and edit not in district_page.content.decode()
        assert as_user(district_officer).get(edit).status_code == 403
        assert as_user(staff_a).get(url).status_code == 404
        as_user(official_a).post(reverse("surveys:survey_state", args=[survey.pk, "close"]))
        survey.refresh_from_db()
        assert survey.state == Survey.State.CLOSED
