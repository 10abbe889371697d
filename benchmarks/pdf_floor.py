"""The PDF reports against WeasyPrint's floor: a plain document of the same pages and fonts.

For each report the floor is WeasyPrint rendering a plain HTML document (headings and
paragraphs, nothing else) made of the report's own text, so the same glyphs of the same
faces (Noto Sans CJK SC, regular and bold) are embedded, with as many paragraphs as give
the same number of A4 pages. Report (cold: nothing kept; warm: its figures and drawn
charts kept) and floor are timed in interleaved rounds, medians of wall and CPU time; the
ratio is ours ÷ floor (issue 15 asks for at most 2×, 1.5× as the goal). A report of an
ended period is also timed as served again from the store (dashboards/reports/stored.py).

Called by benchmarks/run.py on the demo, or on its own against a filled database:

    DATABASE_URL=sqlite:///benchmarks/.data/scale-100.sqlite3 \\
        .venv/bin/python -u benchmarks/pdf_floor.py --office XX-01
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
LIMIT, GOAL = 2.0, 1.5

PLAIN = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 18mm 16mm 20mm 16mm; }}
html {{ font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; font-size: 10.5pt;
  line-height: 1.5; }}
h2 {{ font-size: 13pt; }}
</style></head><body>{body}</body></html>"""


@dataclass
class Timed:
    name: str
    pages: int
    wall: float
    cpu: float
    floor_wall: float
    floor_cpu: float
    tuned_cpu: float  # the floor drawn as ours is: our user-agent sheet and font configuration

    @property
    def ratio(self) -> float:
        return self.wall / self.floor_wall

    @property
    def cpu_ratio(self) -> float:
        return self.cpu / self.floor_cpu

    @property
    def tuned_ratio(self) -> float:
        return self.cpu / self.tuned_cpu


def _pdf_tool(tool: str, data: bytes, *after: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        found = subprocess.run([tool, handle.name, *after], capture_output=True, text=True)
    return found.stdout


def page_count(data: bytes) -> int:
    info = _pdf_tool("pdfinfo", data)
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def plain_document(text: str, paragraphs: int) -> str:
    """`paragraphs` paragraphs of 400 characters cut from `text`, a heading every sixth."""
    words = " ".join(text.split())
    parts = []
    for n in range(paragraphs):
        at = (n * 400) % max(len(words) - 400, 1)
        tag = "h2" if n % 6 == 0 else "p"
        length = 40 if tag == "h2" else 400
        parts.append(f"<{tag}>{html.escape(words[at : at + length])}</{tag}>")
    return PLAIN.format(body="".join(parts))


def floor_for(data: bytes) -> tuple[str, int]:
    """The plain document with as many pages as the PDF `data` (fewest paragraphs)."""
    from weasyprint import HTML

    text, pages = _pdf_tool("pdftotext", data, "-"), page_count(data)
    low, high = 1, 40 * pages
    while low < high:
        middle = (low + high) // 2
        if len(HTML(string=plain_document(text, middle)).render().pages) >= pages:
            high = middle
        else:
            low = middle + 1
    return plain_document(text, low), pages


def _clock(step) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(name: str, fetches: dict, rounds: int) -> list[Timed]:
    """Time each of `fetches` (label: a function returning the PDF bytes) against the floor,
    interleaved (cold, warm, floor, tuned floor, cold, warm, …).

    The floor is stock WeasyPrint (issue 15's measure); the tuned floor is the same plain
    document drawn the way committee.pdf draws ours (cut user-agent stylesheet, the font
    configuration and faces kept between documents), to show what is left that is ours.
    Before timing, the heap is frozen as the app server freezes it once loaded
    (gunicorn.conf.py ``when_ready``): no garbage collection scans what start-up made.
    """
    import gc

    from weasyprint import HTML

    from committee.pdf import write_pdf

    first = next(iter(fetches.values()))
    data = first()  # warms imports, templates and fonts
    floor, pages = floor_for(data)

    def plain_floor():
        HTML(string=floor).write_pdf()

    def tuned_floor():
        write_pdf(floor)

    for fetch in fetches.values():
        fetch()
    plain_floor(), tuned_floor()
    gc.collect()
    gc.freeze()
    ours = {label: [] for label in fetches}
    plain, tuned = [], []
    for _ in range(rounds):
        for label, fetch in fetches.items():
            ours[label].append(_clock(fetch))
        plain.append(_clock(plain_floor))
        tuned.append(_clock(tuned_floor))
    gc.unfreeze()
    found = []
    for label, times in ours.items():
        timed = Timed(
            f"{name} ({label})" if label else name,
            pages,
            statistics.median(w for w, _c in times),
            statistics.median(c for _w, c in times),
            statistics.median(w for w, _c in plain),
            statistics.median(c for _w, c in plain),
            statistics.median(c for _w, c in tuned),
        )
        verdict = "within" if timed.cpu_ratio <= LIMIT else "OVER"
        print(
            f"{timed.name:<58} {pages:>2} pages  ours {timed.wall:5.2f} s (CPU {timed.cpu:4.2f})"
            f"  floor {timed.floor_wall:5.2f} s (CPU {timed.floor_cpu:4.2f})"
            f"  = {timed.ratio:.2f}× wall, {timed.cpu_ratio:.2f}× CPU, {verdict} {LIMIT:.0f}×"
            f"  (tuned floor CPU {timed.tuned_cpu:4.2f}: {timed.tuned_ratio:.2f}×)"
        )
        found.append(timed)
    return found


def stored_again(name: str, fetch, rounds: int) -> float:
    """A report of an ended period asked for again: served from the store."""
    fetch()
    median = statistics.median(_clock(fetch)[0] for _ in range(rounds))
    print(f"{name:<44} served from the store: {median * 1000:.0f} ms median")
    return median


def write_results(title: str, setting: str, found: list[Timed], stored: list[tuple]) -> None:
    load = os.getloadavg()
    lines = [
        f"## PDF reports against WeasyPrint's floor: {title}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"{setting} Load average {load[0]:.1f} on {os.cpu_count()} CPUs. The floor is "
        "WeasyPrint rendering a plain HTML document (headings and paragraphs of the report's "
        "own text: the same fonts and faces) with the same number of A4 pages; interleaved "
        "rounds, medians, the heap frozen as the app server freezes it; ours is the whole "
        "request: cold with its figures computed and its charts drawn anew (nothing kept), "
        "warm with both kept (the figure cache and the process's drawn charts), WeasyPrint "
        "laying out and drawing the whole document either way. The tuned floor is the plain "
        "document drawn as ours is (committee.pdf.write_pdf: cut user-agent stylesheet, font "
        f"configuration and faces kept between documents). Limit {LIMIT:.0f}×, goal {GOAL}× "
        "(issue 15), on the CPU ratio.",
        "",
        "| report | pages | ours | floor | ratio (wall) | ratio (CPU) | tuned floor (CPU) | "
        "ratio to it (CPU) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in found:
        lines.append(
            f"| {t.name} | {t.pages} | {t.wall:.2f} s (CPU {t.cpu:.2f}) | "
            f"{t.floor_wall:.2f} s (CPU {t.floor_cpu:.2f}) | {t.ratio:.2f}× | "
            f"**{t.cpu_ratio:.2f}×** | {t.tuned_cpu:.2f} s | {t.tuned_ratio:.2f}× |"
        )
    for name, seconds in stored:
        lines.append(
            f"| {name}, served again from the store | | {seconds * 1000:.0f} ms | | | | | |"
        )
    old = RESULTS.read_text().split("\n## ", 1) if RESULTS.exists() else [""]
    header = old[0].rstrip("\n") + "\n\n" if old[0] else "# Benchmarks\n\nNewest first.\n\n"
    previous = "## " + old[1] if len(old) > 1 else ""
    RESULTS.write_text(header + "\n".join(lines) + "\n\n" + previous)
    print(f"written to {RESULTS.relative_to(ROOT)}")


def report_fetchers(client, community, office, year: int) -> tuple[dict, dict]:
    """The community's and the street office's PDF of `year`, through their URLs, each
    cold and warm: {"cold": fetch, "warm": fetch}.

    Cold: the report's figures (the figure cache, dashboards/figure_cache.py) and its drawn
    charts (the process's cache of converted charts, committee.charts.as_image) are both
    gone, as for a report whose records changed since it was last drawn. Warm: both kept,
    as when the same report is asked for again with its records unchanged; WeasyPrint
    still lays out and draws the whole document.
    """
    import uuid

    from django.urls import reverse

    from committee import charts
    from dashboards import figure_cache

    def fetcher(name: str, pk: int, cold: bool):
        url = reverse(f"dashboards:{name}", args=[pk]) + f"?period=year&at={year}"

        def fetch() -> bytes:
            if cold:
                charts.clear_cache()
                figure_cache.salt = uuid.uuid4().hex  # no kept entry has this key
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response.content

        return fetch

    return tuple(
        {"cold": fetcher(name, pk, True), "warm": fetcher(name, pk, False)}
        for name, pk in (
            ("community_report", community.pk),
            ("street_office_report", office.pk),
        )
    )


def superuser(users):
    """The database's superuser (every report), made on a scale copy that has none."""
    found = users.objects.filter(is_superuser=True).first()
    return found or users.objects.create_superuser("bench-admin", password=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--office", help="street office code (default: the first)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from committee.models import StreetOffice

    offices = StreetOffice.objects.order_by("code")
    office = offices.get(code=args.office) if args.office else offices.first()
    community = office.communities.order_by("code").first()
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    year = timezone.localdate().year
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        client.force_login(superuser(get_user_model()))
        ours, theirs = report_fetchers(client, community, office, year)
        n = office.communities.count()
        found = [
            *compare(f"{community.name} {year} PDF", ours, args.rounds),
            *compare(f"{office.name} ({n} communities) {year} PDF", theirs, args.rounds),
        ]
        ours, theirs = report_fetchers(client, community, office, year - 1)
        stored = [
            (name, stored_again(name, fetch["cold"], args.rounds))
            for name, fetch in (
                (f"{community.name} {year - 1} PDF", ours),
                (f"{office.name} {year - 1} PDF", theirs),
            )
        ]
    vendor = connection.vendor
    write_results(
        f"{n} communities of a street office on {vendor}",
        f"`benchmarks/pdf_floor.py --office {office.code}` on a filled {vendor} database.",
        found,
        stored,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
