"""A list's export of more than 20,000 rows is written by a job worker: the same rows and
columns the user would have downloaded, their scope kept, the file theirs alone.

The row limit is lowered to 2 here so three tasks stand for 20,001.
"""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from committee import export_jobs, jobs
from committee.export_jobs import EXPORT_JOB
from committee.jobs import Job, Status
from tests.committee.test_jobs import run_worker
from tests.tasks.factories import TaskFactory

URL = reverse("tasks:task_list")
QUERY = {"columns": ["title", "outcome", "received_on"], "sort": "title", "export": "xlsx"}


@pytest.fixture
def small_jobs(monkeypatch):
    monkeypatch.setattr(export_jobs, "JOB_ROWS", 2)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)


@pytest.fixture
def tasks(world):
    for title in ("甲", "乙", "=HYPERLINK(1)"):
        TaskFactory(community=world.community_a, title=title, outcome="refused")
    TaskFactory(community=world.community_b, title="别的社区")


def rows_of(data: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))


def test_a_large_export_is_a_job_with_the_rows_and_columns_the_list_shows(
    as_user, staff_a, tasks, small_jobs, django_capture_on_commit_callbacks
):
    client = as_user(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, QUERY)
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.status_code == 302
    assert response.url == reverse("committee:job_detail", args=[job.pk])
    assert client.get(URL, QUERY).url == response.url  # asking again joins the job

    run_worker()

    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED and (job.done, job.total) == (3, 3)
    state = client.get(reverse("committee:job_status", args=[job.pk])).json()
    download = client.get(state["download_url"])
    rows = rows_of(download.content)
    assert rows[0] == ("标题", "准入结果", "接收日期")
    assert [row[0] for row in rows[1:]] == ["=HYPERLINK(1)", "乙", "甲"]  # community B's kept out
    assert rows[1][1] == "已拒绝"
    formula = load_workbook(BytesIO(download.content)).active["A2"]
    assert formula.data_type == "s"  # typed text, never a formula


def test_the_job_is_the_askers_alone(
    as_user, staff_a, chair_a, staff_b, tasks, small_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = as_user(staff_a).get(URL, QUERY).url
        theirs = as_user(chair_a).get(URL, QUERY).url
    assert mine != theirs  # the same list for another user is another user's file
    run_worker()
    job = Job.objects.get(requested_by=staff_a)
    outsider = as_user(staff_b)
    assert outsider.get(mine).status_code == 404
    assert outsider.get(reverse("committee:job_download", args=[job.pk])).status_code == 404


def test_a_small_export_stays_in_the_request(as_user, staff_a, tasks):
    response = as_user(staff_a).get(URL, QUERY)
    assert response.status_code == 200 and not Job.objects.exists()
    assert len(rows_of(b"".join(response.streaming_content))) == 1 + 3
