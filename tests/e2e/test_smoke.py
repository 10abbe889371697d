import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_aiguo_logs_in_in_chinese_and_sees_only_its_community(page, live_server, demo):
    login(page, live_server, "aiguo")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_contain_text("爱国社区")  # Home: its community's dashboard
    expect(page.locator("main")).not_to_contain_text("和平社区")
    expect(page.locator(".who")).to_contain_text("爱国社区 · 社区工作者")


def test_the_header_fits_a_phone(page, live_server, demo):
    page.set_viewport_size({"width": 375, "height": 667})
    login(page, live_server, "street")
    expect(page.locator("table.table").first).to_contain_text("和平社区")
    page.wait_for_load_state("load")  # measure with every stylesheet applied
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
