import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_aiguo_sees_its_gap_and_records_an_expense(page, live_server, demo):
    login(page, live_server, "aiguo")
    page.get_by_role("link", name="经费", exact=True).click()
    today = timezone.localdate()
    expect(page.locator("h1")).to_contain_text(f"爱国社区 · {today.year} 年经费")
    # The demo's allocation comes ¥1,250 a month; the street office pools ¥791.67 of each.
    allocated = Decimal("1250.00") * today.month
    usable = allocated - Decimal("791.67") * today.month + (500 if today.month >= 6 else 0)
    expect(page.locator('[data-figure="allocated"]')).to_have_text(f"¥{allocated:,}")
    expect(page.locator('[data-figure="usable"]')).to_have_text(f"¥{usable:,}")
    expect(page.locator(".chart svg")).to_be_visible()

    page.get_by_role("link", name="登记支出").click()
    page.get_by_label("类别").select_option(label="网络")
    page.get_by_label("金额（元）").fill("12.345")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".error")).to_contain_text("金额最多两位小数")
    page.get_by_label("金额（元）").fill("88.50")
    page.get_by_label("凭证号").fill("E2E-001")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("可用经费降到零以下")
    expect(page.locator("dl.facts")).to_contain_text("¥88.50")


def test_a_resident_reads_the_published_notice_without_logging_in(page, live_server, demo):
    from committee.models import Community

    aiguo = Community.objects.get(code="XX-01-01")
    last_year = timezone.localdate().year - 1
    page.goto(f"{live_server.url}/funds/notice/{aiguo.pk}/{last_year}/")
    expect(page.locator("h1")).to_contain_text(f"爱国社区 · {last_year} 年财务公开")
    expect(page.locator("main")).to_contain_text("区级拨款")
    expect(page.locator("main")).not_to_contain_text("中国联通")
    expect(page).not_to_have_url(re.compile("login"))
