"""Login throttling: five wrong passwords lock a username at one address; a district
officer of the user's own district can unlock it."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committee.roles import Role
from tests.factories import PASSWORD, DistrictFactory, UserFactory, member
from tests.scoping import covers

LOCKED = "登录已锁定"
WRONG = "请输入一个正确的"


def try_login(client, username, password, url=None, address="10.0.0.1"):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def logged_in_as(client):
    return client.get(reverse("home")).wsgi_request.user


def lock(username, address="10.0.0.1", url=None):
    client = Client()
    for _ in range(5):
        try_login(client, username, "wrong-password", url=url, address=address)


def test_four_wrong_passwords_are_answered_as_wrong_passwords(client, staff_a):
    for _ in range(4):
        response = try_login(client, "staff_a", "wrong-password")
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    response = try_login(client, "staff_a", PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) == staff_a


def test_the_fifth_wrong_password_locks_and_the_right_one_is_then_refused(client, staff_a):
    for _ in range(4):
        try_login(client, "staff_a", "wrong-password")
    response = try_login(client, "staff_a", "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "15 分钟" in page

    response = try_login(client, "staff_a", "wrong-password")  # the sixth
    assert response.status_code == 429

    response = try_login(client, "staff_a", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not logged_in_as(client).is_authenticated


def test_the_lockout_speaks_english_to_an_english_browser(client, staff_a):
    lock("staff_a")
    response = client.post(
        reverse("login"),
        {"username": "staff_a", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "Login locked" in response.content.decode()


def test_the_lock_holds_for_that_address_only(client, staff_a):
    lock("staff_a", address="10.0.0.1")
    response = try_login(client, "staff_a", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert logged_in_as(client) == staff_a


def test_the_lock_ends_after_fifteen_minutes(client, staff_a):
    lock("staff_a")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = try_login(client, "staff_a", PASSWORD)
        assert response.status_code == 302


def test_failures_older_than_fifteen_minutes_do_not_count(client, staff_a):
    for _ in range(4):
        try_login(client, "staff_a", "wrong-password")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = try_login(client, "staff_a", "wrong-password")
        assert response.status_code == 200
        assert WRONG in response.content.decode()


def test_the_admin_login_is_locked_the_same_way(client, db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    lock("root", url=admin_login)
    response = try_login(client, "root", PASSWORD, url=admin_login)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    # A lock taken at the admin login holds at the site's login as well.
    assert try_login(client, "root", PASSWORD).status_code == 429


@covers("lockout_list", "lockout_unlock")
class TestUnlockScoping:
    def test_anonymous_visitors_are_sent_to_log_in(self, client, staff_a):
        lock("staff_a")
        for response in (
            client.get(reverse("lockout_list")),
            client.post(reverse("lockout_unlock"), {"username": "staff_a"}),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        assert AccessAttempt.objects.filter(username="staff_a").exists()

    @pytest.mark.parametrize("who", ["staff_a", "chair_a", "official_a"])
    def test_community_and_street_users_may_not_unlock(self, request, db, as_user, who):
        lock("staff_a")
        client = as_user(request.getfixturevalue(who))
        assert client.get(reverse("lockout_list")).status_code == 403
        response = client.post(reverse("lockout_unlock"), {"username": "staff_a"})
        assert response.status_code == 403
        assert AccessAttempt.objects.filter(username="staff_a").exists()

    def test_another_districts_officer_neither_sees_nor_unlocks(self, as_user, staff_a):
        other = member(Role.DISTRICT_OFFICER, DistrictFactory(name="别的区"), username="other")
        lock("staff_a")
        client = as_user(other)
        page = client.get(reverse("lockout_list")).content.decode()
        assert "staff_a" not in page
        response = client.post(reverse("lockout_unlock"), {"username": "staff_a"})
        assert response.status_code == 404
        assert try_login(Client(), "staff_a", PASSWORD).status_code == 429

    def test_an_unknown_username_is_not_found(self, as_user, district_officer):
        lock("nobody")
        response = as_user(district_officer).post(reverse("lockout_unlock"), {"username": "nobody"})
        assert response.status_code == 404
        assert AccessAttempt.objects.filter(username="nobody").exists()

    def test_the_district_officer_sees_and_unlocks_their_districts_user(
        self, as_user, district_officer, staff_a, staff_b, django_assert_max_num_queries
    ):
        lock("staff_a")
        lock("staff_b", address="10.0.0.9")
        client = as_user(district_officer)
        with django_assert_max_num_queries(6):
            page = client.get(reverse("lockout_list")).content.decode()
        assert "staff_a" in page and "staff_b" in page and "10.0.0.9" in page
        assert "解锁" in page

        response = client.post(reverse("lockout_unlock"), {"username": "staff_a"}, follow=True)
        assert "staff_a 可以重新登录" in response.content.decode()
        assert try_login(Client(), "staff_a", PASSWORD).status_code == 302
        # staff_b is still locked; a second click on staff_a's button does no harm.
        assert try_login(Client(), "staff_b", PASSWORD, address="10.0.0.9").status_code == 429
        again = client.post(reverse("lockout_unlock"), {"username": "staff_a"})
        assert again.status_code == 302


def test_the_lockout_list_costs_the_same_queries_for_many_lockouts(
    as_user, world, district_officer, django_assert_max_num_queries
):
    for n in range(12):
        user = member(Role.STAFF, world.community_a, username=f"worker{n}")
        AccessAttempt.objects.create(
            username=user.username,
            ip_address=f"10.1.0.{n}",
            user_agent="test",
            failures_since_start=5,
            get_data="",
            post_data="",
            http_accept="",
            path_info="/login/",
        )
    client = as_user(district_officer)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("lockout_list")).content.decode()
    assert page.count("worker") >= 12
    assert get_user_model().objects.filter(username__startswith="worker").count() == 12


def test_the_nav_shows_locked_logins_to_district_officers_only(as_user, district_officer, staff_a):
    communities = reverse("committee:community_list")
    assert reverse("lockout_list") in as_user(district_officer).get(communities).content.decode()
    assert reverse("lockout_list") not in as_user(staff_a).get(communities).content.decode()
