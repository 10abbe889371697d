"""The task pages: scoping of every view, the register's filters, export and columns."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from committee.models import TablePreference
from committee.periods import add_months, month_end
from tasks.models import CatalogueItem, Outcome, Status, Task, TaskEvent, TimeEntry
from tests.factories import StaffMemberFactory
from tests.scoping import covers
from tests.tasks.factories import CatalogueItemFactory, TaskFactory, TimeEntryFactory


def login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


class TestTaskCreate:
    URL = reverse("tasks:task_create")

    def data(self, world, department, **extra):
        return {
            "community": world.community_a.pk,
            "title": "临时人口统计报表",
            "department": department.pk,
            "received_on": "2026-03-02",
            "received_via": "chat",
            "category": "statistics",
            "nature": "administrative",
            "catalogue_item": "",
            "money_promised": "",
            **extra,
        }

    def test_anonymous_users_log_in_first(self, client, world):
        assert login_redirect(client.get(self.URL))

    def test_staff_get_the_form_for_their_own_community(self, as_user, staff_a, world):
        response = as_user(staff_a).get(self.URL)
        form = response.context["form"]
        assert list(form.fields["community"].queryset) == [world.community_a]
        assert form.fields["community"].initial == world.community_a
        assert 'id="suggestions"' in response.content.decode()

    def test_officials_may_not_log_tasks(self, as_user, official_a):
        assert as_user(official_a).get(self.URL).status_code == 403

    def test_staff_log_a_task_outside_the_catalogue_as_pending(
        self, as_user, staff_a, world, department, member_a
    ):
        response = as_user(staff_a).post(
            self.URL, self.data(world, department, assignees=[member_a.pk]), follow=True
        )
        task = Task.objects.get()
        assert (task.outcome, task.status) == (Outcome.PENDING, Status.PENDING)
        assert task.created_by == staff_a
        assert list(task.assignees.all()) == [member_a]
        assert response.redirect_chain[-1][0] == task.get_absolute_url()
        assert task.events.filter(kind=TaskEvent.Kind.PENDING, by=staff_a).exists()

    def test_staff_cannot_log_for_another_community(self, as_user, staff_a, world, department):
        data = self.data(world, department, community=world.community_b.pk)
        response = as_user(staff_a).post(self.URL, data)
        assert response.status_code == 200
        assert response.context["form"].errors["community"]
        assert not Task.objects.exists()

    def test_a_negative_list_pick_is_refused_with_its_reason(
        self, as_user, staff_a, world, department, catalogue
    ):
        data = self.data(world, department, catalogue_item=catalogue["negative"].pk)
        as_user(staff_a).post(self.URL, data)
        task = Task.objects.get()
        assert task.outcome == Outcome.REFUSED
        assert "摊派商业保险" in task.refusal_reason

    def test_a_missing_title_is_shown_again_and_nothing_saved(
        self, as_user, staff_a, world, department
    ):
        response = as_user(staff_a).post(self.URL, self.data(world, department, title=""))
        assert response.status_code == 200
        assert response.context["form"].errors["title"]
        assert not Task.objects.exists()

    def test_the_suggest_button_shows_matches_without_saving(
        self, as_user, staff_a, world, department, catalogue
    ):
        response = as_user(staff_a).post(self.URL, self.data(world, department, suggest="1"))
        assert not Task.objects.exists()
        assert response.context["suggestions"][0].item == catalogue["assist"]

    def test_the_live_suggestions_fragment(self, as_user, staff_a, world, catalogue):
        response = as_user(staff_a).get(
            reverse("tasks:catalogue_suggest"),
            {
                "title": "临时人口统计报表",
                "category": "statistics",
                "community": world.community_a.pk,
            },
        )
        page = response.content.decode()
        assert "协助开展经批准的统计调查和普查" in page
        assert 'name="catalogue_item" value=""' in page

    def test_the_form_says_when_the_holiday_calendar_ends(self, as_user, staff_a, world):
        url = reverse("tasks:catalogue_suggest")
        known = as_user(staff_a).get(url, {"title": "报表", "received_on": "2026-03-02"})
        assert 'id="calendar-note"' not in known.content.decode()
        unknown = as_user(staff_a).get(url, {"title": "报表", "received_on": "2026-12-28"})
        assert 'id="calendar-note"' in unknown.content.decode()

    def test_the_section_menu_fits_the_role(self, as_user, staff_a, official_a):
        staff_page = as_user(staff_a).get(reverse("tasks:task_list")).content.decode()
        assert reverse("tasks:approval_queue") not in staff_page
        assert reverse("tasks:timesheet") in staff_page
        official_page = as_user(official_a).get(reverse("tasks:task_list")).content.decode()
        assert reverse("tasks:approval_queue") in official_page
        assert reverse("tasks:timesheet") not in official_page

    def test_suggestions_need_a_login(self, client, world):
        assert login_redirect(client.get(reverse("tasks:catalogue_suggest")))


@covers("tasks:task_edit")
class TestTaskEdit:
    def url(self, task):
        return reverse("tasks:task_edit", args=[task.pk])

    def test_scoping(self, client, as_user, staff_b, official_a, world):
        task = TaskFactory(community=world.community_a)
        assert login_redirect(client.get(self.url(task)))
        assert as_user(staff_b).get(self.url(task)).status_code == 404
        assert as_user(official_a).get(self.url(task)).status_code == 403
        assert as_user(official_a).post(self.url(task), {"title": "改"}).status_code == 403
        task.refresh_from_db()
        assert task.title != "改"

    def test_staff_edit_the_description_and_it_is_kept_in_history(
        self, as_user, staff_a, world, member_a
    ):
        task = TaskFactory(community=world.community_a, money_received=Decimal("88.00"))
        data = {
            "title": "新的标题",
            "description": "补充说明",
            "received_via": "document",
            "nature": "administrative",
            "service_area": "",
            "deadline": "2026-05-01",
            "estimated_hours": "6",
            "assignees": [member_a.pk],
            "money_received": "99999",  # read-only: kept by funds
            "outcome": "duty",  # decided only by the admission rule
        }
        response = as_user(staff_a).post(self.url(task), data)
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.title == "新的标题"
        assert task.deadline == date(2026, 5, 1)
        assert task.money_received == Decimal("88.00")
        assert task.outcome == Outcome.PENDING
        assert task.events.get(kind=TaskEvent.Kind.EDITED).by == staff_a

    def test_a_title_change_alone_is_saved_and_kept_in_history(self, as_user, staff_a, world):
        task = TaskFactory(community=world.community_a, title="旧标题")
        data = {"title": "新标题", "received_via": "document", "nature": "administrative"}
        assert as_user(staff_a).post(self.url(task), data).status_code == 302
        task.refresh_from_db()
        assert task.title == "新标题"
        event = task.events.get(kind=TaskEvent.Kind.EDITED)
        assert event.by == staff_a
        assert "标题" in event.note or "title" in event.note


@covers("tasks:task_status")
class TestTaskStatus:
    def url(self, task):
        return reverse("tasks:task_status", args=[task.pk])

    def test_scoping(self, client, as_user, staff_b, official_a, world):
        task = TaskFactory(community=world.community_a, outcome="duty", status="admitted")
        assert login_redirect(client.post(self.url(task), {"status": "done"}))
        assert as_user(staff_b).post(self.url(task), {"status": "done"}).status_code == 404
        assert as_user(official_a).post(self.url(task), {"status": "done"}).status_code == 403
        task.refresh_from_db()
        assert task.status == "admitted"

    def test_staff_move_an_admitted_task_to_done(self, as_user, staff_a, world):
        task = TaskFactory(community=world.community_a, outcome="duty", status="admitted")
        as_user(staff_a).post(self.url(task), {"status": "done"})
        task.refresh_from_db()
        assert task.status == Status.DONE
        assert task.events.get(kind=TaskEvent.Kind.STATUS).by == staff_a

    def test_a_pending_task_cannot_be_done(self, as_user, staff_a, world):
        task = TaskFactory(community=world.community_a)
        response = as_user(staff_a).post(self.url(task), {"status": "done"}, follow=True)
        task.refresh_from_db()
        assert task.status == Status.PENDING
        assert list(response.context["messages"])


@covers("tasks:task_log_hours")
class TestTaskLogHours:
    def url(self, task):
        return reverse("tasks:task_log_hours", args=[task.pk])

    def test_scoping(self, client, as_user, staff_b, official_a, world, member_a):
        task = TaskFactory(community=world.community_a)
        data = {"staff_member": member_a.pk, "date": "2026-03-03", "hours": "3"}
        assert login_redirect(client.post(self.url(task), data))
        assert as_user(staff_b).post(self.url(task), data).status_code == 404
        assert as_user(official_a).post(self.url(task), data).status_code == 403
        assert not TimeEntry.objects.exists()

    def test_staff_log_three_hours_on_a_pending_task(self, as_user, staff_a, world, member_a):
        task = TaskFactory(community=world.community_a)
        data = {"staff_member": member_a.pk, "date": "2026-03-03", "hours": "3"}
        as_user(staff_a).post(self.url(task), data)
        entry = TimeEntry.objects.get()
        assert (entry.task, entry.hours, entry.while_pending) == (task, Decimal("3"), True)

    def test_a_person_of_another_community_is_not_offered(self, as_user, staff_a, world, member_b):
        task = TaskFactory(community=world.community_a)
        data = {"staff_member": member_b.pk, "date": "2026-03-03", "hours": "3"}
        response = as_user(staff_a).post(self.url(task), data)
        assert response.status_code == 400
        assert not TimeEntry.objects.exists()


class TestTaskList:
    URL = reverse("tasks:task_list")

    def test_anonymous_users_log_in_first(self, client, world):
        assert login_redirect(client.get(self.URL))

    def test_it_shows_only_tasks_in_scope(self, as_user, staff_a, official_a, world):
        a = TaskFactory(community=world.community_a, title="甲的任务")
        a2 = TaskFactory(community=world.community_a2, title="甲二的任务")
        TaskFactory(community=world.community_b, title="乙的任务")
        rows = {r.record for r in as_user(staff_a).get(self.URL).context["table"].rows}
        assert rows == {a}
        rows = {r.record for r in as_user(official_a).get(self.URL).context["table"].rows}
        assert rows == {a, a2}

    def test_it_filters_by_status_department_search_and_dates(self, as_user, staff_a, world):
        hit = TaskFactory(
            community=world.community_a, title="人口报表", received_on=date(2026, 3, 5)
        )
        TaskFactory(community=world.community_a, title="人口报表", received_on=date(2025, 3, 5))
        TaskFactory(community=world.community_a, title="会议", received_on=date(2026, 3, 5))
        TaskFactory(
            community=world.community_a,
            title="人口报表",
            status="admitted",
            outcome="duty",
            received_on=date(2026, 3, 5),
        )
        response = as_user(staff_a).get(
            self.URL,
            {
                "q": "人口",
                "status": "pending",
                "received_on_after": "2026-01-01",
                "received_on_before": "2026-12-31",
            },
        )
        assert [r.record for r in response.context["table"].rows] == [hit]

    def test_it_runs_a_fixed_number_of_queries(
        self, as_user, staff_a, world, django_assert_max_num_queries
    ):
        client = as_user(staff_a)
        member = StaffMemberFactory(community=world.community_a)

        def fill(n):
            for task in TaskFactory.create_batch(n, community=world.community_a):
                task.assignees.add(member)
                TimeEntryFactory(
                    staff_member=member, task=task, resident_work="", date=task.received_on
                )

        fill(3)
        # Assignees (many-to-many), hours (summed for the page shown, one query), the
        # catalogue item (a join); the page's ids are picked before its rows are loaded.
        every = {"columns": ["title", "assignees", "hours", "catalogue_item"]}
        with django_assert_max_num_queries(17):
            assert client.get(self.URL, every).status_code == 200
        fill(45)
        with django_assert_max_num_queries(17):
            response = client.get(self.URL, every)
        assert len(response.context["table"].page.object_list) == 48

    def test_the_excel_export_has_the_filtered_rows_and_visible_columns(
        self, as_user, staff_a, world
    ):
        for i in range(3):
            TaskFactory(
                community=world.community_a,
                title=f"报表{i}",
                money_promised=Decimal("1000.50"),
                received_on=date(2026, 3, 2 + i),
            )
        TaskFactory(community=world.community_a, title="会议", outcome="duty", status="admitted")
        client = as_user(staff_a)
        query = {"status": "pending", "columns": ["title", "received_on", "money_promised"]}
        page = client.get(self.URL, query)
        shown = [(r.record.title) for r in page.context["table"].rows]
        response = client.get(self.URL, {**query, "export": "xlsx"})
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 1 + len(shown) == 4
        assert [r[0] for r in rows[1:]] == shown
        assert rows[1][2] == 1000.5
        assert rows[1][1].date() == date(2026, 3, 4)

    def test_it_remembers_the_chosen_columns_per_user(self, as_user, staff_a, world):
        TaskFactory(community=world.community_a)
        client = as_user(staff_a)
        shown = client.get(self.URL, {"columns": ["title", "deadline"]}).context["table"]
        assert [c.name for c in shown.columns] == ["title", "deadline"]
        assert not TablePreference.objects.exists()  # looking at columns keeps nothing
        assert "deadline" not in [c.name for c in client.get(self.URL).context["table"].columns]
        response = client.post(
            self.URL + "?status=open", {"columns": ["title", "deadline", "not-a-column"]}
        )
        assert response.status_code == 302 and response.url == self.URL + "?status=open"
        assert TablePreference.objects.get(user=staff_a).columns == ["title", "deadline"]
        table = client.get(self.URL).context["table"]
        assert [c.name for c in table.columns] == ["title", "deadline"]
        client.post(self.URL, {"default": "1"})
        table = client.get(self.URL).context["table"]
        assert "department" in [c.name for c in table.columns]
        assert not TablePreference.objects.exists()


@covers("tasks:catalogue_edit")
class TestCatalogue:
    def test_everyone_in_the_district_reads_and_searches_it(self, as_user, staff_a, world):
        item = CatalogueItemFactory(district=world.district, item="调解民间纠纷")
        CatalogueItemFactory(district=world.district, item="其他")
        response = as_user(staff_a).get(reverse("tasks:catalogue_list"), {"q": "调解"})
        assert [r.record for r in response.context["table"].rows] == [item]
        assert f"catalogue/{item.pk}/edit" not in response.content.decode()

    def test_only_district_officers_edit(
        self, client, as_user, staff_a, official_a, district_officer, world
    ):
        item = CatalogueItemFactory(district=world.district, item="调解民间纠纷")
        url = reverse("tasks:catalogue_edit", args=[item.pk])
        assert login_redirect(client.get(url))
        assert as_user(staff_a).get(url).status_code == 403
        assert as_user(official_a).get(url).status_code == 403
        data = {
            "district": world.district.pk,
            "list": "duty",
            "category": "调解",
            "item": "调解民间纠纷和邻里矛盾",
            "valid_from": "2020-01-01",
            "active": "on",
        }
        assert as_user(district_officer).post(url, data).status_code == 302
        item.refresh_from_db()
        assert item.item == "调解民间纠纷和邻里矛盾"

    def test_another_districts_item_is_404(self, as_user, district_officer):
        item = CatalogueItemFactory()
        url = reverse("tasks:catalogue_edit", args=[item.pk])
        assert as_user(district_officer).get(url).status_code == 404

    def test_district_officers_add_items(self, as_user, staff_a, district_officer, world):
        url = reverse("tasks:catalogue_create")
        assert as_user(staff_a).get(url).status_code == 403
        data = {
            "district": world.district.pk,
            "list": "negative",
            "category": "摊派",
            "item": "摊派报刊订阅",
            "valid_from": "2026-01-01",
            "active": "on",
        }
        assert as_user(district_officer).post(url, data).status_code == 302
        assert CatalogueItem.objects.get().list == "negative"


class TestDepartmentLeague:
    URL = reverse("tasks:department_league")

    def test_anonymous_users_log_in_first(self, client, world):
        assert login_redirect(client.get(self.URL))

    def test_it_counts_only_communities_in_scope(self, as_user, staff_a, world, department):
        TaskFactory(
            community=world.community_a, department=department, money_promised=Decimal("500")
        )
        TaskFactory(community=world.community_b, department=department)
        response = as_user(staff_a).get(self.URL, {"start": "2026-01-01", "end": "2026-12-31"})
        [row] = [r.record for r in response.context["table"].rows]
        assert (row.name, row.tasks, row.money_promised) == ("区统计局", 1, Decimal("500"))
        export = as_user(staff_a).get(
            self.URL, {"start": "2026-01-01", "end": "2026-12-31", "export": "xlsx"}
        )
        sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
        assert list(sheet.iter_rows(values_only=True))[1][0] == "区统计局"

    def test_its_default_year_reads_the_rollups_in_a_fixed_number_of_queries(
        self, as_user, district_officer, world, department, django_assert_max_num_queries
    ):
        from committee.services import service
        from tests.factories import CommunityFactory

        today = timezone.localdate()

        def tasks_in(communities, n):
            for community in communities:
                TaskFactory.create_batch(
                    n, community=community, department=department, received_on=today
                )

        service(tasks_in)([world.community_a], 1)
        client = as_user(district_officer)
        page = client.get(self.URL)
        # the months from a year ago to the end of this one
        assert (page.context["start"], page.context["end"]) == (
            add_months(today, -12),
            month_end(today),
        )
        service(tasks_in)(CommunityFactory.create_batch(4, street_office=world.street_b), 2)
        # 12: the session and the user's places, the rollups (the league, the unauthorised
        # by decision date, the month totals, the period's totals read once for the money
        # and the hours share), the paperwork columns; 13 when those were read twice
        with django_assert_max_num_queries(12) as reads:
            page = client.get(self.URL)
        [row] = [r.record for r in page.context["table"].rows]
        assert (row.name, row.tasks) == ("区统计局", 9)
        service(tasks_in)(CommunityFactory.create_batch(4, street_office=world.street_b), 1)
        with django_assert_max_num_queries(len(reads.captured_queries)):
            client.get(self.URL)


class TestHoursList:
    def test_it_shows_only_hours_in_scope(self, client, as_user, staff_a, member_a, member_b):
        mine = TimeEntryFactory(staff_member=member_a)
        TimeEntryFactory(staff_member=member_b)
        url = reverse("tasks:time_entry_list")
        assert login_redirect(client.get(url))
        assert [r.record for r in as_user(staff_a).get(url).context["table"].rows] == [mine]


@pytest.mark.parametrize(
    "name", ["tasks:task_list", "tasks:catalogue_list", "tasks:time_entry_list"]
)
def test_every_list_offers_excel(as_user, staff_a, name):
    response = as_user(staff_a).get(reverse(name), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
