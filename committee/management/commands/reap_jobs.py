"""Queue again the jobs of dead workers and delete expired files, once.

``jobs_worker`` does this every few seconds by itself; run this from cron when the workers
are another engine's (RQ's ``rqworker``).
"""

from django.core.management.base import BaseCommand

from committee.jobs import purge_expired_jobs, reap_stale_jobs


class Command(BaseCommand):
    help = "Re-queue stale background jobs and delete expired job files"

    def handle(self, *args, **options):
        requeued = reap_stale_jobs()
        purged = purge_expired_jobs()
        self.stdout.write(f"re-queued {len(requeued)} job(s), deleted {purged} expired job(s)")
