"""The `page` fixture (conftest.py) fails a browser test on any Content-Security-Policy
violation Chromium reports; tests/e2e/test_every_page.py walks every page with it. Here:
the error and lockout pages, which no link leads to."""

import pytest

pytestmark = pytest.mark.e2e


def test_the_error_and_lockout_pages_raise_no_csp_violation(page, live_server, demo):
    page.goto(f"{live_server.url}/no-such-page/")
    assert page.locator("h1").inner_text() == "找不到页面"
    page.goto(f"{live_server.url}/login/")
    for _ in range(5):
        page.get_by_label("用户名").fill("aiguo")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    assert "登录已锁定" in page.locator("h1").inner_text()
