"""Load the demo: the hierarchy, then each app's own demo.py, in layer order."""

from django.core.management.base import BaseCommand
from django.db import transaction

from certificates import demo as certificates_demo
from committee import demo as committee_demo
from dashboards import demo as dashboards_demo
from funds import demo as funds_demo
from paperwork import demo as paperwork_demo
from staff import demo as staff_demo
from surveys import demo as surveys_demo
from tasks import demo as tasks_demo

# Layer order (shared/DESIGN.md): an app's demo may use what the ones before it made.
DEMOS = [
    staff_demo,
    surveys_demo,
    tasks_demo,
    funds_demo,
    certificates_demo,
    paperwork_demo,
    dashboards_demo,
]


class Command(BaseCommand):
    help = "Create or complete the demo district, communities, users and records (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            world = committee_demo.load()
            for demo in DEMOS:
                demo.load(world)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Users (password: juwei-demo):"))
        for username, role, unit in world.users:
            self.stdout.write(f"  {username:<12} {role} · {unit}")
