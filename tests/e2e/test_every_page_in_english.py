"""Every page, as the users who can see it, in English, on a 375-px phone: the same
checks as tests/e2e/test_every_page.py (Chinese), but of axe's rules only those the English
words can break (names, labels, titles, the language: tests/e2e/walk.py WORDS). The rest
read the same templates and stylesheet, which the Chinese walk checks on the same pages.
A file of its own so that the two languages' walks run on the two xdist workers side by
side.
"""

import pytest
from django.db import connection

from tests.e2e.every_page import assert_every_page_clean

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="pages are drawn the same on both databases; walked once, on SQLite",
)
def test_every_page_passes_csp_and_axe_and_fits_a_phone_in_english(
    browser, browser_context_args, live_server, demo
):
    assert_every_page_clean(
        browser, browser_context_args, live_server.url, "en-US", "en", words_only=True
    )
