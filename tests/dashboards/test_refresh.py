"""A worker draws the street-office and district pages after a write (dashboards/refresh.py):
one job per page for a burst of writes, and the official's next visit finds the page drawn,
the same page a visit would have computed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from committee.services import save_record
from dashboards import refresh
from dashboards.models import PageRefresh
from funds.models import Income
from tests.committee.test_jobs import run_worker
from tests.dashboards.test_figure_cache import fresh, page
from tests.dashboards.test_views import with_records

TODAY = date(2026, 6, 15)  # tests/conftest.py's TEST_TODAY
TASK = "dashboards.refresh.refresh_page"


def queued() -> list[list]:
    """The pages waiting for a worker, as the jobs name them."""
    jobs = DBTaskResult.objects.filter(task_path=TASK, status="READY")
    return sorted(job.args_kwargs["args"] for job in jobs)


def income(community, amount=500) -> None:
    save_record(
        Income(
            community=community, date=TODAY, kind="allocation", amount=Decimal(amount), payer="区"
        ),
        user=None,
    )


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run each block as a transaction that commits: what follows the commit runs."""

    def committed():
        return django_capture_on_commit_callbacks(execute=True)

    return committed


def test_a_burst_of_writes_queues_each_page_once(world, commits):
    with commits():
        income(world.community_a)
    district, street_a = ["district", world.district.pk], ["street_office", world.street_a.pk]
    assert queued() == [district, street_a]
    job = DBTaskResult.objects.filter(task_path=TASK).first()
    assert job.run_after >= timezone.now() + timedelta(seconds=4)  # after the burst
    with commits():
        income(world.community_a2)  # same street office, same district: both waiting
    assert queued() == [district, street_a]
    with commits():
        income(world.community_b)  # another street office of the district
    assert queued() == [district, street_a, ["street_office", world.street_b.pk]]


def test_a_write_that_is_rolled_back_queues_nothing(world, commits):
    with commits(), pytest.raises(RuntimeError), transaction.atomic():
        income(world.community_a)
        raise RuntimeError("the write fails after it was saved")
    assert queued() == []
    with commits():  # the next write is not lost with the first one's gathering
        income(world.community_b)
    assert queued() == [["district", world.district.pk], ["street_office", world.street_b.pk]]


def test_a_write_while_the_worker_draws_queues_the_page_again_after_a_pause(
    world, commits, monkeypatch
):
    with commits():
        income(world.community_a)
    drawing = refresh.draw

    def draw_while_a_clerk_writes(page, unit_id, period=None):
        with commits():
            income(world.community_a2)  # the page's row is there: it joins
        assert queued() == [["district", world.district.pk]]  # no second street-office job
        return drawing(page, unit_id, period)

    monkeypatch.setattr(refresh, "draw", draw_while_a_clerk_writes)
    monkeypatch.setattr(refresh, "PAUSE", 10**6)  # a drawing's time, made long
    DBTaskResult.objects.filter(args_kwargs__args__0="street_office").delete()  # as run
    refresh.refresh_page.call("street_office", world.street_a.pk)
    again = DBTaskResult.objects.get(args_kwargs__args__0="street_office")
    assert again.run_after > timezone.now() + timedelta(minutes=1)  # after the pause
    assert PageRefresh.objects.filter(page="street_office").count() == 1

    monkeypatch.setattr(refresh, "draw", drawing)
    again.delete()
    refresh.refresh_page.call("street_office", world.street_a.pk)  # nothing written meanwhile
    assert not DBTaskResult.objects.filter(args_kwargs__args__0="street_office").exists()
    assert not PageRefresh.objects.filter(page="street_office").exists()


def test_a_page_whose_job_was_lost_is_queued_again(world, commits):
    with commits():
        income(world.community_a)
    DBTaskResult.objects.all().delete()  # the queue emptied, the rows left behind
    with commits():
        income(world.community_a)
    assert queued() == []  # still waiting, as far as anyone can tell
    with time_machine.travel(timezone.now() + refresh.LOST + timedelta(seconds=1)), commits():
        income(world.community_a)
    assert queued() == [["district", world.district.pk], ["street_office", world.street_a.pk]]


@pytest.mark.parametrize("page_name", ["street_office", "district"])
def test_after_the_worker_a_visit_finds_the_page_drawn(
    world, commits, as_user, district_officer, settings, page_name
):
    settings.DASHBOARD_REFRESH_SECONDS = 0
    for community in (world.community_a, world.community_b):
        with_records(community)
    unit = world.street_a if page_name == "street_office" else world.district
    client = as_user(district_officer)
    urls = [
        reverse(f"dashboards:{page_name}", args=[unit.pk]),
        reverse(f"dashboards:{page_name}", args=[unit.pk]) + "?period=year&at=2026",
    ]
    before = [page(client, url) for url in urls]  # kept, as of before the write
    with commits():
        income(world.community_a, 77_777)
    run_worker()
    assert queued() == []
    assert not PageRefresh.objects.exists()
    for url, kept in zip(urls, before, strict=True):
        with CaptureQueriesContext(connection) as visit:
            drawn = page(client, url)
        # Nothing computed on the visit: no rollup read, the body comes kept.
        assert not any("dashboards_monthlyrollup" in q["sql"] for q in visit.captured_queries)
        assert drawn == fresh(client, url)
        assert drawn != kept  # drawn with the write


def test_the_worker_draws_in_every_language(world, commits, as_user, district_officer, settings):
    settings.DASHBOARD_REFRESH_SECONDS = 0
    with_records(world.community_a)
    with commits():
        income(world.community_a)
    run_worker()
    client = as_user(district_officer)
    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    for language in ("en", "zh-hans"):
        client.cookies["django_language"] = language
        with CaptureQueriesContext(connection) as visit:
            drawn = page(client, url)
        assert not any("dashboards_monthlyrollup" in q["sql"] for q in visit.captured_queries)
        assert ("Communities, the worst first" in drawn) == (language == "en")


def test_the_daily_command_queues_or_draws_every_page(world, settings):
    out = io.StringIO()
    call_command("refresh_dashboards", stdout=out)
    assert "3 dashboards queued" in out.getvalue()
    assert queued() == [
        ["district", world.district.pk],
        ["street_office", world.street_a.pk],
        ["street_office", world.street_b.pk],
    ]
    assert all(j.run_after <= timezone.now() for j in DBTaskResult.objects.all())
    call_command("refresh_dashboards", "--now", stdout=out)
    # Three pages, two languages, with and without the period's query.
    assert "12 dashboard bodies drawn" in out.getvalue()


def test_a_workers_beat_queues_every_page_once_a_day(world, monkeypatch):
    from committee import beats

    monkeypatch.setattr(refresh, "_daily_done", None)
    beats.run()  # what every worker runs at each beat
    pages = [
        ["district", world.district.pk],
        ["street_office", world.street_a.pk],
        ["street_office", world.street_b.pk],
    ]
    assert queued() == pages
    DBTaskResult.objects.all().delete()
    PageRefresh.objects.all().delete()  # drawn: the jobs dropped their rows
    beats.run()  # the next beat
    monkeypatch.setattr(refresh, "_daily_done", None)
    beats.run()  # another worker's beat the same day
    assert queued() == []
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        beats.run()  # the first beat of the next day
    assert queued() == pages
