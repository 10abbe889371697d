"""Fill the database with a district's worth of communities, for measuring (`make bench`)."""

import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from committee.models import District
from dashboards import scale


class Command(BaseCommand):
    help = (
        "Add N communities (10 per street office) with a year of realistic records each: "
        "15 staff, ~500 tasks, ~6,000 hour entries, 180 pay records, 150 incomes, "
        "250 expenses, a survey of 200 answers. Loads the demo first when it is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communities", type=int, required=True)
        parser.add_argument("--year", type=int, default=None, help="default: this year")
        parser.add_argument("--district", default="XX", help="district code (default: XX)")
        parser.add_argument("--seed", type=int, default=21)

    def handle(self, *args, communities, year, district, seed, **options):
        if communities < 1:
            raise CommandError("--communities must be at least 1.")
        if not District.objects.filter(code=district).exists():
            if district != "XX":
                raise CommandError(f"No district with code {district}.")
            call_command("load_demo", stdout=io.StringIO())
        started = time.perf_counter()
        made = scale.generate(
            communities,
            year or timezone.localdate().year,
            District.objects.get(code=district),
            seed=seed,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(made)} communities added in {time.perf_counter() - started:.1f} s."
            )
        )
