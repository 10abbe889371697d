"""Phones and accessibility (issue 18 point 6), in a real browser at 375 px.

axe-core (WCAG 2.1 A/AA) runs on the main pages in both languages; its script comes from
the axe-playwright-python package, evaluated in the page by the test (no CDN). Every page
must also fit a 375-px phone without horizontal scrolling.
"""

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 667}


def problems(page) -> list[str]:
    """What is wrong on the page as drawn: overflow at phone width, axe's worst findings."""
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        found.append(f"{page.url}: {width} px wide")
    page.evaluate(AXE)
    result = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]},
    )
    for v in result["violations"]:
        if v["impact"] in ("critical", "serious"):
            targets = [n["target"] for n in v["nodes"][:3]]
            found.append(f"{page.url}: {v['impact']} {v['id']} {targets}")
    return found


def walk(page, live_server, paths) -> list[str]:
    """Each page in Chinese, then in English (switched with the header's button)."""
    found = []
    for language in ("zh-hans", "en"):
        if language == "en":
            page.get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.ok, f"{path}: {response.status}"
            found += problems(page)
    return found


def test_main_pages_pass_axe_and_fit_a_phone_in_both_languages(page, live_server, demo):
    from committee.models import Community, District

    aiguo = Community.objects.get(name="爱国社区")
    page.set_viewport_size(PHONE)
    login(page, live_server, "aiguo_chair")
    # On a phone the header is one line: the menu opens behind its button.
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    expect(nav).to_be_visible()
    expect(page.get_by_role("link", name="跳到正文")).to_have_attribute("href", "#content")
    found = walk(
        page,
        live_server,
        [
            "/",
            "/dashboards/inbox/",
            "/tasks/",
            "/tasks/new/",
            "/tasks/timesheet/",
            "/staff/",
            f"/staff/pay/communities/{aiguo.pk}/payroll/?month=2026-05",
            f"/staff/pay/communities/{aiguo.pk}/",
            "/funds/",
            "/certificates/",
            "/paperwork/",
            "/surveys/",
            "/surveys/compare/",
        ],
    )
    # A failed submit: the error summary takes the focus, and is clean too.
    page.goto(f"{live_server.url}/tasks/new/")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_be_focused()
    found += problems(page)
    # The street's dashboard (wide tables) and the district's thresholds grid.
    for username, paths in (
        ("street", ["/"]),
        ("district", [f"/dashboards/districts/{District.objects.get().pk}/thresholds/"]),
    ):
        page.context.clear_cookies()
        login(page, live_server, username)
        found += walk(page, live_server, paths)
    assert not found, "\n".join(found)
