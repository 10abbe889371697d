"""The lists behind the figures: filtered as the metrics count, scoped as everything else."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlparse

from django.urls import reverse

from tasks.models import CatalogueItem, CatalogueList, Nature, Outcome, Task, TimeEntry
from tests.factories import DepartmentFactory, StaffMemberFactory


def make_task(community, **kwargs):
    return Task.objects.create(
        community=community,
        title=kwargs.pop("title", "任务"),
        department=DepartmentFactory(district=community.street_office.district),
        category="forms",
        received_on=date(2026, 3, 1),
        **kwargs,
    )


def log(community, task, hours, day=date(2026, 3, 2)):
    return TimeEntry.objects.create(
        staff_member=StaffMemberFactory(community=community), task=task, date=day, hours=hours
    )


HOURS_QUERY = {
    "date_after": "2026-01-01",
    "date_before": "2026-12-31",
    "task__nature": "administrative",
}


class TestHoursBehindTheAdministrativeShare:
    def test_it_totals_the_administrative_hours_of_the_chosen_community(
        self, as_user, world, official_a
    ):
        log(world.community_a, make_task(world.community_a, nature=Nature.ADMINISTRATIVE), "6")
        log(world.community_a, make_task(world.community_a, nature=Nature.COMMUNITY), "2")
        log(world.community_a2, make_task(world.community_a2, nature=Nature.ADMINISTRATIVE), "5")
        response = as_user(official_a).get(
            reverse("dashboards:hours"), {**HOURS_QUERY, "community": world.community_a.pk}
        )
        assert response.context["total_hours"] == Decimal("6")
        assert response.context["all_hours"] == Decimal("8")
        assert "75\u00a0%" in response.content.decode()

    def test_it_adds_several_communities_up(self, as_user, world, official_a):
        log(world.community_a, make_task(world.community_a, nature=Nature.ADMINISTRATIVE), "6")
        log(world.community_a2, make_task(world.community_a2, nature=Nature.ADMINISTRATIVE), "5")
        response = as_user(official_a).get(
            reverse("dashboards:hours"),
            {**HOURS_QUERY, "community": [world.community_a.pk, world.community_a2.pk]},
        )
        assert response.context["total_hours"] == Decimal("11")

    def test_it_shows_nothing_outside_the_users_scope(self, as_user, world, staff_a):
        log(world.community_b, make_task(world.community_b, nature=Nature.ADMINISTRATIVE), "4")
        response = as_user(staff_a).get(
            reverse("dashboards:hours"), {**HOURS_QUERY, "community": world.community_b.pk}
        )
        assert response.context["total_hours"] == Decimal("0")
        assert len(response.context["table"].rows) == 0

    def test_anonymous_must_log_in(self, client, world):
        response = client.get(reverse("dashboards:hours"))
        assert urlparse(response["Location"]).path == reverse("login")


class TestTasksBehindAFlag:
    def test_it_lists_the_tasks_taken_on_without_admission(self, as_user, world, official_a):
        worked = make_task(
            world.community_a, title="待批已干", outcome=Outcome.PENDING, worked_while_pending=True
        )
        make_task(world.community_a, title="正常事项", outcome=Outcome.DUTY)
        response = as_user(official_a).get(
            reverse("dashboards:tasks"),
            {"community": world.community_a.pk, "flag": "unauthorised"},
        )
        assert [row.record for row in response.context["table"].rows] == [worked]

    def test_it_lists_negative_list_tasks_that_got_hours(self, as_user, world, official_a):
        item = CatalogueItem.objects.create(
            district=world.district,
            list=CatalogueList.NEGATIVE,
            category="certificate",
            item="开具无犯罪记录证明",
            valid_from=date(2020, 1, 1),
        )
        worked = make_task(world.community_a, title="干了", catalogue_item=item)
        make_task(world.community_a, title="没干", catalogue_item=item)
        log(world.community_a, worked, "1")
        response = as_user(official_a).get(
            reverse("dashboards:tasks"),
            {"community": world.community_a.pk, "flag": "negative_worked"},
        )
        assert [row.record for row in response.context["table"].rows] == [worked]


class TestTheTotalFromTheRollups:
    """The total under the hours list is read from the monthly rollups when the filter
    asks only what they hold, and equals the entries' own sum for every filter."""

    FILTERS = (
        {},
        {"community": "a"},
        {"date_after": "2026-02-01", "date_before": "2026-03-31"},
        {"date_after": "2026-03-01"},
        {"date_before": "2026-02-28"},
        {"task__nature": "administrative"},
        {"task__nature": "community"},  # not kept apart: from the entries
        {"date_after": "2026-02-10", "date_before": "2026-03-31"},  # part of a month
        {"resident_work": "safety"},
    )

    def test_every_filter_totals_what_the_entries_add_up_to(self, as_user, world, official_a):
        admin = make_task(world.community_a, nature=Nature.ADMINISTRATIVE)
        own = make_task(world.community_a2, nature=Nature.COMMUNITY)
        log(world.community_a, admin, "6", date(2026, 1, 31))
        log(world.community_a, admin, "2.5", date(2026, 2, 15))
        log(world.community_a2, own, "4", date(2026, 3, 2))
        log(world.community_a2, admin, "1.25", date(2026, 4, 1))
        TimeEntry.objects.create(
            staff_member=StaffMemberFactory(community=world.community_a),
            resident_work="safety",
            date=date(2026, 2, 20),
            hours=Decimal("3"),
        )
        log(world.community_b, make_task(world.community_b), "9")  # outside the scope
        client = as_user(official_a)
        for query in self.FILTERS:
            if query.get("community") == "a":
                query = {"community": world.community_a.pk}
            page = client.get(reverse("dashboards:hours"), query)
            entries = page.context["table"].data.data
            expected = sum((e.hours for e in entries), Decimal("0"))
            assert page.context["total_hours"] == expected, query
        everything = client.get(reverse("dashboards:hours")).context["total_hours"]
        assert everything == Decimal("16.75")

    def test_a_whole_scope_is_totalled_without_reading_its_entries(
        self, as_user, world, official_a
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        log(world.community_a, make_task(world.community_a), "6")
        client = as_user(official_a)
        client.get(reverse("dashboards:hours"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("dashboards:hours"))
        assert page.context["total_hours"] == Decimal("6")
        sums = [q["sql"] for q in queries if 'SUM("tasks_timeentry"."hours")' in q["sql"]]
        assert not [s for s in sums if "LIMIT" not in s], sums
