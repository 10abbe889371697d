"""Real-browser tests: Playwright driving Debian's Chromium (shared/STACK.md)."""

import os

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; the ORM beside it is safe
# here because the test and the live server never share a connection.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# expect() waits 5 s by default: on a loaded machine a POST that rebuilds the rollups takes
# longer, the test failed while its request still ran, and on SQLite (the live server shares
# the test's in-memory connection) the flush after the test deadlocked with that request:
# the suite hung. The same minute as a page's own waits (the `page` fixture).
expect.set_options(timeout=60_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


@pytest.fixture
def page(page):
    """Every browser test fails on a Content-Security-Policy violation in the console."""
    violations: list[str] = []

    def watch(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", watch)
    # A loaded two-core machine (CI) can take longer than Playwright's 30 s to answer;
    # a test should fail on what it sees, not on a busy neighbour.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    yield page
    assert not violations, "\n".join(violations)


@pytest.fixture
def demo(transactional_db):
    """The demo, committed for the live server (loaded once a process, then copied back)."""
    from tests import snapshots

    snapshots.load_demo()


def login(page, live_server, username, password="juwei-demo"):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
