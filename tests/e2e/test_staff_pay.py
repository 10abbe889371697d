"""In a real browser: the aiguo chair saves a month's payroll and sees the pay comparison."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_the_chair_saves_a_payroll_and_reads_the_comparison(page, live_server, demo):
    from committee.models import Community

    aiguo = Community.objects.get(name="爱国社区")
    login(page, live_server, "aiguo_chair")
    page.goto(f"{live_server.url}/staff/pay/communities/{aiguo.pk}/payroll/?month=2030-01")
    expect(page.get_by_role("heading", name="爱国社区 · 工资表 2030-01")).to_be_visible()
    page.get_by_role("button", name="保存整张工资表").click()
    expect(page.get_by_text("2030-01 工资表已保存")).to_be_visible()
    page.get_by_role("link", name="社区工资对比").first.click()
    expect(page.locator("#pay-ratios")).to_contain_text("最低工资")
    expect(page.locator("#pay-ratios .below").first).to_be_visible()


def test_staff_see_the_roster_masked_on_a_phone(page, live_server, demo):
    page.set_viewport_size({"width": 375, "height": 667})
    login(page, live_server, "aiguo")
    page.goto(f"{live_server.url}/staff/")
    expect(page.locator("table.table")).to_contain_text("********")
