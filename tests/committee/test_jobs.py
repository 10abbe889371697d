"""Background jobs: one job per thing made, progress, the file, retries, cancel, the reaper."""

import os
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from committee.jobs import (
    Job,
    JobFile,
    Status,
    WorkerBeat,
    cancel_job,
    purge_expired_jobs,
    reap_stale_jobs,
    request_job,
    run_job,
    worker_seen_recently,
)
from tests.committee import job_kinds


def ask(user, world, kind=job_kinds.COUNT, key="k", communities=None, **params):
    ids = communities if communities is not None else [world.community_a.pk]
    return request_job(
        user=user, kind=kind, key=key, title="测试作业", communities=ids, params=params
    )


def run_worker(queues="default,long"):
    """Run every queued task in this process, as a worker would, then return.

    The worker closes stale connections between tasks; inside a test's transaction that
    would close the test's own connection on PostgreSQL, so that step is left out here
    (tests/committee/test_job_workers.py runs real worker processes).
    """
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        _run_worker(queues)


def _run_worker(queues):
    call_command(
        "db_worker",
        batch=True,
        reload=False,
        startup_delay=False,
        interval=0,
        queue_name=queues,
        verbosity=0,
    )


def test_it_joins_the_running_job_for_the_same_thing(
    world, staff_a, chair_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, started = ask(staff_a, world)
        again, started_again = ask(chair_a, world)
        twice, _ = ask(staff_a, world)
    assert started and not started_again
    assert first.pk == again.pk == twice.pk
    assert set(first.requested_by.all()) == {staff_a, chair_a}
    assert DBTaskResult.objects.count() == 1


def test_a_different_key_is_a_different_job(world, staff_a):
    first, _ = ask(staff_a, world, key="2026")
    other, started = ask(staff_a, world, key="2025")
    assert started and other.pk != first.pk


def test_asking_after_the_job_finished_starts_a_new_one(
    world, staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = ask(staff_a, world)
    run_worker()
    again, started = ask(staff_a, world)
    assert started and again.pk != first.pk


def test_the_database_refuses_a_second_active_job_for_one_key(world, staff_a):
    from django.db import IntegrityError, transaction

    ask(staff_a, world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=job_kinds.COUNT, key="k", title="x")


def test_it_runs_on_a_worker_and_keeps_the_file(
    world, staff_a, django_capture_on_commit_callbacks, settings
):
    settings.JOBS_RESULT_HOURS = 6
    with django_capture_on_commit_callbacks(execute=True):
        job, _ = ask(staff_a, world, rows=101)
    assert DBTaskResult.objects.get().queue_name == "long"
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    assert (job.done, job.total, job.percent) == (101, 101, 100)
    assert job.attempts == 1
    assert job.expires_at == job.finished_at + timedelta(hours=6)
    assert bytes(JobFile.objects.get(job=job).data) == str(sum(range(101))).encode()


def test_short_jobs_have_their_own_queue(world, staff_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        long_job, _ = ask(staff_a, world, kind=job_kinds.SLEEP, steps=1, step_seconds=0)
        short_job, _ = ask(staff_a, world, kind=job_kinds.QUICK)
    run_worker(queues="default")
    long_job.refresh_from_db()
    short_job.refresh_from_db()
    assert short_job.status == Status.SUCCEEDED
    assert long_job.status == Status.QUEUED


def test_running_a_job_twice_does_it_once(world, staff_a, tmp_path):
    log = tmp_path / "runs.log"
    job, _ = ask(staff_a, world, log=str(log))
    assert run_job.call(job.pk) == "done"
    assert run_job.call(job.pk) == "skipped"
    assert log.read_text().splitlines() == [f"{job.pk} {os.getpid()}"]


def test_a_transient_failure_is_tried_again(world, staff_a, django_capture_on_commit_callbacks):
    job, _ = ask(staff_a, world, kind=job_kinds.FLAKY, fail_times=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_job.call(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.attempts == 1
    retry = DBTaskResult.objects.get()
    assert retry.run_after > timezone.now()  # after a pause, not at once
    assert run_job.call(job.pk) == "done"
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED and job.attempts == 2


def test_a_job_that_keeps_failing_stops_after_its_attempts(
    world, staff_a, django_capture_on_commit_callbacks
):
    job, _ = ask(staff_a, world, kind=job_kinds.FLAKY, fail_times=99)
    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.attempts == 3
    assert "busy" in job.error


def test_a_bug_fails_at_once(world, staff_a):
    job, _ = ask(staff_a, world, kind=job_kinds.BROKEN)
    run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.attempts == 1
    assert "ValueError" in job.error


def test_a_cancelled_job_does_not_run(world, staff_a, tmp_path):
    log = tmp_path / "runs.log"
    job, _ = ask(staff_a, world, log=str(log))
    assert cancel_job(job)
    assert run_job.call(job.pk) == "skipped"
    assert not log.exists()
    job.refresh_from_db()
    assert job.status == Status.CANCELLED


def test_cancelling_a_running_job_stops_it_at_its_next_step(world, staff_a, monkeypatch):
    from committee import jobs

    job, _ = ask(staff_a, world, kind=job_kinds.SLEEP, steps=5, step_seconds=0)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 0)
    original = jobs.Progress.advance

    def cancel_midway(self, step=1):
        if self.done == 2:
            cancel_job(self.job)
        original(self, step)

    monkeypatch.setattr(jobs.Progress, "advance", cancel_midway)
    assert run_job.call(job.pk) == "cancelled"
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert not JobFile.objects.filter(job=job).exists()


def test_the_reaper_queues_again_a_job_whose_worker_died(
    world, staff_a, settings, django_capture_on_commit_callbacks
):
    settings.JOBS_STALE_SECONDS = 60
    job, _ = ask(staff_a, world)
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, attempts=1, heartbeat_at=now - timedelta(seconds=61)
    )
    fresh, _ = ask(staff_a, world, key="fresh")
    Job.objects.filter(pk=fresh.pk).update(
        status=Status.RUNNING, attempts=1, heartbeat_at=now - timedelta(seconds=30)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reap_stale_jobs(now) == [job.pk]
    job.refresh_from_db()
    assert job.status == Status.QUEUED
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).count() == 1
    run_worker()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED and job.attempts == 2


def test_the_reaper_gives_up_on_a_job_out_of_attempts(world, staff_a):
    job, _ = ask(staff_a, world)
    Job.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, attempts=3, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    assert reap_stale_jobs() == []
    job.refresh_from_db()
    assert job.status == Status.FAILED


def test_expired_files_are_deleted(world, staff_a):
    job, _ = ask(staff_a, world)
    run_job.call(job.pk)
    job.refresh_from_db()
    assert purge_expired_jobs(job.expires_at - timedelta(seconds=1)) == 0
    assert purge_expired_jobs(job.expires_at + timedelta(seconds=1)) == 1
    assert not JobFile.objects.exists()


def test_a_worker_counts_as_seen_for_a_while(db, settings):
    settings.JOBS_WORKER_SEEN_SECONDS = 120
    assert not worker_seen_recently()
    WorkerBeat.objects.create(
        worker_id="w1", host="h", pid=1, queues="default", seen_at=timezone.now()
    )
    assert worker_seen_recently()
    assert not worker_seen_recently(timezone.now() + timedelta(seconds=121))


def test_a_workers_beat_prunes_the_finished_task_runs_of_yesterday(world, monkeypatch):
    from committee import beats
    from dashboards import refresh

    old, recent, waiting, failed = (refresh.refresh_page.enqueue("district", n) for n in range(4))
    day_ago = timezone.now() - timedelta(hours=settings.JOBS_RESULT_HOURS, minutes=1)
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=day_ago)
    DBTaskResult.objects.filter(pk=failed.id).update(status="FAILED", finished_at=day_ago)
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="SUCCESSFUL", finished_at=timezone.now()
    )
    monkeypatch.setattr(beats, "_pruned_at", None)
    beats.prune_task_results()  # at a worker's beat (beats.run)
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert {str(pk) for pk in left} == {str(recent.id), str(waiting.id)}
    DBTaskResult.objects.filter(pk=recent.id).update(finished_at=day_ago)
    beats.prune_task_results()  # the next beat, within PRUNE_EVERY: nothing read
    assert DBTaskResult.objects.filter(pk=recent.id).exists()
