"""Sessions on shared office PCs: an idle timeout, and a password change signs out
every other session of that user."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.committee.test_settings import run_manage, run_python
from tests.factories import PASSWORD

PAGE = "committee:community_list"


def log_in(username, password=PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def test_it_signs_out_after_two_hours_without_a_request(staff_a):
    client = log_in("staff_a")
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        response = client.get(reverse(PAGE), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert not response.wsgi_request.user.is_authenticated
    assert "120 分钟没有操作" in response.content.decode()
    # Going back with the old cookie finds no session.
    assert client.get(reverse(PAGE)).status_code == 302


def test_activity_keeps_the_session_alive(staff_a):
    client = log_in("staff_a")
    start = timezone.now()
    for hours in (1, 2, 3):
        with time_machine.travel(start + timedelta(hours=hours, minutes=-5)):
            response = client.get(reverse(PAGE))
            assert response.status_code == 200, hours


def test_the_idle_timeout_comes_from_the_environment(settings, staff_a):
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=10)
    client = log_in("staff_a")
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        assert client.get(reverse(PAGE)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        assert client.get(reverse(PAGE)).status_code == 302


def test_a_page_within_a_minute_of_the_last_writes_no_session(
    as_user, staff_a, django_assert_max_num_queries
):
    client = as_user(staff_a)
    client.get(reverse(PAGE))
    with django_assert_max_num_queries(50) as captured:
        client.get(reverse(PAGE))
    writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert writes == []


def test_a_password_change_signs_out_the_other_sessions(staff_a):
    office_pc = log_in("staff_a")
    phone = log_in("staff_a")
    response = phone.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-42",
            "new_password2": "a-new-long-pass-42",
        },
    )
    assert response.status_code == 302
    # The session that changed it stays in; the office PC is sent to log in.
    assert phone.get(reverse(PAGE)).status_code == 200
    response = office_pc.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_idle_minutes_come_from_the_environment():
    # The settings module as a fresh process reads it (no need to start the whole app).
    show = "from committee import settings; print(settings.SESSION_IDLE_TIMEOUT.seconds)"
    result = run_python("-c", show, DEBUG="true", SESSION_IDLE_MINUTES="30")
    assert result.stdout.strip() == "1800", result.stderr
    result = run_python("-c", show, DEBUG="true")
    assert result.stdout.strip() == "7200", result.stderr
    result = run_manage("check", DEBUG="true", SESSION_IDLE_MINUTES="soon")
    assert result.returncode == 1
    assert "SESSION_IDLE_MINUTES must be a whole number" in result.stderr
