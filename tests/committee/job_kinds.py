"""Job kinds for the tests: they count, sleep, fail and log each run they start.

The worker processes of tests/committee/test_job_workers.py import this module before
they start, so they know these kinds too.
"""

import os
import time

from committee.jobs import DEFAULT, LONG, Result, TransientJobError, job_kind

COUNT = "tests.count"
SLEEP = "tests.sleep"
FLAKY = "tests.flaky"
BROKEN = "tests.broken"
QUICK = "tests.quick"


def log_run(job) -> None:
    """Append "job pid" to the file named by the job's params (O_APPEND: one line a run)."""
    path = job.params.get("log")
    if path:
        with open(path, "a") as handle:
            handle.write(f"{job.pk} {os.getpid()}\n")


@job_kind(COUNT, queue=LONG)
def count(job, progress):
    log_run(job)
    rows = range(job.params.get("rows", 10))
    progress.set_total(len(rows))
    total = sum(progress.count(rows))
    return Result("count.txt", "text/plain", str(total).encode())


@job_kind(QUICK, queue=DEFAULT)
def quick(job, progress):
    log_run(job)
    return Result("quick.txt", "text/plain", b"quick")


@job_kind(SLEEP, queue=LONG)
def sleep(job, progress):
    log_run(job)
    steps = job.params.get("steps", 10)
    progress.set_total(steps)
    for _step in range(steps):
        time.sleep(job.params.get("step_seconds", 0.1))
        progress.advance()
    return Result("slept.txt", "text/plain", b"slept")


@job_kind(FLAKY, queue=LONG)
def flaky(job, progress):
    """Fails with a transient error on its first ``fail_times`` attempts."""
    if job.attempts <= job.params.get("fail_times", 1):
        raise TransientJobError("the service is busy")
    return Result("flaky.txt", "text/plain", b"at last")


@job_kind(BROKEN, queue=LONG)
def broken(job, progress):
    raise ValueError("a bug")
