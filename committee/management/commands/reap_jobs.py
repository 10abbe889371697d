"""Queue again the jobs of dead workers, delete expired files, and do the rest of a worker's
beat (``committee/beats.py``: the day's first drawing of the dashboards …), once.

``jobs_worker`` does this every few seconds by itself; run this from cron when the workers
are another engine's (RQ's ``rqworker``).
"""

from django.core.management.base import BaseCommand

from committee import beats
from committee.jobs import purge_expired_jobs, reap_stale_jobs


class Command(BaseCommand):
    help = "Re-queue stale background jobs and delete expired job files"

    def handle(self, *args, **options):
        requeued = reap_stale_jobs()
        purged = purge_expired_jobs()
        beats.run()
        self.stdout.write(f"re-queued {len(requeued)} job(s), deleted {purged} expired job(s)")
