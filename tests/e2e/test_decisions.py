"""The street office's morning: its inbox, two approvals at once with the task's own values,
one refusal for a negative-list reason, and the refusal note printed."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tasks.models import Outcome, Task
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.tasks.factories import CatalogueItemFactory, TaskFactory

pytestmark = pytest.mark.e2e


def test_street_decides_from_its_inbox(page, live_server, world, official_a):
    negative = CatalogueItemFactory(
        district=world.district, list="negative", category="摊派指标", item="摊派报刊订阅"
    )
    first = TaskFactory(
        community=world.community_a,
        title="协助人口统计",
        deadline=date(2026, 7, 31),
        money_promised=Decimal("800.00"),
    )
    second = TaskFactory(
        community=world.community_a2,
        title="协助经济普查",
        deadline=date(2026, 8, 14),
        money_promised=Decimal("1200.00"),
    )
    third = TaskFactory(community=world.community_a, title="征订党报党刊")

    login(page, live_server, "official_a", PASSWORD)
    page.get_by_role("link", name="待办").click()
    expect(page.locator("[data-inbox-count]")).to_have_text("3")
    page.locator("#inbox-overdue").get_by_role("link", name="全部").click()

    page.get_by_label("协助人口统计").check()
    page.get_by_label("协助经济普查").check()
    bulk = page.locator("#bulk")
    bulk.get_by_label("批准文号").fill("甲街准〔2026〕7号")
    bulk.get_by_label("授予的权限").fill("协助开展经批准的统计调查")
    bulk.get_by_role("button", name="批准勾选的任务").click()
    expect(page.locator(".messages")).to_contain_text("已批准 2 项任务")

    page.get_by_label("征订党报党刊").check()
    bulk = page.locator("#bulk")
    bulk.get_by_label("属于负面清单事项").check()
    bulk.get_by_label("负面清单事项", exact=True).select_option(label=str(negative))
    bulk.get_by_role("button", name="退回勾选的任务").click()
    expect(page.locator(".messages")).to_contain_text("已退回 1 项任务")

    for task, deadline, money in (
        (first, date(2026, 7, 31), "800.00"),
        (second, date(2026, 8, 14), "1200.00"),
    ):
        task.refresh_from_db()
        assert (task.outcome, task.deadline, task.money_promised) == (
            Outcome.ASSIST_AUTHORISED,
            deadline,
            Decimal(money),
        )
    assert Task.objects.get(pk=third.pk).refusal_item == negative

    page.goto(f"{live_server.url}/tasks/{third.pk}/")
    note = page.get_by_role("link", name="退回说明（PDF）")
    response = page.request.get(f"{live_server.url}{note.get_attribute('href')}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
