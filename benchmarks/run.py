"""Benchmarks, run by hand (`make bench`): how long the reports take on this machine.

Builds a throwaway SQLite database with the demo, then renders 爱国社区's yearly PDF
report through its URL several times, as a logged-in user would, and prints the wall
and CPU time of each step. The acceptance limit is 3 seconds for a community's year.

    make bench                      # 5 runs
    BENCH_RUNS=10 make bench
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LIMIT_SECONDS = 3.0
CERTIFICATE_LIMIT_SECONDS = 1.0


def timed(step, runs: int) -> list[tuple[float, float]]:
    found = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        step()
        found.append((time.perf_counter() - wall, time.process_time() - cpu))
    return found


def report(name: str, times: list[tuple[float, float]]) -> float:
    walls, cpus = [w for w, _c in times], [c for _w, c in times]
    median = statistics.median(walls)
    print(
        f"{name:<40} wall median {median:6.2f} s (min {min(walls):.2f}, max {max(walls):.2f})"
        f" · CPU median {statistics.median(cpus):.2f} s · {len(times)} runs"
    )
    return median


def main() -> int:
    folder = tempfile.mkdtemp(prefix="juwei-bench-")
    try:
        return bench(folder, int(os.environ.get("BENCH_RUNS", "5")))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(folder: str, runs: int) -> int:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "juwei-bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from committee.models import Community
    from committee.pdf import render_pdf
    from committee.periods import Period
    from dashboards.reports.content import community_report

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    print(f"demo database ready in {time.perf_counter() - started:.1f} s")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")

    aiguo = Community.objects.get(code="XX-01-01")
    year = timezone.localdate().year
    period = Period.year(year)
    url = reverse("dashboards:community_report", args=[aiguo.pk]) + f"?period=year&at={year}"
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        client.force_login(get_user_model().objects.get(username="aiguo"))
        first = client.get(url)  # warms imports, fonts and templates
        assert first.status_code == 200 and first.content.startswith(b"%PDF"), first.status_code
        print(f"PDF: {len(first.content) / 1024:.0f} KB")
        context = {}

        def build():
            context.update(community_report(aiguo, period) | {"heading": "", "today": None})

        total = report(
            f"爱国社区 {year} PDF report (whole request)", timed(lambda: client.get(url), runs)
        )
        report("  of which: figures, flags, panels", timed(build, runs))
        report(
            "  of which: HTML → PDF (WeasyPrint)",
            timed(lambda: render_pdf("dashboards/reports/report.html", context), runs),
        )
        workbook = (
            reverse("dashboards:community_workbook", args=[aiguo.pk]) + f"?period=year&at={year}"
        )
        report(
            f"爱国社区 {year} workbook (whole request)",
            timed(lambda: b"".join(client.get(workbook).streaming_content), runs),
        )
        certificates = certificate_pdfs(aiguo, client, runs)
        floor_comparison(aiguo, year, runs)
    verdict = "within" if total < LIMIT_SECONDS else "OVER"
    print(f"community-year PDF: {total:.2f} s median, {verdict} the {LIMIT_SECONDS:.0f} s limit")
    verdict = "within" if certificates < CERTIFICATE_LIMIT_SECONDS else "OVER"
    print(f"certificate desk PDFs: {certificates:.2f} s median at most, {verdict} the 1 s limit")
    return 0


def floor_comparison(community, year: int, runs: int) -> None:
    """爱国社区's and its street office's yearly PDF against WeasyPrint's plain floor."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks import pdf_floor

    print("\nagainst WeasyPrint on a plain document of the same pages and fonts:")
    client = Client()
    client.force_login(pdf_floor.superuser(get_user_model()))
    office = community.street_office
    ours, theirs = pdf_floor.report_fetchers(client, community, office, year)
    found = [
        *pdf_floor.compare(f"{community.name} {year} PDF", ours, runs),
        *pdf_floor.compare(f"{office.name} {year} PDF", theirs, runs),
    ]
    ours, theirs = pdf_floor.report_fetchers(client, community, office, year - 1)
    stored = [
        (name, pdf_floor.stored_again(name, fetch["cold"], runs))
        for name, fetch in (
            (f"{community.name} {year - 1} PDF", ours),
            (f"{office.name} {year - 1} PDF", theirs),
        )
    ]
    pdf_floor.write_results(
        "the demo",
        "`make bench` (benchmarks/run.py) on the demo (6 communities, SQLite).",
        found,
        stored,
    )


def certificate_pdfs(community, client, runs: int) -> float:
    """爱国社区's certificate, refusal note and referral note, each through its URL."""
    from django.urls import reverse

    from certificates.models import CertificateRequest

    requests = CertificateRequest.objects.filter(community=community)
    worst = 0.0
    for outcome, name in (
        ("issued", "certificate_pdf"),
        ("refused", "note_pdf"),
        ("referred", "note_pdf"),
    ):
        found = requests.filter(outcome=outcome).first()
        url = reverse(f"certificates:{name}", args=[found.pk])
        client.get(url)  # warms templates
        worst = max(
            worst,
            report(f"  certificates: {outcome} ({name})", timed(lambda u=url: client.get(u), runs)),
        )
    return worst


if __name__ == "__main__":
    sys.exit(main())
