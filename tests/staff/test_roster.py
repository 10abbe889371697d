"""The roster: who sees whom, personal data masked unless allowed, checks on saving."""

from datetime import date
from io import BytesIO
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from staff.models import StaffMember
from tests.conftest import TEST_TODAY
from tests.factories import StaffMemberFactory
from tests.scoping import ScopingTests
from tests.staff.factories import VALID_ID

MASKED_ID = "110105********002X"
MASKED_PHONE = "138****5678"
# A start on the roster two years before the suite's day (tests/conftest.py's TEST_TODAY).
START_DATE = date(TEST_TODAY.year - 2, 3, 1).isoformat()


def xlsx_rows(response):
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_it_sends_anonymous_visitors_to_log_in(client, world):
    response = client.get(reverse("staff:staff_list"))
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("login")


def test_staff_see_masked_id_numbers_and_phones_in_the_list(as_user, staff_a, worker_a, worker_b):
    page = as_user(staff_a).get(reverse("staff:staff_list")).content.decode()
    assert "张敏" in page and "乙职工" not in page
    assert MASKED_ID in page and MASKED_PHONE in page
    assert VALID_ID not in page and "13812345678" not in page


def test_the_chair_sees_them_whole_in_the_list(as_user, chair_a, worker_a):
    page = as_user(chair_a).get(reverse("staff:staff_list")).content.decode()
    assert VALID_ID in page and "13812345678" in page


def test_a_street_official_sees_the_roster_masked(as_user, official_a, worker_a, worker_b):
    page = as_user(official_a).get(reverse("staff:staff_list")).content.decode()
    assert "张敏" in page and MASKED_ID in page and VALID_ID not in page
    assert "乙职工" not in page


def test_the_excel_export_is_masked_for_staff(as_user, staff_a, worker_a):
    response = as_user(staff_a).get(reverse("staff:staff_list"), {"export": "xlsx"})
    rows = xlsx_rows(response)
    assert "姓名" in rows[0] or "名称" in rows[0]
    flat = [str(v) for row in rows[1:] for v in row]
    assert MASKED_ID in flat and MASKED_PHONE in flat
    assert VALID_ID not in flat and "13812345678" not in flat


def test_the_excel_export_is_whole_for_the_chair_and_district(
    as_user, chair_a, district_officer, worker_a
):
    for user in (chair_a, district_officer):
        rows = xlsx_rows(as_user(user).get(reverse("staff:staff_list"), {"export": "xlsx"}))
        flat = [str(v) for row in rows[1:] for v in row]
        assert VALID_ID in flat and "13812345678" in flat


def test_the_roster_runs_a_fixed_number_of_queries(
    as_user, world, district_officer, worker_a, django_assert_max_num_queries
):
    client = as_user(district_officer)
    client.get(reverse("staff:staff_list"))
    StaffMemberFactory.create_batch(40, community=world.community_b)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("staff:staff_list"))
    assert "乙社区" in response.content.decode()


class TestStaffMemberPage(ScopingTests):
    url_name, record = "staff:staff_detail", "worker_a"
    owner, outsider = "staff_a", "staff_b"

    def test_staff_see_the_page_masked(self, as_user, staff_a, worker_a, pay_a):
        page = as_user(staff_a).get(reverse("staff:staff_detail", args=[worker_a.pk]))
        text = page.content.decode()
        assert MASKED_ID in text and MASKED_PHONE in text and VALID_ID not in text
        assert "<svg" in text and "¥1100.00" in text.replace(",", "")

    def test_the_chair_sees_it_whole(self, as_user, chair_a, worker_a):
        text = as_user(chair_a).get(reverse("staff:staff_detail", args=[worker_a.pk])).content
        assert VALID_ID in text.decode() and "13812345678" in text.decode()


def roster_form(community, **changes):
    data = {
        "community": community.pk,
        "name": "王新",
        "kind": "fulltime",
        "post": "member",
        "grade": "3",
        "entry": "examination",
        "start_date": START_DATE,
        "certificate": "none",
        "national_id": VALID_ID,
        "phone": "13812345678",
    }
    data.update(changes)
    return data


class TestAddStaffMember:
    def test_it_adds_a_worker(self, as_user, staff_a, world):
        response = as_user(staff_a).post(reverse("staff:staff_add"), roster_form(world.community_a))
        person = StaffMember.objects.get(name="王新")
        assert response.status_code == 302 and person.community == world.community_a

    def test_it_refuses_a_wrong_check_digit(self, as_user, staff_a, world):
        data = roster_form(world.community_a, national_id=VALID_ID[:-1] + "5")
        response = as_user(staff_a).post(reverse("staff:staff_add"), data)
        assert response.status_code == 200
        assert "校验位" in response.content.decode()
        assert not StaffMember.objects.filter(name="王新").exists()

    def test_it_refuses_a_grade_outside_the_posts_range(self, as_user, staff_a, world):
        data = roster_form(world.community_a, grade="15")
        response = as_user(staff_a).post(reverse("staff:staff_add"), data)
        assert "1–12" in response.content.decode()
        assert not StaffMember.objects.filter(name="王新").exists()

    def test_it_refuses_another_communitys_roster(self, as_user, staff_a, world):
        data = roster_form(world.community_b)
        response = as_user(staff_a).post(reverse("staff:staff_add"), data)
        assert response.status_code == 200
        assert not StaffMember.objects.filter(name="王新").exists()

    def test_a_street_official_may_not_add(self, as_user, official_a):
        assert as_user(official_a).get(reverse("staff:staff_add")).status_code == 403


class TestEditStaffMember(ScopingTests):
    url_name, record = "staff:staff_edit", "worker_a"
    owner, outsider, reader = "staff_a", "staff_b", "official_a"

    def test_staff_edit_without_seeing_or_touching_personal_data(
        self, as_user, staff_a, worker_a, world
    ):
        client = as_user(staff_a)
        form = client.get(reverse("staff:staff_edit", args=[worker_a.pk])).content.decode()
        assert VALID_ID not in form and "13812345678" not in form
        data = roster_form(world.community_a, name="张敏敏")
        del data["national_id"], data["phone"]
        response = client.post(reverse("staff:staff_edit", args=[worker_a.pk]), data)
        assert response.status_code == 302
        worker_a.refresh_from_db()
        assert worker_a.name == "张敏敏" and worker_a.national_id == VALID_ID

    def test_the_chair_corrects_a_phone(self, as_user, chair_a, worker_a, world):
        data = roster_form(world.community_a, phone="13600001234")
        response = as_user(chair_a).post(reverse("staff:staff_edit", args=[worker_a.pk]), data)
        assert response.status_code == 302
        worker_a.refresh_from_db()
        assert worker_a.phone == "13600001234"

    @pytest.mark.parametrize("phone", ["1380000", "23812345678"])
    def test_it_refuses_a_bad_phone(self, as_user, chair_a, worker_a, world, phone):
        data = roster_form(world.community_a, phone=phone)
        response = as_user(chair_a).post(reverse("staff:staff_edit", args=[worker_a.pk]), data)
        assert response.status_code == 200 and "11" in response.content.decode()
        worker_a.refresh_from_db()
        assert worker_a.phone == "13812345678"
