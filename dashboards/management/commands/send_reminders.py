"""Queue today's reminders (run it daily from cron, say at 08:00 Beijing time).

python manage.py send_reminders          # queue the job for a worker
python manage.py send_reminders --now    # run it here and say how many were written
"""

from django.core.management.base import BaseCommand

from dashboards.reminders import remind, send_reminders


class Command(BaseCommand):
    help = "Queue (or with --now run) the reminders of deadlines today and in 3 working days"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run here instead of queueing")

    def handle(self, *args, now=False, **options):
        if now:
            written = remind()
            self.stdout.write(f"{written} reminders written")
        else:
            result = send_reminders.enqueue()
            self.stdout.write(f"reminders queued: {result.id}")
