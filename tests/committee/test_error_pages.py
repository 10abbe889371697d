"""Error pages in the site's design, Chinese first, with a way back; DEBUG is off here."""

import pytest
from django.test import Client
from django.urls import reverse

HOME_LINK = 'href="/"'


def page_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def test_404_is_the_sites_page_in_chinese(client, production, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert "找不到页面" in page and "返回首页" in page and HOME_LINK in page
    assert 'lang="zh-hans"' in page and "css/juwei.css" in page
    assert "Resolver404" not in page


def test_404_speaks_english_to_an_english_browser(client, production, db):
    page = page_of(client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Page not found" in page and "Back to the home page" in page


def test_a_record_out_of_scope_shows_the_same_404_page(as_user, production, world, staff_b):
    url = reverse("committee:community_detail", args=[world.community_a.pk])
    response = as_user(staff_b).get(url)
    assert response.status_code == 404
    assert "找不到页面" in page_of(response)


def test_403_says_why_in_the_sites_design(as_user, production, staff_a):
    response = as_user(staff_a).get(reverse("lockout_list"))
    assert response.status_code == 403
    page = page_of(response)
    assert "无权操作" in page
    assert "只有区民政局工作人员可以解锁登录。" in page
    assert HOME_LINK in page and "staff_a" in page  # the header still knows the user


def test_an_expired_form_gets_the_csrf_page_with_a_way_back(production, db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = page_of(response)
    assert "表单已过期" in page and "没有保存任何内容" in page
    assert HOME_LINK in page and 'href="/login/"' in page
    english = page_of(client.post(reverse("login"), {"username": "x"}, HTTP_ACCEPT_LANGUAGE="en"))
    assert "The form has expired" in english


def test_400_for_a_bad_host(client, production, db):
    response = client.get(reverse("login"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    page = page_of(response)
    assert "请求有误" in page and HOME_LINK in page


def test_500_is_the_sites_page_without_details(production, db):
    production.ROOT_URLCONF = "tests.committee.error_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    page = page_of(response)
    assert "出错了" in page and HOME_LINK in page
    assert "a bug" not in page and "Traceback" not in page
    assert "Content-Security-Policy" in response.headers


def test_error_pages_carry_the_security_headers(client, production, db):
    response = client.get("/no-such-page/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
