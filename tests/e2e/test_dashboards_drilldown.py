import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committee.models import Community
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_street_lands_on_its_dashboard_and_checks_aiguos_administrative_share(
    page, live_server, demo
):
    from tasks import metrics

    login(page, live_server, "street")
    expect(page.locator("h1")).to_contain_text("东风街道")
    row = page.locator("table.flag-table tbody tr").first
    expect(row).to_contain_text("爱国社区")  # the worst community comes first
    cell = row.locator("td.flag-cell a").first
    clicked = re.search(r"(\d+)\s*%", cell.inner_text()).group(1)

    cell.click()
    expect(page).to_have_url(re.compile(r"/dashboards/hours/\?.*task__nature=administrative"))
    total = Decimal(page.locator("[data-total-hours]").inner_text())
    expect(page.locator("[data-share]")).to_have_text(re.compile(rf"^{clicked}\s*%$"))

    year = timezone.localdate().year
    aiguo = Community.objects.filter(code="XX-01-01")
    hours = metrics.hours_by_nature(aiguo, date(year, 1, 1), date(year, 12, 31))
    assert total == hours["administrative"]
    assert page.locator("table.table tbody tr").count() > 0
