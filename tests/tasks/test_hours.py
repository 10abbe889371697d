"""Hours: quarter-hour steps, at most 24 a day per person, a week in one form."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from tasks.models import TimeEntry
from tests.factories import StaffMemberFactory
from tests.scoping import covers
from tests.tasks.factories import TaskFactory, TimeEntryFactory

MONDAY = date(2026, 3, 2)


def week(member, rows, monday=MONDAY):
    """POST data of the timesheet: rows of (what, [7 cells])."""
    data = {"staff": member.pk, "week": monday.isoformat()}
    for i, (what, cells) in enumerate(rows):
        data[f"r{i}_what"] = what
        for d, value in enumerate(cells):
            data[f"r{i}_d{d}"] = value
    return data


def post_week(client, member, rows):
    return client.post(reverse("tasks:timesheet"), week(member, rows))


def messages_of(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


class TestTimesheetLimits:
    def test_it_saves_a_week_with_row_and_day_totals(self, as_user, staff_a, member_a, world):
        task = TaskFactory(community=world.community_a, received_on=MONDAY)
        client = as_user(staff_a)
        response = post_week(
            client,
            member_a,
            [
                (f"task:{task.pk}", ["3", "2.5", "", "", "", "", ""]),
                ("work:culture", ["1.25", "", "4", "", "", "", ""]),
            ],
        )
        assert response.status_code == 302
        entries = TimeEntry.objects.filter(staff_member=member_a).order_by("date", "hours")
        assert [(e.date.day, e.hours) for e in entries] == [
            (2, Decimal("1.25")),
            (2, Decimal("3")),
            (3, Decimal("2.5")),
            (4, Decimal("4")),
        ]
        page = client.get(response["Location"])
        assert page.context["day_totals"][:3] == [Decimal("4.25"), Decimal("2.5"), Decimal("4")]
        assert page.context["week_total"] == Decimal("10.75")
        assert [total for _row, total in page.context["rows"]][:2] == [
            Decimal("5.5"),
            Decimal("5.25"),
        ]

    @pytest.mark.parametrize(
        ("cells", "message"),
        [
            (["25", "", "", "", "", "", ""], "24"),
            (["-2", "", "", "", "", "", ""], "0"),
            (["1.3", "", "", "", "", "", ""], "0.25"),
            (["abc", "", "", "", "", "", ""], "1.5"),
        ],
    )
    def test_it_refuses_bad_hours_with_a_message_and_saves_nothing(
        self, as_user, staff_a, member_a, cells, message
    ):
        TimeEntryFactory(staff_member=member_a, date=MONDAY, hours=Decimal("2"))
        response = post_week(
            as_user(staff_a),
            member_a,
            [("work:culture", ["1", "1", "", "", "", "", ""]), ("work:health", cells)],
        )
        assert response.status_code == 400
        assert message in messages_of(response)
        # Nothing half-saved: the week still holds exactly what it held before.
        assert list(
            TimeEntry.objects.filter(staff_member=member_a).values_list("date", "hours")
        ) == [(MONDAY, Decimal("2"))]

    def test_it_refuses_more_than_24_hours_in_a_day_across_rows(self, as_user, staff_a, member_a):
        response = post_week(
            as_user(staff_a),
            member_a,
            [
                ("work:culture", ["13", "", "", "", "", "", ""]),
                ("work:health", ["12", "", "", "", "", "", ""]),
            ],
        )
        assert response.status_code == 400
        assert "25" in messages_of(response)
        assert not TimeEntry.objects.exists()

    def test_it_accepts_exactly_24_hours(self, as_user, staff_a, member_a):
        response = post_week(
            as_user(staff_a),
            member_a,
            [
                ("work:culture", ["12", "", "", "", "", "", ""]),
                ("work:health", ["12", "", "", "", "", "", ""]),
            ],
        )
        assert response.status_code == 302
        assert TimeEntry.objects.filter(date=MONDAY).count() == 2

    def test_saving_replaces_the_week_and_keeps_pending_marks(
        self, as_user, staff_a, member_a, world
    ):
        task = TaskFactory(community=world.community_a, received_on=MONDAY)
        client = as_user(staff_a)
        post_week(client, member_a, [(f"task:{task.pk}", ["3", "", "", "", "", "", ""])])
        task.refresh_from_db()
        assert task.worked_while_pending
        task.outcome, task.status = "assist_authorised", "admitted"
        task.save()
        post_week(client, member_a, [(f"task:{task.pk}", ["3", "1", "", "", "", "", ""])])
        entries = {e.date: e.while_pending for e in TimeEntry.objects.all()}
        assert entries == {MONDAY: True, MONDAY + timedelta(days=1): False}


@covers("tasks:timesheet")
class TestTimesheetScoping:
    def test_anonymous_users_log_in_first(self, client, world):
        assert client.get(reverse("tasks:timesheet")).status_code == 302

    def test_it_hides_staff_of_other_communities(self, as_user, staff_a, member_a, member_b):
        client = as_user(staff_a)
        StaffMemberFactory(community=member_b.community)
        response = client.get(reverse("tasks:timesheet"), {"staff": member_b.pk})
        assert response.status_code == 404
        response = post_week(client, member_b, [("work:culture", ["2"] + [""] * 6)])
        assert response.status_code == 404
        assert not TimeEntry.objects.exists()

    def test_officials_may_not_fill_timesheets(self, as_user, official_a, member_a):
        response = as_user(official_a).get(reverse("tasks:timesheet"))
        assert response.status_code == 403

    def test_a_task_of_another_community_is_refused(self, as_user, staff_a, member_a, world):
        other = TaskFactory(community=world.community_b)
        response = post_week(as_user(staff_a), member_a, [(f"task:{other.pk}", ["2"] + [""] * 6)])
        assert response.status_code == 400
        assert not TimeEntry.objects.exists()


def test_the_timesheet_runs_a_fixed_number_of_queries(
    as_user, staff_a, member_a, world, django_assert_max_num_queries
):
    client = as_user(staff_a)
    url = reverse("tasks:timesheet")
    params = {"staff": member_a.pk, "week": MONDAY.isoformat()}

    def fill(n):
        tasks = TaskFactory.create_batch(n, community=world.community_a, received_on=MONDAY)
        for i, task in enumerate(tasks):
            TimeEntryFactory(
                staff_member=member_a,
                date=MONDAY + timedelta(days=i % 7),
                hours=Decimal("0.25"),
                task=task,
                resident_work="",
            )

    fill(2)
    with django_assert_max_num_queries(12):
        assert client.get(url, params).status_code == 200
    fill(30)
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    assert len(response.context["rows"]) == 32 + 3


def test_logging_hours_on_a_task_page_refuses_a_25_hour_day(as_user, staff_a, member_a, world):
    task = TaskFactory(community=world.community_a)
    TimeEntryFactory(staff_member=member_a, date=MONDAY, hours=Decimal("20"))
    response = as_user(staff_a).post(
        reverse("tasks:task_log_hours", args=[task.pk]),
        {"staff_member": member_a.pk, "date": MONDAY.isoformat(), "hours": "5"},
    )
    assert response.status_code == 400
    assert "24" in " ".join(response.context["hours_form"].non_field_errors())
    assert not task.time_entries.exists()
