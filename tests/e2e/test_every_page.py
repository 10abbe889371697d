"""Every page, as the users who can see it, in both languages, on a 375-px phone:
no Content-Security-Policy violation, nothing critical or serious for axe-core (WCAG 2.1
A/AA), nothing wider than the screen (issue 18). tests/e2e/walk.py finds the pages.

Neither check depends on the database, so the walk runs in the SQLite half of the suite
only: it is the suite's longest browser test.
"""

import pytest
from django.db import connection

from tests.e2e.walk import PHONE, discover, open_page, revisit, unreached

pytestmark = pytest.mark.e2e

# Each walks from its home page; a route one of them reached is not walked again.
USERS = ("aiguo_chair", "street", "district")


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("juwei-demo")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    assert "/login/" not in page.url, f"{username} could not log in"


def starts_of(username: str) -> list[str]:
    """The home page; and pages no link of the demo leads this user to."""
    from funds.models import FinancialYear

    if username == "aiguo_chair":
        notice = FinancialYear.objects.exclude(published_at=None).order_by("pk").first()
        return ["/", "/password/done/", f"/funds/notice/{notice.community_id}/{notice.year}/"]
    if username == "district":
        return ["/", "/communities/"]
    return ["/"]


def public_pages() -> list[str]:
    """What a resident opens without an account: the login page, a survey's form and
    its thank-you page, a certificate's check."""
    from certificates.models import CertificateRequest
    from surveys.models import Survey

    survey = Survey.objects.filter(state="open").order_by("pk").first()
    issued = CertificateRequest.objects.exclude(token=None).order_by("pk").first()
    return [
        "/login/",
        survey.get_public_url(),
        f"{survey.get_public_url()}thanks/",
        f"/certificates/verify/{issued.token}/",
    ]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="pages are drawn the same on both databases; walked once, on SQLite",
)
def test_every_page_passes_csp_and_axe_and_fits_a_phone_in_both_languages(
    browser, browser_context_args, live_server, demo
):
    taken: set[str] = set()
    found: list[str] = []
    stylesheets: list[str] = []
    for username in (*USERS, None):
        contexts = [
            browser.new_context(**{**browser_context_args, "locale": locale, "viewport": PHONE})
            for locale in ("zh-CN", "en-US")
        ]
        chinese, english = (open_page(context) for context in contexts)
        chinese.on("response", lambda r: stylesheets.append(r.url) if r.ok else None)
        if username:
            for page in (chinese, english):
                login(page, live_server.url, username)
        starts = starts_of(username) if username else public_pages()
        walk = discover(chinese, live_server.url, starts, taken)
        found += walk.problems + revisit(english, walk)
        assert english.evaluate("document.documentElement.lang") == "en"
        for context in contexts:
            context.close()
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)
    missing = unreached(taken)
    assert not missing, f"no walk reached: {missing}"
    # The charts' stylesheet is served (charts carry no inline style of their own).
    assert any(url.endswith("charts.css") for url in stylesheets)
