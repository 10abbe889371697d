"""Phones and accessibility (issue 18 point 6), in a real browser at 375 px: the menu
behind its button, the skip link, the error summary that takes the focus after a failed
submit. Every page passes axe-core and fits the phone: tests/e2e/test_every_page.py.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.walk import PHONE, check

pytestmark = pytest.mark.e2e


def test_the_menu_the_skip_link_and_the_error_summary_work_on_a_phone(page, live_server, demo):
    page.set_viewport_size(PHONE)
    login(page, live_server, "aiguo_chair")
    # On a phone the header is one line: the menu opens behind its button.
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    expect(nav).to_be_visible()
    expect(page.get_by_role("link", name="跳到正文")).to_have_attribute("href", "#content")
    # A failed submit: the error summary takes the focus, and is clean too.
    page.goto(f"{live_server.url}/tasks/new/")
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").last.click()
    response = navigation.value
    expect(page.locator(".error-summary")).to_be_focused()
    found = check(page, response, page.url, [])
    assert not found, "\n".join(found)
