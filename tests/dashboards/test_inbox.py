"""The 待办 inbox: the header's count equals the rows listed, per role; reminders fire on time."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from committee import scoping
from committee.models import Membership
from committee.roles import Role
from dashboards import inbox, reminders
from dashboards.models import Notification
from tasks.models import Outcome, Status
from tasks.workdays import add_working_days
from tests.certificates.conftest import make_request, types  # noqa: F401 -- fixtures
from tests.surveys.factories import SurveyFactory
from tests.tasks.factories import CatalogueItemFactory, TaskFactory, TimeEntryFactory

BADGE = re.compile(r"data-inbox-count>(\d+)<")


def badge(response) -> int:
    found = BADGE.search(response.content.decode())
    return int(found.group(1)) if found else 0


def section_counts(response) -> dict[str, int]:
    return {s.key: s.count for s in response.context["sections"]}


def listed(response, key: str) -> list:
    return next(s.rows for s in response.context["sections"] if s.key == key)


@pytest.fixture
def today():
    return timezone.localdate()


class TestStreetOffice:
    def test_the_count_equals_the_approvals_listed(self, as_user, official_a, world, today):
        overdue = TaskFactory(community=world.community_a, decision_due=today - timedelta(days=1))
        soon = TaskFactory(
            community=world.community_a2, decision_due=add_working_days(today, 2).day
        )
        later = TaskFactory(community=world.community_a, decision_due=today + timedelta(days=30))
        TaskFactory(community=world.community_b, decision_due=today)  # another street office
        TaskFactory(community=world.community_a, outcome=Outcome.REFUSED, status=Status.REFUSED)

        response = as_user(official_a).get(reverse("dashboards:inbox"))

        assert listed(response, "overdue") == [overdue]
        assert listed(response, "due_soon") == [soon]
        assert listed(response, "waiting") == [later]
        assert badge(response) == 3 == sum(section_counts(response).values())
        assert inbox.count(official_a) == 3

    def test_the_nav_count_costs_a_fixed_number_of_queries(
        self, official_a, world, today, django_assert_max_num_queries
    ):
        for _n in range(5):
            TaskFactory(community=world.community_a, decision_due=today)
        scoping.memberships(official_a)  # read once per request, by the navigation already
        with django_assert_max_num_queries(1):
            assert inbox.count(official_a) == 5

    def test_the_nav_count_counts_new_work_and_a_new_place_at_once(self, official_a, world, today):
        TaskFactory(community=world.community_a, decision_due=today)
        assert inbox.count(official_a) == 1
        TaskFactory(community=world.community_a, decision_due=today)
        assert inbox.count(official_a) == 2  # the query kept for this user and day counts anew
        TaskFactory(community=world.community_b, decision_due=today)
        Membership.objects.create(
            user=official_a, role=Role.STREET_OFFICIAL, street_office=world.street_b
        )
        scoping.forget_memberships(official_a)
        assert inbox.count(official_a) == 3


class TestCommittee:
    def test_the_count_equals_what_waits_for_the_committee(
        self,
        as_user,
        staff_a,
        world,
        today,
        make_request,  # noqa: F811 -- fixture
    ):
        refused = TaskFactory(
            community=world.community_a,
            outcome=Outcome.REFUSED,
            status=Status.REFUSED,
            decided_on=today - timedelta(days=2),
        )
        TaskFactory(  # decided long ago: no longer news
            community=world.community_a,
            outcome=Outcome.ASSIST_AUTHORISED,
            status=Status.ADMITTED,
            decided_on=today - timedelta(days=40),
        )
        late = TaskFactory(
            community=world.community_a,
            outcome=Outcome.DUTY,
            status=Status.IN_PROGRESS,
            deadline=today - timedelta(days=1),
        )
        TaskFactory(  # done, so not late
            community=world.community_a,
            outcome=Outcome.DUTY,
            status=Status.DONE,
            deadline=today - timedelta(days=1),
        )
        TaskFactory(  # another community's
            community=world.community_b,
            outcome=Outcome.DUTY,
            status=Status.IN_PROGRESS,
            deadline=today - timedelta(days=1),
        )
        survey = SurveyFactory(community=world.community_a)
        SurveyFactory(community=world.community_a, state="closed")
        referred = make_request(world.community_a, refer=True, evidence_needed="户口本")
        make_request(world.community_a)  # issued at once: nothing waits

        response = as_user(staff_a).get(reverse("dashboards:inbox"))

        assert listed(response, "decided") == [refused]
        assert listed(response, "past_deadline") == [late]
        assert listed(response, "surveys_open") == [survey]
        assert listed(response, "certificates") == [referred]
        assert badge(response) == 4 == sum(section_counts(response).values())
        assert "overdue" not in section_counts(response)  # no street-office lists for staff


class TestDistrict:
    def test_a_community_that_turned_red_this_month_is_listed(
        self, as_user, district_officer, world, today
    ):
        negative = CatalogueItemFactory(district=world.district, list="negative")
        task = TaskFactory(
            community=world.community_a,
            catalogue_item=negative,
            outcome=Outcome.REFUSED,
            status=Status.REFUSED,
            received_on=today.replace(day=1),
        )
        TimeEntryFactory(
            staff_member__community=world.community_a,
            task=task,
            resident_work="",
            date=today.replace(day=2),
        )

        reminders.remind(today)
        assert reminders.remind(today) == 0  # told once

        response = as_user(district_officer).get(reverse("dashboards:inbox"))

        assert [n.community for n in listed(response, "turned_red")] == [world.community_a]
        assert badge(response) == 1 == sum(section_counts(response).values())

    def test_a_community_already_red_last_month_is_not_news(self, district_officer, world, today):
        negative = CatalogueItemFactory(district=world.district, list="negative")
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        for day in (last_month, today.replace(day=1)):
            task = TaskFactory(
                community=world.community_a,
                catalogue_item=negative,
                outcome=Outcome.REFUSED,
                status=Status.REFUSED,
                received_on=day,
            )
            TimeEntryFactory(
                staff_member__community=world.community_a, task=task, resident_work="", date=day
            )
        assert reminders.remind(today) == 0
        assert inbox.count(district_officer) == 0


class TestReminders:
    def _pending(self, world, due: date):
        return TaskFactory(community=world.community_a, decision_due=due)

    def test_it_fires_three_working_days_before_the_decision_date(self, official_a, world):
        # Friday 2026-06-05: three working days on is Wednesday 2026-06-10.
        with time_machine.travel(date(2026, 6, 5), tick=False):
            today = timezone.localdate()
            due = add_working_days(today, 3).day
            assert due == date(2026, 6, 10)
            task = self._pending(world, due)
            self._pending(world, add_working_days(today, 4).day)  # not yet

            assert reminders.remind() == 1
            assert reminders.remind() == 0  # a second run reminds once

        (sent,) = Notification.objects.all()
        assert (sent.user, sent.task, sent.kind) == (
            official_a,
            task,
            Notification.Kind.DECISION_SOON,
        )

    def test_it_fires_on_the_day_and_for_the_committee_deadline(
        self, official_a, staff_a, chair_a, world, today
    ):
        self._pending(world, today)
        TaskFactory(
            community=world.community_a,
            outcome=Outcome.DUTY,
            status=Status.IN_PROGRESS,
            deadline=today,
        )
        reminders.remind(today)
        assert sorted(Notification.objects.values_list("user__username", "kind")) == sorted(
            [
                (official_a.username, "decision_today"),
                (staff_a.username, "deadline_today"),
                (chair_a.username, "deadline_today"),
            ]
        )

    def test_it_is_e_mailed_only_when_e_mail_is_set_up(self, official_a, world, today, settings):
        official_a.email = "official@example.org"
        official_a.save()
        self._pending(world, today)
        settings.REMINDER_EMAILS = False
        reminders.remind(today)
        assert mail.outbox == []

        Notification.objects.all().delete()
        settings.REMINDER_EMAILS = True
        reminders.remind(today)
        (message,) = mail.outbox
        assert message.to == ["official@example.org"]
        assert Notification.objects.get().emailed

    def test_the_job_runs_on_the_tasks_queue(self, official_a, world, today, settings):
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        self._pending(world, today)
        result = reminders.send_reminders.enqueue(today.isoformat())
        assert result.return_value == 1

    def test_a_reminder_is_shown_counted_and_marked_read(self, as_user, official_a, world, today):
        task = self._pending(world, today)
        reminders.remind(today)
        client = as_user(official_a)
        response = client.get(reverse("dashboards:inbox"))
        assert listed(response, "reminders")[0].task == task
        assert badge(response) == 2  # the reminder and the approval waiting

        (notification,) = Notification.objects.all()
        client.post(reverse("dashboards:inbox_read"), {"id": notification.pk})

        notification.refresh_from_db()
        assert notification.read_at is not None
        assert badge(client.get(reverse("dashboards:inbox"))) == 1

    def test_nobody_marks_another_users_reminder_read(self, as_user, official_a, staff_b, world):
        self._pending(world, timezone.localdate())
        reminders.remind()
        (notification,) = Notification.objects.all()
        as_user(staff_b).post(reverse("dashboards:inbox_read"), {"all": "1"})
        notification.refresh_from_db()
        assert notification.read_at is None


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("dashboards:inbox"))
    assert response.status_code == 302 and response.url.startswith("/login/")
