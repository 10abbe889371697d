"""The 15-working-day decision count follows China's official holiday calendar."""

from datetime import date

import pytest
from django.urls import reverse

from tasks import workdays
from tests.scoping import covers
from tests.tasks.factories import TaskFactory


def test_the_count_skips_national_day_and_counts_the_makeup_weekend_days():
    # 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are working days.
    due = workdays.decision_due(date(2025, 9, 26))
    assert due == workdays.DueDate(date(2025, 10, 23), known=True)
    # Plain weekdays would have said 17 October.
    assert due.day != date(2025, 10, 17)


def test_the_count_skips_the_spring_festival():
    # 2026 Spring Festival: 15–23 February off; 14 and 28 February are make-up working days.
    due = workdays.decision_due(date(2026, 2, 10))
    assert due.known
    assert due.day == date(2026, 3, 9)


def test_a_date_outside_the_calendar_is_counted_by_weekdays_and_said_so():
    due = workdays.decision_due(date(2026, 12, 28))
    assert not due.known
    assert due.day == date(2027, 1, 18)
    assert not workdays.calendar_knows(date(2027, 1, 4))


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (date(2025, 9, 30), date(2025, 10, 9), 1),  # the holiday week counts for nothing
        (date(2025, 10, 9), date(2025, 10, 9), 0),
        (date(2025, 10, 13), date(2025, 10, 9), -3),  # late Fri 10, Sat 11 (make-up), Mon 13
    ],
)
def test_working_days_left(today, due, left):
    assert workdays.working_days_left(today, due)[0] == left


@covers("tasks:task_detail")
class TestDueDateOnTheTaskPage:
    def test_it_says_when_the_calendar_does_not_know_the_dates(self, as_user, staff_a, world):
        task = TaskFactory(
            community=world.community_a,
            received_on=date(2026, 12, 28),
            decision_due=date(2027, 1, 18),
            decision_due_estimated=True,
        )
        page = as_user(staff_a).get(reverse("tasks:task_detail", args=[task.pk])).content.decode()
        assert "2027-01-18" in page
        assert "节假日" in page or "holiday calendar" in page

    def test_it_says_when_the_decision_came_late(self, as_user, staff_a, world):
        task = TaskFactory(
            community=world.community_a,
            received_on=date(2025, 9, 26),
            outcome="assist_authorised",
            status="admitted",
            decided_on=date(2025, 10, 27),  # due 23 October: Fri 24 and Mon 27 late
        )
        response = as_user(staff_a).get(reverse("tasks:task_detail", args=[task.pk]))
        assert response.context["due"]["decided_late"] == 2

    def test_anonymous_users_log_in_first(self, client, world):
        task = TaskFactory(community=world.community_a)
        response = client.get(reverse("tasks:task_detail", args=[task.pk]))
        assert response.status_code == 302

    def test_out_of_scope_is_404(self, as_user, staff_b, official_b, world):
        task = TaskFactory(community=world.community_a)
        for user in (staff_b, official_b):
            assert (
                as_user(user).get(reverse("tasks:task_detail", args=[task.pk])).status_code == 404
            )
