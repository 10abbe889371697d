"""A report of an ended period is drawn once, served again from the database, and drawn
afresh after any change to what it shows (dashboards/reports/stored.py)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dashboards.models import StoredReport
from dashboards.reports import views
from tasks.models import Outcome
from tests.factories import DepartmentFactory
from tests.reports.test_report_views import pdf_text
from tests.scoping import covers
from tests.tasks.factories import TaskFactory


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The template of every PDF the report views actually draw."""
    calls = []
    render = views.render_pdf

    def counting(template_name, context, **kwargs):
        calls.append(template_name)
        return render(template_name, context, **kwargs)

    monkeypatch.setattr(views, "render_pdf", counting)
    return calls


def last_year() -> int:
    return timezone.localdate().year - 1


def community_url(world, year: int) -> str:
    return (
        reverse("dashboards:community_report", args=[world.community_a.pk])
        + f"?period=year&at={year}"
    )


@covers("dashboards:community_report")
class TestStoredCommunityReport:
    def test_the_second_request_is_served_from_the_database(
        self, as_user, world, staff_a, drawn, django_assert_max_num_queries
    ):
        client = as_user(staff_a)
        first = client.get(community_url(world, last_year()))
        assert first.status_code == 200 and len(drawn) == 1
        with django_assert_max_num_queries(12):
            second = client.get(community_url(world, last_year()))
        assert len(drawn) == 1
        assert second.content == first.content
        assert second["Content-Disposition"] == first["Content-Disposition"]

    def test_a_change_to_the_periods_records_gives_a_fresh_report(
        self, as_user, world, staff_a, drawn
    ):
        client = as_user(staff_a)
        before = pdf_text(client.get(community_url(world, last_year())).content)
        # A late entry for last year (written outside a service, as a shell would).
        TaskFactory(
            community=world.community_a,
            title="迟报的任务",
            received_on=date(last_year(), 3, 2),
            outcome=Outcome.REFUSED,
            decided_on=date(last_year(), 3, 3),
        )
        after = pdf_text(client.get(community_url(world, last_year())).content)
        assert len(drawn) == 2
        assert before != after
        client.get(community_url(world, last_year()))
        assert len(drawn) == 2  # and that one is kept in turn

    def test_a_change_to_another_period_keeps_it(self, as_user, world, staff_a, drawn):
        department = DepartmentFactory(district=world.district)  # a new one changes them all
        client = as_user(staff_a)
        client.get(community_url(world, last_year()))
        today = timezone.localdate()
        TaskFactory(community=world.community_a, department=department, received_on=today)
        TaskFactory(
            community=world.community_b, department=department, received_on=date(last_year(), 3, 2)
        )
        client.get(community_url(world, last_year()))
        assert len(drawn) == 1

    def test_a_changed_threshold_gives_a_fresh_report(self, as_user, world, staff_a, drawn):
        from dashboards.models import Threshold

        Threshold.objects.ensure_for([world.district])
        client = as_user(staff_a)
        client.get(community_url(world, last_year()))
        row = Threshold.objects.filter(district=world.district).first()
        row.red += 1
        row.save()
        client.get(community_url(world, last_year()))
        assert len(drawn) == 2

    def test_the_current_period_is_always_drawn(self, as_user, world, staff_a, drawn):
        client = as_user(staff_a)
        for _ in range(2):
            client.get(community_url(world, timezone.localdate().year))
        assert len(drawn) == 2
        assert not StoredReport.objects.exists()

    def test_each_language_has_its_own_copy(self, as_user, world, staff_a, drawn):
        client = as_user(staff_a)
        chinese = pdf_text(client.get(community_url(world, last_year())).content)
        english = pdf_text(
            client.get(community_url(world, last_year()), HTTP_ACCEPT_LANGUAGE="en").content
        )
        assert "工作报告" in chinese and "work report" in english
        assert len(drawn) == 2

    def test_a_stored_copy_is_no_way_round_the_scope(
        self, as_user, world, staff_a, staff_b, official_b, drawn
    ):
        assert as_user(staff_a).get(community_url(world, last_year())).status_code == 200
        assert StoredReport.objects.count() == 1
        for user in (staff_b, official_b):
            assert as_user(user).get(community_url(world, last_year())).status_code == 404

    def test_it_is_drawn_again_once_a_pending_task_of_the_period_falls_overdue(
        self, as_user, world, staff_a, drawn
    ):
        today = timezone.localdate()
        TaskFactory(
            community=world.community_a,
            received_on=date(last_year(), 12, 30),
            outcome=Outcome.PENDING,
            decision_due=today + timedelta(days=3),
        )
        url = community_url(world, last_year())
        assert as_user(staff_a).get(url).status_code == 200
        with time_machine.travel(today + timedelta(days=3)):  # due today: not overdue yet
            assert as_user(staff_a).get(url).status_code == 200
        assert len(drawn) == 1
        with time_machine.travel(today + timedelta(days=4)):
            assert as_user(staff_a).get(url).status_code == 200
        assert len(drawn) == 2


@covers("dashboards:street_office_report")
class TestStoredStreetOfficeReport:
    def url(self, world) -> str:
        return (
            reverse("dashboards:street_office_report", args=[world.street_a.pk])
            + f"?period=month&at={last_year()}-03"
        )

    def test_it_is_kept_until_one_of_its_communities_changes(
        self, as_user, world, official_a, staff_b, drawn
    ):
        department = DepartmentFactory(district=world.district)
        client = as_user(official_a)
        client.get(self.url(world))
        client.get(self.url(world))
        assert len(drawn) == 1
        assert as_user(staff_b).get(self.url(world)).status_code == 404
        TaskFactory(
            community=world.community_b, department=department, received_on=date(last_year(), 3, 9)
        )
        client.get(self.url(world))
        assert len(drawn) == 1  # another street office's community
        TaskFactory(
            community=world.community_a2, department=department, received_on=date(last_year(), 3, 9)
        )
        client.get(self.url(world))
        assert len(drawn) == 2
