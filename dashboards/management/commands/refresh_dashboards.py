"""Draw every street office's and district's dashboard ahead of its visits
(dashboards/refresh.py). The workers do it by themselves after midnight and after a
deployment; this is the same by hand.

python manage.py refresh_dashboards          # queue a job per page for the workers
python manage.py refresh_dashboards --now    # draw them here, one after another
"""

from django.core.management.base import BaseCommand

from dashboards import refresh


class Command(BaseCommand):
    help = "Queue (or with --now draw) every street-office and district dashboard"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="draw here instead of queueing")

    def handle(self, *args, now=False, **options):
        if not now:
            queued = refresh.queue_all()
            self.stdout.write(f"{queued} dashboards queued")
            return
        drawn = sum(refresh.draw(page, pk) for page, pk in refresh.every_page())
        self.stdout.write(f"{drawn} dashboard bodies drawn")
