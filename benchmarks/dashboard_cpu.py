"""The least CPU of N requests of one dashboard, in this process (an A/B between trees).

    DATABASE_URL=postgres://… python benchmarks/dashboard_cpu.py street write 15

PAGE is ``street`` (the first generated street office, as ``scale_street``) or
``district`` (its district, as ``scale_district``); MODE is ``write`` (one community's
revision raised before each request: the page after one write) or ``cold`` (a fresh
figure-cache key before each; the charts and flags' words this process drew are kept).
Prints the least and the median CPU time of the requests and their wall time: on a shared
machine the least is what a quiet one gives. Run it alternately from two trees (each
imports its own code) against the same database to compare them.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve_pages() -> None:
    """Django set up to fetch pages in this process: any host, static files as they are."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def main() -> None:
    page, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    serve_pages()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from committee.models import Community, StreetOffice
    from dashboards import figure_cache, revisions

    office = StreetOffice.objects.filter(code__startswith="S").order_by("code").first()
    written = Community.objects.filter(street_office=office).order_by("code").first().pk
    if page == "street":
        url, user = reverse("dashboards:street_office", args=[office.pk]), "scale_street"
    else:
        url, user = reverse("dashboards:district", args=[office.district_id]), "scale_district"
    url += "?period=year&at=2026"
    client = Client()
    client.force_login(get_user_model().objects.get(username=user))
    for _ in range(2):
        client.get(url)
    cpu, wall = [], []
    for _ in range(n):
        if mode == "cold":
            figure_cache.salt = f"cpu-{time.time_ns()}"
        else:
            revisions.bump([written])
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    print(
        f"{ROOT.name} {page} {mode}: CPU least {min(cpu) * 1000:.1f} ms, median "
        f"{statistics.median(cpu) * 1000:.1f} ms; wall least {min(wall) * 1000:.1f} ms, "
        f"median {statistics.median(wall) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
