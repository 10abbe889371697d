"""Accounts without the admin: a chair looks after its community's staff, a district officer
its street officials and chairs; nobody reaches an account outside their scope."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from committee.models import Membership
from committee.roles import Role
from tests.factories import member
from tests.scoping import ScopingTests

User = get_user_model()
PASSWORD = re.compile(r"data-password>([^<]+)<")


def one_time_password(response) -> str:
    return PASSWORD.search(response.content.decode()).group(1)


@pytest.fixture
def chair_b(world):
    return member(Role.CHAIR, world.community_b, username="chair_b")


class TestChair:
    def test_a_chair_adds_a_worker_who_logs_in_and_sees_only_the_community(
        self, as_user, chair_a, world
    ):
        response = as_user(chair_a).post(
            reverse("account_create"),
            {
                "username": "new_worker",
                "full_name": "李娜",
                "role": Role.STAFF,
                "community": world.community_a.pk,
            },
        )
        assert response.status_code == 200
        password = one_time_password(response)
        assert response["Cache-Control"].startswith("max-age=0")

        worker = Client()
        login = worker.post(reverse("login"), {"username": "new_worker", "password": password})
        assert login.status_code == 302
        page = worker.get(reverse("committee:community_list")).content.decode()
        assert "甲社区" in page
        assert "甲二社区" not in page and "乙社区" not in page
        other = worker.get(reverse("dashboards:community", args=[world.community_b.pk]))
        assert other.status_code == 404

    def test_a_chair_cannot_give_a_place_outside_the_community(self, as_user, chair_a, world):
        response = as_user(chair_a).post(
            reverse("account_create"),
            {"username": "sneaky", "role": Role.STAFF, "community": world.community_b.pk},
        )
        assert response.status_code == 200 and "community" in response.context["form"].errors
        assert not User.objects.filter(username="sneaky").exists()

    def test_a_chair_cannot_make_a_street_official(self, as_user, chair_a, world):
        response = as_user(chair_a).post(
            reverse("account_create"),
            {"username": "boss", "role": Role.STREET_OFFICIAL, "community": world.community_a.pk},
        )
        assert "role" in response.context["form"].errors
        assert not User.objects.filter(username="boss").exists()

    def test_change_role_deactivate_and_reset(self, as_user, chair_a, staff_a, world):
        client = as_user(chair_a)
        url = reverse("account_detail", args=[staff_a.pk])

        client.post(url, {"action": "role", "role": Role.CHAIR, "community": world.community_a.pk})
        assert list(Membership.objects.filter(user=staff_a).values_list("role", flat=True)) == [
            Role.CHAIR
        ]

        client.post(url, {"action": "deactivate"})
        staff_a.refresh_from_db()
        assert not staff_a.is_active

        client.post(url, {"action": "activate"})
        password = one_time_password(client.post(url, {"action": "reset"}))
        staff_a.refresh_from_db()
        assert staff_a.is_active and staff_a.check_password(password)

    def test_a_chair_cannot_touch_another_communitys_accounts(self, as_user, chair_a, staff_b):
        client = as_user(chair_a)
        url = reverse("account_detail", args=[staff_b.pk])
        assert client.post(url, {"action": "deactivate"}).status_code == 404
        assert client.post(url, {"action": "reset"}).status_code == 404
        staff_b.refresh_from_db()
        assert staff_b.is_active
        assert "staff_b" not in client.get(reverse("account_list")).content.decode()

    def test_staff_may_not_manage_accounts(self, as_user, staff_a):
        assert as_user(staff_a).get(reverse("account_list")).status_code == 403
        assert as_user(staff_a).get(reverse("account_create")).status_code == 403


class TestDistrict:
    def test_the_district_officer_makes_a_street_official(self, as_user, district_officer, world):
        response = as_user(district_officer).post(
            reverse("account_create"),
            {
                "username": "new_official",
                "role": Role.STREET_OFFICIAL,
                "street_office": world.street_b.pk,
            },
        )
        one_time_password(response)
        (held,) = Membership.objects.filter(user__username="new_official")
        assert (held.role, held.street_office) == (Role.STREET_OFFICIAL, world.street_b)

    def test_the_district_officer_looks_after_officials_and_chairs_not_staff(
        self, as_user, district_officer, official_a, chair_a, staff_a
    ):
        page = as_user(district_officer).get(reverse("account_list")).content.decode()
        assert "official_a" in page and "chair_a" in page
        assert "staff_a" not in page


class TestAccountScoping(ScopingTests):
    url_name = "account_detail"
    record = "staff_a"
    owner = "chair_a"
    outsider = "chair_b"
    reader = "official_a"  # sees the community, does not manage its accounts


def test_the_account_list_is_scoped(as_user, chair_a, chair_b, staff_a, staff_b):
    page = as_user(chair_b).get(reverse("account_list")).content.decode()
    assert "staff_b" in page and "staff_a" not in page
