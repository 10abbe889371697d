"""Load the demo: the hierarchy, then each app's own demo.py, in layer order."""

import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from committee import demo as committee_demo

# Layer order (shared/DESIGN.md): an app's demo may use what the ones before it made.
DEMO_APPS = ["staff", "surveys", "tasks", "funds", "certificates", "dashboards"]


class Command(BaseCommand):
    help = "Create or complete the demo district, communities, users and records (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            world = committee_demo.load()
            for app in DEMO_APPS:
                if importlib.util.find_spec(f"{app}.demo") is None:
                    continue
                importlib.import_module(f"{app}.demo").load(world)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Users (password: juwei-demo):"))
        for username, role, unit in world.users:
            self.stdout.write(f"  {username:<12} {role} · {unit}")
