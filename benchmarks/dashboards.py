"""The dashboards at a district's scale: read from the monthly rollups, and from the records.

    make bench-dashboards SCALE=100        # the database benchmarks/scale.py filled

Fetches, in interleaved rounds, the street-office dashboard (as `scale_street`) and the
district dashboard (as `scale_district`) for the year, once as they run (whole-month
periods read the rollups) and once with every figure computed live from the records
(``dashboards.flags.instead_of``, ``dashboards.flags.grouped`` (the district's street-office
rows) and ``dashboards.panels.read`` bypassed), and a rebuild of
one community-year of rollups. Prints medians, query counts and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        data = ROOT / "benchmarks" / ".data" / f"scale-{args.scale}.sqlite3"
        if not data.exists():
            sys.exit(f"{data} is missing: run `make bench SCALE={args.scale}` first.")
        os.environ["DATABASE_URL"] = f"sqlite:///{data}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from committee.models import Community, StreetOffice
    from dashboards import flags, panels, rollups

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    office = StreetOffice.objects.filter(code__startswith="S").order_by("code").first()
    if office is None:
        sys.exit("No generated street office: run generate_scale first.")
    query = "?period=year&at=" + str(
        Community.objects.filter(street_office=office)
        .first()
        .monthly_rollups.latest("month")
        .month.year
    )
    pages = [
        ("street office", "scale_street", reverse("dashboards:street_office", args=[office.pk])),
        ("district", "scale_district", reverse("dashboards:district", args=[office.district_id])),
    ]
    users = get_user_model().objects
    live_of = {"instead_of": lambda metric, start, end: metric}
    originals = {"flags": flags.instead_of, "panels": panels.read, "grouped": flags.grouped}

    def fetch(username: str, url: str, live: bool) -> tuple[float, int]:
        flags.instead_of = live_of["instead_of"] if live else originals["flags"]
        panels.read = (lambda m, c, s, e: m(c, s, e)) if live else originals["panels"]
        flags.grouped = (lambda metric, figures: None) if live else originals["grouped"]
        client = Client()
        client.force_login(users.get(username=username))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url + query)
            seconds = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return seconds, len(queries)

    print(f"dashboards, {connection.vendor}, {Community.objects.count()} communities")
    for name, username, url in pages:
        fetch(username, url, False)
        found: dict[bool, list[float]] = {False: [], True: []}
        counts = {}
        for _round in range(args.rounds):
            for live in (False, True):
                seconds, counts[live] = fetch(username, url, live)
                found[live].append(seconds)
        rolled, live = statistics.median(found[False]), statistics.median(found[True])
        print(
            f"  {name:14} rollups {rolled:6.2f} s ({counts[False]} queries) · "
            f"live {live:6.2f} s ({counts[True]} queries) · live ÷ rollups {live / rolled:4.1f}×"
        )
    community = Community.objects.filter(street_office=office).first()
    year = int(query.rsplit("=", 1)[1])
    started = time.perf_counter()
    rollups.rebuild_rollups(communities=Community.objects.filter(pk=community.pk), year=year)
    print(f"  rebuild of one community-year: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
