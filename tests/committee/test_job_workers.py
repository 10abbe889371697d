"""Real worker processes on PostgreSQL: two workers run 50 jobs, each exactly once, and a
killed worker's job is picked up again by the other.

SQLite is skipped: a file database cannot be shared by the test's in-memory database and
worker processes; this runs in the PostgreSQL pass of `make test`.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection, transaction

from committee.jobs import Job, Status, WorkerBeat, request_job
from tests.committee import job_kinds

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="worker processes need a shared server database: runs in the PostgreSQL pass",
)

# Import the test kinds, then run the ordinary worker command. Timeouts are generous: on a
# busy 2-core machine a worker process takes up to half a minute to start.
WORKER = (
    "import django; django.setup(); import tests.committee.job_kinds; "
    "from django.core.management import call_command; "
    "call_command('jobs_worker', queue_name='default,long', interval=0.05, reload=False, "
    "startup_delay=False, worker_id=sys.argv[1], verbosity=0)"
)


def worker_env(**extra) -> dict:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "x",
        "PERSONAL_DATA_KEYS": ",".join(settings.PERSONAL_DATA_KEYS),  # reads what tests wrote
        "DJANGO_SETTINGS_MODULE": "committee.settings",
        **{key: str(value) for key, value in extra.items()},
    }


def start_worker(name: str, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; " + WORKER, name],
        env=worker_env(**env),
        cwd=settings.BASE_DIR,
    )


def wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


def stop(*workers: subprocess.Popen) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def runs(log) -> list[tuple[int, int]]:
    if not log.exists():
        return []
    return [tuple(int(x) for x in line.split()) for line in log.read_text().splitlines()]


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_fifty_jobs_each_exactly_once(world, staff_a, tmp_path):
    log = tmp_path / "runs.log"
    workers = [start_worker("w1"), start_worker("w2")]
    try:
        # Both workers polling before any job exists (a worker beats just before it starts
        # polling), and the fifty jobs appearing at once: on a busy machine the first worker
        # up could otherwise run them all before the second had started.
        assert wait_until(
            lambda: WorkerBeat.objects.filter(worker_id__in=("w1", "w2")).count() == 2, 120
        ), "a worker never started"
        with transaction.atomic():
            jobs = [
                request_job(
                    user=staff_a,
                    kind=job_kinds.COUNT,
                    key=str(n),
                    title=f"作业{n}",
                    communities=[world.community_a.pk],
                    params={"rows": 20, "log": str(log)},
                )[0]
                for n in range(50)
            ]
        finished = wait_until(
            lambda: Job.objects.filter(status=Status.SUCCEEDED).count() == 50, 240
        )
    finally:
        stop(*workers)
    assert finished, Counter(Job.objects.values_list("status", flat=True))
    started = Counter(job_id for job_id, _pid in runs(log))
    assert started == Counter({job.pk: 1 for job in jobs})
    assert len({pid for _job, pid in runs(log)}) == 2  # both workers took jobs
    assert set(Job.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_job_is_picked_up_again(world, staff_a, tmp_path):
    log = tmp_path / "runs.log"
    job, _ = request_job(
        user=staff_a,
        kind=job_kinds.SLEEP,
        key="slow",
        title="慢作业",
        communities=[world.community_a.pk],
        params={"steps": 40, "step_seconds": 0.1, "log": str(log)},
    )
    first = start_worker("doomed", JOBS_STALE_SECONDS=2)
    second = None
    try:
        assert wait_until(lambda: len(runs(log)) == 1, 120)
        assert wait_until(lambda: Job.objects.get(pk=job.pk).done >= 5, 30)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        job.refresh_from_db()
        assert job.status == Status.RUNNING  # the dead worker's job, stuck until reaped
        second = start_worker("rescuer", JOBS_STALE_SECONDS=2)
        picked_up = wait_until(lambda: Job.objects.get(pk=job.pk).status == Status.SUCCEEDED, 180)
    finally:
        stop(*[w for w in (first, second) if w is not None])
    job.refresh_from_db()
    assert picked_up, job.status
    assert job.attempts == 2
    pids = [pid for _job, pid in runs(log)]
    assert len(pids) == 2 and pids[0] == first.pid and pids[1] == second.pid
