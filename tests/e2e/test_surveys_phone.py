"""A resident answers the demo survey on a phone; the results page counts it at once."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_a_resident_answers_on_a_375px_phone_and_the_results_count_it(page, live_server, demo):
    from surveys.models import Survey

    survey = Survey.objects.get(community__code="XX-01-01", state="open")
    before = survey.responses.count()
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(f"{live_server.url}{survey.get_public_url()}")
    expect(page.get_by_role("heading", name="社区四项服务满意度调查")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Submitting with nothing picked is stopped by the browser on the first required question.
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(f"{live_server.url}{survey.get_public_url()}")

    options = page.locator(".q.required:has(.option) .option")
    box = options.first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a thumb-sized target
    for fieldset in page.locator(".q.required:has(.option)").all():
        fieldset.locator(".option", has_text="4").click()
    page.get_by_label("您家中常住几口人？").fill("3")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="感谢您！答卷已收到。")).to_be_visible()

    page.goto(f"{live_server.url}{survey.get_public_url()}")
    expect(page.get_by_text("您已经填写过本问卷，谢谢！")).to_be_visible()

    login(page, live_server, "aiguo")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    expect(page.locator("#response-total")).to_have_text(str(before + 1))
    assert survey.responses.filter(channel="online").count() == before + 1
