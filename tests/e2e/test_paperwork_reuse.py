"""Report once, in a browser: a new return from 区统计局 asks for figures the committee sent
to 区民政局 a month earlier; the page shows them, one click reuses them, and the duplicate
count goes up by two."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from paperwork.models import ReturnForm
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.paperwork.conftest import departments, items, make_return  # noqa: F401 -- fixtures

pytestmark = pytest.mark.e2e


def repeats_shown(page, live_server) -> int:
    page.goto(f"{live_server.url}/paperwork/returns/asked/?repeat=true")
    return int(re.search(r"\d+", page.locator("p.count").inner_text()).group())


def test_a_new_return_reuses_what_was_sent_a_month_earlier(
    page, live_server, transactional_db, world, staff_a, request
):
    new_return = request.getfixturevalue("make_return")
    month_ago = timezone.localdate() - timedelta(days=30)
    new_return(
        world.community_a,
        "区民政局",
        ["常住人口", "60岁以上老人", "低保户"],
        month_ago,
        {"常住人口": "8200", "60岁以上老人": "1640", "低保户": "42"},
    )
    login(page, live_server, "staff_a", PASSWORD)
    before = repeats_shown(page, live_server)

    page.goto(f"{live_server.url}/paperwork/returns/new/")
    page.select_option("#id_department", label="区统计局")
    page.fill("#id_title", "社区基本情况统计表")
    page.get_by_label("常住人口").check()
    page.get_by_label("60岁以上老人").check()
    page.locator("#register-return").click()

    held = page.locator("#held")
    expect(held).to_contain_text("2")
    expect(held).to_contain_text(f"{month_ago:%Y-%m-%d}")
    expect(held).to_contain_text("区民政局")
    expect(page.locator("tr[data-item='常住人口'] td.held")).to_contain_text("8200")
    expect(page.locator("tr[data-item='60岁以上老人'] td.held")).to_contain_text("1640")
    page.locator("#reuse").click()
    expect(page.get_by_label("常住人口")).to_have_value("8200")
    expect(page.get_by_label("60岁以上老人")).to_have_value("1640")
    expect(page.locator("tr[data-item='常住人口'] .reused")).to_contain_text("区民政局")

    made = ReturnForm.objects.get(title="社区基本情况统计表")
    assert all(line.reused_from_id and line.repeat for line in made.lines.all())
    assert repeats_shown(page, live_server) == before + 2
