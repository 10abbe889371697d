"""Every page, as the users who can see it, in Chinese (in English:
test_every_page_in_english.py), on a 375-px phone: no Content-Security-Policy violation,
nothing critical or serious for axe-core (WCAG 2.1 A/AA), nothing wider than the screen
(issue 18). tests/e2e/walk.py finds the pages; tests/e2e/every_page.py walks them.

Neither check depends on the database, so the walk runs in the SQLite half of the suite
only: it is the suite's longest browser test.
"""

import pytest
from django.db import connection

from tests.e2e.every_page import assert_every_page_clean

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="pages are drawn the same on both databases; walked once, on SQLite",
)
def test_every_page_passes_csp_and_axe_and_fits_a_phone_in_chinese(
    browser, browser_context_args, live_server, demo
):
    assert_every_page_clean(browser, browser_context_args, live_server.url, "zh-CN", "zh-hans")
