"""A clerk takes in her Excel ledger, and downloads the year's report with progress shown."""

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from tasks.models import Outcome, Task
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_aiguo_imports_tasks_from_the_template(page, live_server, demo, tmp_path):
    login(page, live_server, "aiguo")
    page.goto(f"{live_server.url}/tasks/")
    page.get_by_role("link", name="从 Excel 导入").click()
    expect(page.locator("h1")).to_have_text("导入任务")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    book = load_workbook(template)
    sheet = book.active
    assert [c.value for c in sheet[1]][:4] == ["任务名称", "下派部门", "收到日期", "类别"]
    today = timezone.localdate()
    sheet.delete_rows(2)  # the example row
    sheet.append(
        [
            "浏览器导入：入户登记表 ",
            "区统计局",
            f"{today:%Y}年{today.month}月{today.day}日",
            "填表报数",
        ]
    )
    sheet.append(["浏览器导入：创建宣传展板", "区民政局", today.strftime("%Y/%m/%d"), "挂牌/展板"])
    filled = tmp_path / "台账.xlsx"
    book.save(filled)

    page.locator("input[type=file]").set_input_files(filled)
    page.get_by_role("button", name="上传并预览").click()
    preview = page.locator("table.preview")
    expect(preview).to_contain_text("浏览器导入：入户登记表")
    expect(preview).to_contain_text("挂牌/展板")
    assert not Task.objects.filter(title__startswith="浏览器导入").exists()

    page.get_by_role("button", name="确认并保存 2 行").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    expect(page.locator("body")).to_contain_text("已导入 2 行")
    table = page.locator("table").first
    expect(table).to_contain_text("浏览器导入：入户登记表")
    expect(table).to_contain_text("浏览器导入：创建宣传展板")
    saved = Task.objects.filter(title__startswith="浏览器导入")
    assert saved.count() == 2
    assert set(saved.values_list("outcome", flat=True)) == {Outcome.PENDING}


def test_a_report_download_shows_its_progress(page, live_server, demo, tmp_path):
    login(page, live_server, "aiguo")
    page.goto(f"{live_server.url}/dashboards/reports/")
    status = page.locator(".download-status")
    # Keep every text the status line shows, however quickly the server answers.
    page.evaluate(
        """() => {
        window.statuses = [];
        const line = document.querySelector('.download-status');
        new MutationObserver(() => window.statuses.push(line.textContent))
          .observe(line, {childList: true, characterData: true, subtree: true});
        }"""
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF 报告").first.click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    expect(status).to_contain_text("已下载")
    shown = page.evaluate("() => window.statuses")
    assert any(text.startswith("正在生成PDF 报告") for text in shown), shown
