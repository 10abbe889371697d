"""Every page's header is drawn once and kept ({% site_header %}, committee/templatetags/
juwei.py): it still shows this user, this page and the 待办 count of now, with this
request's CSRF token."""

import re

from django.test import Client
from django.urls import reverse

from tests.tasks.factories import TaskFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def header(response) -> str:
    page = response.content.decode()
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def test_the_kept_header_follows_the_count_the_user_and_the_address(
    as_user, official_a, official_b, world
):
    a = as_user(official_a)
    url = reverse("tasks:task_list")
    first = header(a.get(url))
    assert "data-inbox-count" not in first
    TaskFactory(community=world.community_a, outcome="pending")
    second = header(a.get(url))
    assert '<span class="badge" data-inbox-count>1</span>' in second
    assert f"({official_a.username})" in second
    assert f'value="{url}?category=forms"' in header(a.get(url, {"category": "forms"}))
    other = header(as_user(official_b).get(url))
    assert f"({official_b.username})" in other and official_a.username not in other
    assert 'aria-current="page">' in header(a.get(reverse("tasks:time_entry_list")))


def test_the_kept_header_carries_this_requests_csrf_token(official_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official_a)
    url = reverse("tasks:task_list")
    client.get(url)
    page = client.get(url).content.decode()
    tokens = set(TOKEN.findall(page))
    assert len(tokens) == 1  # the header's forms and the column chooser's alike
    assert "Placeholder" not in page
    assert client.post(reverse("logout")).status_code == 403
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
