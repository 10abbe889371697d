"""What every job worker does at each beat besides its own heartbeat (``jobs_worker``'s beat
thread, every few seconds): it prunes the engine's records of finished tasks, and runs
what the apps above register (the dashboards queue the day's first drawing of every page,
``dashboards/refresh.py``).

Registered in an app's ``AppConfig.ready``. A hook must be cheap when it has nothing to
do, and runs under the beat's own error handling (logged; the next beat tries again).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

_hooks: list[Callable[[], object]] = []
# The database queue keeps a row per task run; a worker deletes the finished ones older
# than JOBS_RESULT_HOURS at most this often (seconds): the dashboards' drawings alone
# leave a few thousand rows a busy day.
PRUNE_EVERY = 600
_pruned_at: float | None = None


def on_beat(hook: Callable[[], object]) -> None:
    """Run ``hook`` at every worker's beat, after the heartbeat."""
    if hook not in _hooks:
        _hooks.append(hook)


def run() -> None:
    prune_task_results()
    for hook in _hooks:
        hook()


def prune_task_results() -> int:
    """Delete the database queue's finished task runs older than ``JOBS_RESULT_HOURS``
    (at most every ``PRUNE_EVERY`` seconds in a process); how many. What a person waits
    for is kept apart, in ``Job`` (``committee/jobs.py``), and purged on its own."""
    global _pruned_at  # noqa: PLW0603 -- this process's last pruning
    now = time.monotonic()
    if _pruned_at is not None and now - _pruned_at < PRUNE_EVERY:
        return 0
    _pruned_at = now
    from django_tasks_db.models import DBTaskResult

    before = timezone.now() - timedelta(hours=settings.JOBS_RESULT_HOURS)
    return DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()[0]
