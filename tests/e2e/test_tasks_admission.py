"""A task outside the catalogue, from logging to the street office's approval, in a browser."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The demo's seven users hash their password once each; PBKDF2 would take seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_a_pending_task_worked_on_then_approved(page, live_server, demo):
    today = timezone.localdate().isoformat()

    # aiguo logs the statistics return pushed down by 区统计局.
    login(page, live_server, "aiguo")
    page.goto(f"{live_server.url}/tasks/new/")
    page.select_option("#id_department", label="区统计局")
    page.select_option("#id_category", "statistics")
    page.fill("#id_title", "临时人口统计报表")
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text("协助开展经批准的统计调查和普查")
    # Not an approved survey: none of the catalogue items fits.
    suggestions.get_by_label(re.compile("都不是")).check()
    page.get_by_role("button", name="登记任务").click()

    expect(page.locator("h1")).to_have_text("临时人口统计报表")
    expect(page.locator("#task-outcome")).to_have_text("待街道审批")
    expect(page.locator("#decision-due")).to_contain_text("剩余")

    # aiguo logs 3 hours on it while it waits.
    hours = page.locator("#log-hours")
    hours.locator("select[name=staff_member]").select_option(index=1)
    hours.locator("input[name=date]").fill(today)
    hours.locator("input[name=hours]").fill("3")
    hours.get_by_role("button", name="登记工时").click()
    expect(page.locator(".messages")).to_contain_text("待审批期间")
    expect(page.locator("#hours-pending")).to_contain_text("3")
    task_url = page.url

    # street approves it with a document number.
    page.context.clear_cookies()
    login(page, live_server, "street")
    page.goto(task_url)
    decision = page.locator("#decision")
    decision.get_by_label("批准文号").fill("东风街准〔2026〕88号")
    decision.get_by_label("授予的权限").fill("区统计局授权社区协助人口统计")
    decision.get_by_label("完成期限").fill(today)
    decision.get_by_label("承诺经费（元）").fill("800")
    decision.get_by_role("button", name="批准").click()
    expect(page.locator(".messages")).to_contain_text("已批准")

    # aiguo sees it admitted as authorised, the 3 hours counted as worked while pending.
    page.context.clear_cookies()
    login(page, live_server, "aiguo")
    page.goto(task_url)
    expect(page.locator("#task-outcome")).to_have_text("经批准的协助事项")
    expect(page.locator("body")).to_contain_text("东风街准〔2026〕88号")
    expect(page.locator("#hours-pending")).to_contain_text("待审批期间办理 3 小时")
    expect(page.locator(".history")).to_contain_text("已批准")
