"""A job worker: django-tasks-db's ``db_worker``, plus a beat thread.

Every few seconds the thread records that this worker is alive (readiness asks for
a worker seen recently), keeps the heartbeat of the jobs this process is running fresh,
queues again the jobs of workers that died (``reap_stale_jobs``: the database queue
leaves a killed worker's task "running" for ever), and deletes expired results.

    python manage.py jobs_worker --queue-name default      # short jobs (reminders)
    python manage.py jobs_worker --queue-name long         # reports, exports, imports

Run any number, on any machine that reaches the database.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from committee import beats, jobs

logger = logging.getLogger("juwei.jobs")


def beat_seconds() -> float:
    """Often enough that a live worker's jobs never look stale to another's reaper."""
    return min(5.0, settings.JOBS_STALE_SECONDS / 3)


def beat_forever(worker_id: str, queues: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            jobs.beat(worker_id, queues)
            jobs.reap_stale_jobs()
            jobs.purge_expired_jobs()
            beats.run()
        except Exception:  # noqa: BLE001 -- a beat that fails is logged; the next one retries
            logger.exception("job worker beat failed")
        finally:
            connection.close()
        stop.wait(beat_seconds())


class Command(DbWorkerCommand):
    help = "Run a background job worker (database queue) with heartbeat and reaper"

    def handle(self, *args, **options):
        reloading_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloading_parent:
            stop = threading.Event()
            threading.Thread(
                target=beat_forever,
                args=(options["worker_id"], options["queue_name"], stop),
                name="jobs-beat",
                daemon=True,
            ).start()
        return super().handle(*args, **options)
