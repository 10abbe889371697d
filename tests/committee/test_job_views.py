"""The background-jobs pages: who sees a job, its progress, its file, cancel, and asking for a
street office's or a district's report as a job."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from committee.jobs import Job, Status, request_job, run_job
from committee.models import Membership
from committee.scoping import forget_memberships
from tests.committee import job_kinds
from tests.scoping import covers

JOB_URLS = (
    "committee:job_detail",
    "committee:job_status",
    "committee:job_download",
    "committee:job_cancel",
)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


@pytest.fixture
def job(world, official_a):
    """Official A's finished job over both of street office A's communities."""
    found, _ = request_job(
        user=official_a,
        kind=job_kinds.COUNT,
        key="a",
        title="甲街道作业",
        communities=[world.community_a.pk, world.community_a2.pk],
        params={"rows": 3},
    )
    run_job.call(found.pk)
    found.refresh_from_db()
    return found


def fetch(client, name, job):
    url = reverse(name, args=[job.pk])
    return client.post(url) if name.endswith("cancel") else client.get(url)


@covers(*JOB_URLS)
class TestJobScoping:
    def test_anonymous_must_log_in(self, client, job):
        for name in JOB_URLS:
            assert is_login_redirect(fetch(client, name, job))

    def test_who_did_not_ask_gets_a_404(self, as_user, job, official_b, district_officer):
        # The district may see the data, but it is official A's job, not theirs.
        for user in (official_b, district_officer):
            for name in JOB_URLS:
                assert fetch(as_user(user), name, job).status_code == 404

    def test_a_requester_who_lost_the_scope_gets_a_404(self, as_user, job, official_a):
        Membership.objects.filter(user=official_a).delete()
        forget_memberships(official_a)
        for name in JOB_URLS:
            assert fetch(as_user(official_a), name, job).status_code == 404
        assert job.title not in as_user(official_a).get(reverse("committee:job_list")).text

    def test_joining_a_job_needs_the_scope_of_all_its_data(self, as_user, job, staff_a):
        # Staff of one of the two communities joins the job by asking: still not theirs to see.
        job.requested_by.add(staff_a)
        for name in JOB_URLS:
            assert fetch(as_user(staff_a), name, job).status_code == 404

    def test_the_requester_downloads_the_file(self, as_user, job, official_a):
        response = as_user(official_a).get(reverse("committee:job_download", args=[job.pk]))
        assert response.status_code == 200
        assert response.content == b"3"
        assert "count.txt" in response["Content-Disposition"]

    def test_an_expired_file_is_gone(self, as_user, job, official_a):
        Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        response = as_user(official_a).get(reverse("committee:job_download", args=[job.pk]))
        assert response.status_code == 404


def test_the_status_says_how_far_the_job_is(as_user, world, official_a):
    found, _ = request_job(
        user=official_a,
        kind=job_kinds.COUNT,
        key="b",
        title="进行中",
        communities=[world.community_a.pk],
    )
    started = timezone.now() - timedelta(seconds=30)
    Job.objects.filter(pk=found.pk).update(
        status=Status.RUNNING, done=25, total=100, started_at=started
    )
    state = as_user(official_a).get(reverse("committee:job_status", args=[found.pk])).json()
    assert state["percent"] == 25 and state["active"] and not state["download_url"]
    assert 85 <= state["seconds_left"] <= 95  # 30 s for 25 rows: about 90 s for 75 more
    page = as_user(official_a).get(reverse("committee:job_detail", args=[found.pk]))
    assert 'value="25"' in page.text and "committee/jobs.js" in page.text


def test_cancel_stops_a_queued_job(as_user, world, official_a):
    found, _ = request_job(
        user=official_a,
        kind=job_kinds.COUNT,
        key="c",
        title="取消",
        communities=[world.community_a.pk],
    )
    response = as_user(official_a).post(reverse("committee:job_cancel", args=[found.pk]))
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == Status.CANCELLED
    assert run_job.call(found.pk) == "skipped"


def test_my_jobs_lists_mine_in_a_fixed_number_of_queries(
    as_user, world, official_a, django_assert_max_num_queries
):
    for n in range(12):
        request_job(
            user=official_a,
            kind=job_kinds.COUNT,
            key=str(n),
            title=f"作业{n}",
            communities=[world.community_a.pk],
        )
    client = as_user(official_a)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("committee:job_list"))
    assert page.text.count("作业") >= 12


class TestReportJobs:
    url = "/dashboards/reports/jobs/"

    def test_anonymous_must_log_in(self, client, world):
        response = client.post(self.url, {"what": "district_workbook", "pk": world.district.pk})
        assert is_login_redirect(response)

    def test_only_who_sees_the_whole_unit_may_ask(
        self, as_user, world, staff_a, official_a, official_b
    ):
        asks = [
            (staff_a, "street_office_workbook", world.street_a.pk),
            (official_b, "street_office_report", world.street_a.pk),
            (official_a, "district_workbook", world.district.pk),
        ]
        for user, what, pk in asks:
            assert as_user(user).post(self.url, {"what": what, "pk": pk}).status_code == 404
        assert not Job.objects.exists()

    def test_nonsense_is_refused(self, as_user, world, official_a):
        client = as_user(official_a)
        assert client.post(self.url, {"what": "everything", "pk": 1}).status_code == 400
        assert client.post(self.url, {"what": "district_workbook", "pk": "x"}).status_code == 400

    def test_a_district_workbook_is_made_by_a_job(
        self, as_user, world, district_officer, django_capture_on_commit_callbacks
    ):
        client = as_user(district_officer)
        form = {
            "what": "district_workbook",
            "pk": world.district.pk,
            "period": "year",
            "at": "2026",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.url, form)
            again = client.post(self.url, form)  # a double click joins the same job
        job = Job.objects.get()
        assert response["Location"] == again["Location"] == f"/jobs/{job.pk}/"
        assert sorted(job.community_ids) == sorted(
            [world.community_a.pk, world.community_a2.pk, world.community_b.pk]
        )
        assert run_job.call(job.pk) == "done"
        download = client.get(reverse("committee:job_download", args=[job.pk]))
        assert "2026.xlsx" in download["Content-Disposition"]
        book = load_workbook(io.BytesIO(download.content))
        communities = {r[0] for r in book["警示"].iter_rows(min_row=2, values_only=True)}
        assert {"甲社区", "甲二社区", "乙社区"} <= communities
        job.refresh_from_db()
        assert job.done == job.total == len(book.sheetnames)

    def test_a_street_office_pdf_is_made_by_a_job(self, as_user, world, official_a):
        client = as_user(official_a)
        client.post(self.url, {"what": "street_office_report", "pk": world.street_a.pk})
        job = Job.objects.get()
        assert run_job.call(job.pk) == "done"
        download = client.get(reverse("committee:job_download", args=[job.pk]))
        assert download.content.startswith(b"%PDF")

    def test_the_reports_page_offers_the_units_the_user_sees_whole(
        self, as_user, world, district_officer, official_a
    ):
        page = as_user(district_officer).get(reverse("dashboards:reports")).text
        assert 'value="district_workbook"' in page
        page = as_user(official_a).get(reverse("dashboards:reports")).text
        assert 'value="district_workbook"' not in page
        assert 'value="street_office_workbook"' in page
