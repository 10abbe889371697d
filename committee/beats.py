"""What the apps above have every job worker do at each beat, besides its own heartbeat
(``jobs_worker``'s beat thread, every few seconds): the dashboards queue the day's first
drawing of every page (``dashboards/refresh.py``).

Registered in an app's ``AppConfig.ready``. A hook must be cheap when it has nothing to
do, and runs under the beat's own error handling (logged; the next beat tries again).
"""

from __future__ import annotations

from collections.abc import Callable

_hooks: list[Callable[[], object]] = []


def on_beat(hook: Callable[[], object]) -> None:
    """Run ``hook`` at every worker's beat, after the heartbeat."""
    if hook not in _hooks:
        _hooks.append(hook)


def run() -> None:
    for hook in _hooks:
        hook()
