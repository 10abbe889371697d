"""A district officer asks for the district's workbook: the page comes back at once, the
progress bar moves while a worker draws it, and the file downloads when it is ready."""

import threading
import time

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from django_tasks_db.management.commands.db_worker import Worker
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _read_uncommitted(sender=None, connection=None, on=True, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA read_uncommitted = {int(on)}")


@pytest.fixture(autouse=True)
def readers_take_no_table_locks(transactional_db):
    """The test's in-memory SQLite is one shared cache for the live server's thread and the
    worker's, and there a reader's table lock fails a writer at once ("database table is
    locked": shared-cache locks are not waited for), so the worker's progress write failed
    the job when the page asked for the job's state at the same moment. Here readers take
    no table locks (a no-op on PostgreSQL, whose readers never block a writer)."""
    connection_created.connect(_read_uncommitted)
    _read_uncommitted(connection=connections["default"])
    yield
    connection_created.disconnect(_read_uncommitted)
    _read_uncommitted(connection=connections["default"], on=False)


@pytest.fixture
def slow_sheets(monkeypatch):
    """Each sheet takes a visible moment, so the bar's steps can be seen from the browser."""
    from committee import jobs
    from dashboards import jobs as report_jobs

    original = report_jobs.add_sheet

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return original(*args, **kwargs)

    monkeypatch.setattr(report_jobs, "add_sheet", slow)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)


def start_worker() -> tuple[Worker, threading.Thread]:
    worker = Worker(
        queue_names=["default", "long"],
        interval=0.5,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="e2e-worker",
        excluded_queue_names=[],
    )

    def run():
        try:
            worker.run()
        finally:
            connections.close_all()  # PostgreSQL's test database is dropped after the test

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return worker, thread


def run_worker_watching_the_bar(page, seconds: float) -> set[int]:
    """Start a worker, note every value the page's bar shows until it is full, stop it."""
    worker, thread = start_worker()
    seen = set()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and 100 not in seen:
            seen.add(page.eval_on_selector(".job-bar", "bar => bar.value"))
            time.sleep(0.1)
    finally:
        # The test's in-memory SQLite is shared by threads without waiting on locks: stop
        # the worker's polling before the browser downloads.
        worker.running = False
        thread.join(30)
    return seen


def test_the_district_workbook_is_a_job_with_a_moving_bar(
    page, live_server, demo, slow_sheets, tmp_path
):
    login(page, live_server, "district")
    page.goto(f"{live_server.url}/dashboards/reports/")
    districts = page.locator("section.card").filter(has=page.locator("h2", has_text="区"))
    started = time.monotonic()
    districts.first.get_by_role("button", name="Excel 工作簿").click()
    page.wait_for_url("**/jobs/*/")
    # No worker runs yet: the page came back without waiting for the workbook.
    assert time.monotonic() - started < 10
    expect(page.locator("[data-job-field=status_label]")).to_have_text("排队中")
    expect(page.locator("[data-job-field=download]")).to_be_hidden()

    seen = run_worker_watching_the_bar(page, seconds=120)
    assert [v for v in seen if 0 < v < 100], f"the bar never moved between: {seen}"
    download = page.locator("[data-job-field=download]")
    expect(download).to_be_visible(timeout=30_000)
    expect(page.locator("[data-job-field=status_label]")).to_have_text("已完成")
    with page.expect_download() as downloaded:
        download.click()
    saved = tmp_path / "district.xlsx"
    downloaded.value.save_as(saved)
    book = load_workbook(saved)
    assert "警示" in book.sheetnames
    communities = {row[0] for row in book["警示"].iter_rows(min_row=2, values_only=True)}
    assert {"爱国社区", "和平社区", "团结社区"} <= communities

    page.get_by_role("link", name="我的全部后台作业").click()
    expect(page.locator("table")).to_contain_text("Excel 工作簿")
