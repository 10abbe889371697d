"""Rebuild the monthly rollups, or report where they drifted from the records.

manage.py rollups rebuild [--community CODE] [--year YYYY]
manage.py rollups check   [--community CODE] [--year YYYY]   (exit status 1 on drift)
"""

import time

from django.core.management.base import BaseCommand, CommandError

from committee.models import Community
from dashboards import rollups


class Command(BaseCommand):
    help = "Rebuild the dashboards' monthly rollups from the records, or check them for drift."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--community", help="community code (default: every community)")
        parser.add_argument("--year", type=int, help="calendar year (default: every year)")

    def handle(self, *args, action, community, year, **options):
        communities = Community.objects.all()
        if community:
            communities = communities.filter(code=community)
            if not communities.exists():
                raise CommandError(f"No community with code {community}.")
        started = time.perf_counter()
        if action == "rebuild":
            count = rollups.rebuild_rollups(communities=communities, year=year)
            seconds = time.perf_counter() - started
            self.stdout.write(f"Rebuilt the rollups of {count} communities in {seconds:.2f} s.")
            return
        found = rollups.drift(communities, year)
        for line in found:
            self.stdout.write(line)
        if found:
            raise CommandError(f"{len(found)} rollups differ from the records.")
        self.stdout.write(self.style.SUCCESS("The rollups match the records."))
