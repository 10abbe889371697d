"""A large import is saved by a job worker: the confirm comes back at once with the job's
progress page, the save is still all or nothing, and a cancel rolls every row back.

The row limit is lowered to 2 here so a three-row file stands for a 2,001-row one.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from committee import import_views, jobs
from committee.import_views import IMPORT_JOB
from committee.jobs import Job, JobFile, Status, cancel_job
from committee.models import ImportBatch
from funds.importers import IncomeImporter
from funds.models import Income
from tests.committee.test_import_batches import URL, preview
from tests.committee.test_jobs import run_worker
from tests.conftest import logged_in


@pytest.fixture
def small_jobs(monkeypatch):
    monkeypatch.setattr(import_views, "JOB_ROWS", 2)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)


def confirm(client, token, capture):
    with capture(execute=True):
        response = client.post(reverse(URL), {"confirm": token})
    assert response.status_code == 302
    return response


def test_it_saves_a_large_file_on_a_worker_not_in_the_request(
    world, staff_a, small_jobs, django_capture_on_commit_callbacks
):
    client = logged_in(staff_a)
    token = preview(client, world.community_a)
    response = confirm(client, token, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind=IMPORT_JOB)
    assert response.url == reverse("committee:job_detail", args=[job.pk])
    assert not Income.objects.exists()  # the request did not wait for the rows
    assert confirm(client, token, django_capture_on_commit_callbacks).url == response.url

    run_worker()

    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert (job.done, job.total) == (3, 3)
    assert Income.objects.filter(community=world.community_a).count() == 3
    batch = ImportBatch.objects.get(token=token)
    assert batch.imported_by == staff_a and batch.row_count == 3
    page = client.get(response.url).content.decode()
    assert "已导入 3 行" in page and reverse("funds:income_list") in page
    state = client.get(reverse("committee:job_status", args=[job.pk])).json()
    assert state["download_url"] == "" and not JobFile.objects.exists()
    assert client.get(reverse("committee:job_download", args=[job.pk])).status_code == 404


def test_a_small_file_is_still_saved_in_the_request(world, staff_a):
    client = logged_in(staff_a)
    token = preview(client, world.community_a)
    response = client.post(reverse(URL), {"confirm": token})
    assert response.url == reverse("funds:income_list")
    assert Income.objects.count() == 3 and not Job.objects.exists()


def test_a_row_the_service_refuses_fails_the_job_and_saves_nothing(
    world, staff_a, small_jobs, monkeypatch, django_capture_on_commit_callbacks
):
    original = IncomeImporter.save_row

    def refuse_the_last(self, values):
        if not values.get("payer"):
            raise ValidationError("这一行被拒绝")
        return original(self, values)

    monkeypatch.setattr(IncomeImporter, "save_row", refuse_the_last)
    client = logged_in(staff_a)
    token = preview(client, world.community_a)
    job_url = confirm(client, token, django_capture_on_commit_callbacks).url
    run_worker()

    job = Job.objects.get(kind=IMPORT_JOB)
    assert job.status == Status.FAILED
    assert not Income.objects.exists()
    assert ImportBatch.objects.get(token=token).imported_at is None
    page = client.get(job_url).content.decode()
    assert "这一行被拒绝" in page and "第 4 行" in page


def test_a_cancel_while_it_saves_rolls_every_row_back(
    world, staff_a, small_jobs, monkeypatch, django_capture_on_commit_callbacks
):
    original = IncomeImporter.save_row

    def cancel_after_the_first(self, values):
        original(self, values)
        cancel_job(Job.objects.get(kind=IMPORT_JOB))

    monkeypatch.setattr(IncomeImporter, "save_row", cancel_after_the_first)
    client = logged_in(staff_a)
    token = preview(client, world.community_a)
    confirm(client, token, django_capture_on_commit_callbacks)
    run_worker()

    # (Here the cancel shares the save's connection, so it is rolled back with the rows;
    # the next test cancels from another connection, as a user's click does.)
    assert not Income.objects.exists()
    assert ImportBatch.objects.get(token=token).imported_at is None


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite has one writer: the cancel waits for the save"
)
def test_on_postgresql_a_cancel_from_another_connection_stops_the_save(
    transactional_db, world, staff_a, small_jobs, monkeypatch
):
    """While the save's transaction is open, the page (another connection) sees the rows
    saved so far, and the user's click cancels: the transaction rolls back."""
    original = IncomeImporter.save_row
    seen = []

    def cancel_from_outside(self, values):
        original(self, values)

        def click():
            try:
                seen.append(Job.objects.get(kind=IMPORT_JOB).done)
                Job.objects.filter(kind=IMPORT_JOB).update(status=Status.CANCELLED)
            finally:
                connections.close_all()

        thread = threading.Thread(target=click)
        thread.start()
        thread.join(20)
        assert not thread.is_alive(), "the cancel waited for the save's transaction"

    monkeypatch.setattr(IncomeImporter, "save_row", cancel_from_outside)
    client = logged_in(staff_a)
    token = preview(client, world.community_a)
    client.post(reverse(URL), {"confirm": token})
    run_worker()

    assert seen[0] == 2  # three rows read and the first saved: two rows done of three
    assert Job.objects.get(kind=IMPORT_JOB).status == Status.CANCELLED
    assert not Income.objects.exists()
    assert ImportBatch.objects.get(token=token).imported_at is None
