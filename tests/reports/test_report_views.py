"""Who may download which report, the reports page, and the refusal note's content."""

import io
import subprocess
import tempfile
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import Outcome, Status
from tests.scoping import covers
from tests.tasks.factories import CatalogueItemFactory, TaskFactory


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        found = subprocess.run(
            ["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True
        )
    return found.stdout


def squeezed(text: str) -> str:
    return "".join(text.split())


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


@covers("dashboards:community_report", "dashboards:community_workbook")
class TestCommunityReports:
    names = ("dashboards:community_report", "dashboards:community_workbook")

    def test_anonymous_must_log_in(self, client, world):
        for name in self.names:
            assert is_login_redirect(client.get(reverse(name, args=[world.community_a.pk])))

    def test_other_communities_are_not_found(self, as_user, world, staff_b, official_b):
        for user in (staff_b, official_b):
            for name in self.names:
                url = reverse(name, args=[world.community_a.pk])
                assert as_user(user).get(url).status_code == 404

    def test_an_english_reader_gets_the_report_in_english(self, as_user, world, official_a):
        response = as_user(official_a).get(
            reverse("dashboards:community_report", args=[world.community_a2.pk])
            + "?period=year&at=2026",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response["Content-Type"] == "application/pdf"
        text = " ".join(pdf_text(response.content).split())
        assert "甲二社区: work report 2026" in text
        assert "Page 1 of" in text and "Recommendations" in text

    def test_the_workbook_covers_the_chosen_period(self, as_user, world, staff_a):
        TaskFactory(community=world.community_a, title="三月报表", received_on=date(2026, 3, 2))
        TaskFactory(community=world.community_a, title="四月报表", received_on=date(2026, 4, 1))
        response = as_user(staff_a).get(
            reverse("dashboards:community_workbook", args=[world.community_a.pk])
            + "?period=month&at=2026-03"
        )
        assert "2026-03.xlsx" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        titles = [row[2] for row in book["任务"].iter_rows(min_row=2, values_only=True)]
        assert titles[:-1] == ["三月报表"]  # then the total row


@covers("dashboards:street_office_report", "dashboards:street_office_workbook")
class TestStreetOfficeReports:
    names = ("dashboards:street_office_report", "dashboards:street_office_workbook")

    def test_anonymous_must_log_in(self, client, world):
        for name in self.names:
            assert is_login_redirect(client.get(reverse(name, args=[world.street_a.pk])))

    def test_only_who_sees_every_community_gets_it(self, as_user, world, staff_a, official_b):
        for user in (staff_a, official_b):
            for name in self.names:
                url = reverse(name, args=[world.street_a.pk])
                assert as_user(user).get(url).status_code == 404

    def test_the_district_gets_a_street_offices_workbook_per_community(
        self, as_user, world, district_officer
    ):
        TaskFactory(community=world.community_a, title="甲报表", received_on=date(2026, 3, 2))
        TaskFactory(community=world.community_a2, title="甲二报表", received_on=date(2026, 3, 3))
        TaskFactory(community=world.community_b, title="乙报表", received_on=date(2026, 3, 3))
        response = as_user(district_officer).get(
            reverse("dashboards:street_office_workbook", args=[world.street_a.pk])
            + "?period=year&at=2026"
        )
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        rows = list(book["任务"].iter_rows(min_row=2, values_only=True))[:-1]
        assert [(r[1], r[2]) for r in rows] == [("甲社区", "甲报表"), ("甲二社区", "甲二报表")]
        communities = {r[0] for r in book["警示"].iter_rows(min_row=2, values_only=True)}
        assert {"合计", "甲社区", "甲二社区"} <= communities


@pytest.fixture
def refused(world):
    item = CatalogueItemFactory(
        district=world.district,
        list="negative",
        item="摊派商业保险、报刊订阅",
        basis="湖南“八个不得”",
    )
    return TaskFactory(
        community=world.community_a,
        title="代销商业保险",
        received_on=date(2026, 3, 2),
        catalogue_item=item,
        outcome=Outcome.REFUSED,
        status=Status.REFUSED,
        decided_on=date(2026, 3, 2),
        refusal_reason="负面清单事项",
    )


@covers("dashboards:refusal_note")
class TestRefusalNote:
    def url(self, task):
        return reverse("dashboards:refusal_note", args=[task.pk])

    def test_it_cites_the_catalogue_item_and_its_basis(self, as_user, chair_a, refused):
        response = as_user(chair_a).get(self.url(refused))
        assert response["Content-Type"] == "application/pdf"
        text = squeezed(pdf_text(response.content))
        assert squeezed(refused.department.name) in text
        for expected in ("代销商业保险", "摊派商业保险、报刊订阅", "湖南“八个不得”", "2026-03-02"):
            assert squeezed(expected) in text
        assert "甲社区居民委员会" in text and "负面清单" in text and "第1页/共1页" in text

    def test_a_task_the_street_office_refused_cites_its_decision(self, as_user, staff_a, world):
        task = TaskFactory(
            community=world.community_a,
            title="创建评比材料",
            outcome=Outcome.REFUSED,
            status=Status.REFUSED,
            decided_on=date(2026, 3, 20),
            refusal_reason="不在清单内，且无经费",
        )
        text = squeezed(pdf_text(as_user(staff_a).get(self.url(task)).content))
        assert "不在社区工作事项清单内" in text and "甲街道" in text and "2026-03-20" in text
        assert "不在清单内，且无经费" in text

    def test_only_a_refused_task_has_one(self, as_user, chair_a, world):
        task = TaskFactory(community=world.community_a, outcome=Outcome.PENDING)
        assert as_user(chair_a).get(self.url(task)).status_code == 404

    def test_scoping(
        self, client, as_user, staff_b, official_a, official_b, district_officer, refused
    ):
        assert is_login_redirect(client.get(self.url(refused)))
        assert as_user(staff_b).get(self.url(refused)).status_code == 404
        assert as_user(official_b).get(self.url(refused)).status_code == 404
        # The street office that decided prints it too; the district only reads the task.
        assert as_user(official_a).get(self.url(refused)).status_code == 200
        assert as_user(district_officer).get(self.url(refused)).status_code == 403


class TestReportsPage:
    url = reverse("dashboards:reports")

    def test_anonymous_must_log_in(self, client, world):
        assert is_login_redirect(client.get(self.url))

    def test_staff_get_their_communitys_reports_and_refusal_notes(
        self, as_user, world, staff_a, refused, django_assert_max_num_queries
    ):
        client = as_user(staff_a)
        with django_assert_max_num_queries(8):
            page = client.get(self.url + "?period=year&at=2026").content.decode()
        community = reverse("dashboards:community_report", args=[world.community_a.pk])
        assert f"{community}?period=year&amp;at=2026" in page
        assert reverse("dashboards:refusal_note", args=[refused.pk]) in page
        assert 'value="street_office_report"' not in page
        assert reverse("dashboards:community_report", args=[world.community_b.pk]) not in page
        for _ in range(5):
            TaskFactory(community=world.community_a, outcome=Outcome.REFUSED)
        with django_assert_max_num_queries(8):
            client.get(self.url)

    def test_officials_get_their_street_office_and_its_refusal_notes(
        self, as_user, world, official_a, refused
    ):
        page = as_user(official_a).get(self.url).content.decode()
        # A street office's report and workbook are background jobs (committee/jobs.py).
        job_form = 'name="what" value="{}"><input type="hidden" name="pk" value="{}"'
        assert job_form.format("street_office_workbook", world.street_a.pk) in page
        assert job_form.format("street_office_report", world.street_a.pk) in page
        assert reverse("dashboards:community_workbook", args=[world.community_a2.pk]) in page
        assert job_form.format("street_office_report", world.street_b.pk) not in page
        assert 'value="district_workbook"' not in page
        assert reverse("dashboards:refusal_note", args=[refused.pk]) in page


def test_the_refused_tasks_page_links_its_refusal_note_for_who_may_print_it(
    as_user, staff_a, official_a, refused
):
    note = reverse("dashboards:refusal_note", args=[refused.pk])
    page = reverse("tasks:task_detail", args=[refused.pk])
    assert note in as_user(staff_a).get(page).content.decode()
    assert note in as_user(official_a).get(page).content.decode()


def test_the_dashboards_link_to_the_reports_of_their_period(as_user, world, staff_a, official_a):
    community = as_user(staff_a).get(
        reverse("dashboards:community", args=[world.community_a.pk]),
        {"period": "year", "at": "2026"},
    )
    assert reverse("dashboards:reports") + "?" in community.content.decode()
    street = as_user(official_a).get(reverse("dashboards:street_office", args=[world.street_a.pk]))
    assert reverse("dashboards:reports") + "?" in street.content.decode()
