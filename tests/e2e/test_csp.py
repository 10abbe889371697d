"""Every page works under the Content-Security-Policy: the `page` fixture (conftest.py)
fails a test on any CSP violation Chromium reports; this test walks the site."""

from urllib.parse import urljoin, urlparse

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

# Links that change something or leave the HTML pages.
SKIP = ("/logout/", "/admin/", "export=", ".xlsx", ".pdf", "/pdf", "/qr", "/i18n/")


def same_site_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href)
        if urlparse(url).netloc == urlparse(base).netloc and not any(s in url for s in SKIP):
            found.append(url.split("#")[0])
    return found


def walk(page, base: str, *, expand: int = 12, most: int = 45) -> set[str]:
    """Open the start page's links, and the links of the first `expand` pages opened."""
    to_visit = [page.url, *same_site_links(page, base)]
    seen: set[str] = set()
    for url in to_visit:
        if url in seen or len(seen) >= most:
            continue
        seen.add(url)
        page.goto(url)
        if len(seen) <= expand:
            to_visit.extend(u for u in same_site_links(page, base) if u not in seen)
    return seen


def test_the_pages_raise_no_csp_violation(page, live_server, demo):
    stylesheets = []
    page.on(
        "response",
        lambda r: stylesheets.append(r) if r.request.resource_type == "stylesheet" else None,
    )
    for username in ("district", "aiguo_chair"):
        page.context.clear_cookies()
        login(page, live_server, username)
        assert len(walk(page, live_server.url)) >= 20
    # The charts' stylesheet is served (charts carry no inline style of their own).
    assert any(r.url.endswith("charts.css") and r.ok for r in stylesheets)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/no-such-page/")
    assert page.locator("h1").inner_text() == "找不到页面"
    page.goto(f"{live_server.url}/login/")
    for _ in range(5):
        page.get_by_label("用户名").fill("aiguo")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    assert "登录已锁定" in page.locator("h1").inner_text()
