"""Staff names as you type: the suggestions behind the task and hours filters, and the
filters that take a typed name instead of a drop-down of a district's whole staff."""

from datetime import timedelta

from django.urls import reverse

from tests.conftest import TEST_TODAY
from tests.factories import StaffMemberFactory
from tests.tasks.factories import TaskFactory, TimeEntryFactory

URL = reverse("staff:staff_search")


def names(response) -> list[tuple[str, str]]:
    return [(r["name"], r["community"]) for r in response.json()["results"]]


def test_anonymous_users_log_in_first(client, world):
    response = client.get(URL, {"q": "王"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_offers_only_the_staff_the_user_may_see(as_user, world, official_a, staff_b):
    StaffMemberFactory(community=world.community_a, name="王芳")
    StaffMemberFactory(community=world.community_a2, name="王强")
    StaffMemberFactory(community=world.community_b, name="王敏")
    assert names(as_user(official_a).get(URL, {"q": "王"})) == [
        ("王强", world.community_a2.name),
        ("王芳", world.community_a.name),
    ]
    assert names(as_user(staff_b).get(URL, {"q": "王"})) == [("王敏", world.community_b.name)]


def test_nothing_typed_offers_nothing_and_a_long_list_stops_at_twenty(
    as_user, world, district_officer
):
    StaffMemberFactory.create_batch(25, community=world.community_a, name="李静")
    client = as_user(district_officer)
    assert names(client.get(URL, {"q": "  "})) == []
    assert len(names(client.get(URL, {"q": "李"}))) == 20


def test_the_task_filter_takes_a_typed_assignee_name_or_an_id(as_user, world, official_a):
    wang = StaffMemberFactory(community=world.community_a, name="王芳")
    li = StaffMemberFactory(community=world.community_a2, name="李强")
    hers, his = TaskFactory(community=world.community_a), TaskFactory(community=world.community_a2)
    hers.assignees.add(wang)
    his.assignees.add(li, wang)
    TaskFactory(community=world.community_a)
    client = as_user(official_a)

    def titles(value):
        page = client.get(reverse("tasks:task_list"), {"assignee": value})
        return sorted(r.record.title for r in page.context["table"].paginated_rows)

    assert titles("王") == sorted([hers.title, his.title])
    assert titles(str(li.pk)) == [his.title]
    form = client.get(reverse("tasks:task_list")).context["filter"].form
    assert 'data-staff-search="/staff/search/"' in str(form["assignee"])
    assert "<option" not in str(form["assignee"])


def test_the_hours_filter_takes_a_typed_staff_name(as_user, world, official_a):
    wang = StaffMemberFactory(community=world.community_a, name="王芳")
    li = StaffMemberFactory(community=world.community_a, name="李强")
    TimeEntryFactory(staff_member=wang, date=TEST_TODAY - timedelta(days=2))
    TimeEntryFactory(staff_member=li, date=TEST_TODAY - timedelta(days=1))
    page = as_user(official_a).get(reverse("tasks:time_entry_list"), {"staff_member": "芳"})
    assert [r.record.staff_member for r in page.context["table"].paginated_rows] == [wang]
