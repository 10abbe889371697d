"""Lists and exports at a district's scale, side by side with the Django admin and raw openpyxl.

    make bench SCALE=100                       # SQLite file benchmarks/.data/scale-100.sqlite3
    DATABASE_URL=postgres://… make bench SCALE=200

The database is filled once by ``generate_scale`` (kept for the next run; PostgreSQL is
filled up to SCALE generated communities). Then, in interleaved rounds, every list page's
first page (default sort, and one filter) is fetched as a street official and as the
district officer, each right after the bench admin's changelist of the same rows
(benchmarks/urls.py); every export is timed against raw openpyxl write-only writing the
same rows; peak memory of an export is measured in a fresh process at 50 k and 500 k rows.
Medians and ratios are printed and written to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


@dataclass
class Page:
    name: str
    url: str  # path, with its query
    admin: str | None  # the bench admin's changelist of the same rows, or None
    roles: tuple[str, ...] = ("street", "district")


PAGES = [
    Page("task list", "/tasks/", "/bench-admin/tasks/task/"),
    Page(
        "task list ?category=forms",
        "/tasks/?category=forms",
        "/bench-admin/tasks/task/?category__exact=forms",
    ),
    Page("time-entry list", "/tasks/hours/", "/bench-admin/tasks/timeentry/"),
    Page(
        "time-entry list ?resident_work=safety",
        "/tasks/hours/?resident_work=safety",
        "/bench-admin/tasks/timeentry/?resident_work__exact=safety",
    ),
    Page(
        "approval queue",
        "/tasks/approvals/",
        "/bench-admin/tasks/task/?outcome__exact=pending",
        ("street",),
    ),
    Page("drill-down /dashboards/tasks/", "/dashboards/tasks/", "/bench-admin/tasks/task/"),
    Page("drill-down /dashboards/hours/", "/dashboards/hours/", "/bench-admin/tasks/timeentry/"),
    Page("staff list", "/staff/", "/bench-admin/staff/staffmember/"),
    Page(
        "staff list ?kind=assistant",
        "/staff/?kind=assistant",
        "/bench-admin/staff/staffmember/?kind__exact=assistant",
    ),
    Page("pay records", "/staff/pay/", "/bench-admin/staff/payrecord/"),
    Page(
        "pay records ?kind=monthly",
        "/staff/pay/?kind=monthly",
        "/bench-admin/staff/payrecord/?kind__exact=monthly",
    ),
    Page("income list", "/funds/income/", "/bench-admin/funds/income/"),
    Page(
        "income list ?kind=allocation",
        "/funds/income/?kind=allocation",
        "/bench-admin/funds/income/?kind__exact=allocation",
    ),
    Page("expense list", "/funds/expenses/", "/bench-admin/funds/expense/"),
    Page("survey list", "/surveys/", "/bench-admin/surveys/survey/"),
    Page("department league", "/tasks/departments/", "/bench-admin/tasks/task/"),
    Page("pay by community", "/staff/pay/communities/", "/bench-admin/staff/payrecord/"),
]


@dataclass
class Export:
    name: str
    url: str
    model: str  # app_label.Model, for the raw write of the same rows
    fields: tuple[str, ...]
    hours: bool = False  # the task list also shows each task's hours


EXPORTS = [
    Export(
        "tasks",
        "/tasks/?export=xlsx",
        "tasks.Task",
        (
            "title",
            "community__name",
            "department__name",
            "category",
            "outcome",
            "status",
            "received_on",
            "money_promised",
            "money_received",
        ),
        hours=True,
    ),
    Export(
        "hours",
        "/tasks/hours/?export=xlsx",
        "tasks.TimeEntry",
        ("date", "staff_member__name", "task__title", "resident_work", "hours", "while_pending"),
    ),
    Export(
        "pay records",
        "/staff/pay/?export=xlsx",
        "staff.PayRecord",
        # As many columns as the list shows (11); the three totals stand in as single parts.
        (
            "month",
            "staff_member__name",
            "staff_member__community__name",
            "staff_member__kind",
            "kind",
            "gross",
            "pension_individual",
            "income_tax",
            "net",
            "pension_employer",
            "paid_on",
        ),
    ),
    Export(
        "income",
        "/funds/income/?export=xlsx",
        "funds.Income",
        ("date", "community__name", "kind", "payer", "amount", "voucher"),
    ),
    Export(
        "expenses",
        "/funds/expenses/?export=xlsx",
        "funds.Expense",
        ("date", "community__name", "category__name", "payee", "amount", "voucher", "overdraws"),
    ),
]
USERS = {"street": "scale_street", "district": "scale_district"}


def setup(scale: int) -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = ROOT / "benchmarks" / ".data"
        folder.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/scale-{scale}.sqlite3"
    os.environ.setdefault("SECRET_KEY", "juwei-bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
    import django

    django.setup()
    from committee import export_jobs

    # Exports over 20,000 rows are written by a job worker, by this same code: the bench
    # measures the writing itself, in the request.
    export_jobs.JOB_ROWS = 10**9


def fill(scale: int) -> None:
    from django.core.management import call_command

    from committee.models import Community
    from dashboards.scale import SCALE_PREFIX

    call_command("migrate", verbosity=0)
    have = Community.objects.filter(code__startswith=SCALE_PREFIX).count()
    if have < scale:
        started = time.perf_counter()
        call_command("generate_scale", communities=scale - have, stdout=io.StringIO())
        print(f"generated {scale - have} communities in {time.perf_counter() - started:.0f} s")


def clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from committee.models import TablePreference

    # Every list with its default columns: forget any columns chosen by hand on these users.
    TablePreference.objects.filter(user__username__in=USERS.values()).delete()
    found = {}
    for role, username in USERS.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        found[role] = client
    return found


# ``--cpu``: time a request by the CPU time of this process's thread (on SQLite the queries
# run in it too) instead of the clock, which a shared machine's load moves by ±30 %. On a
# PostgreSQL server on this machine the CPU time of the connection's backend process is
# added (/proc/PID/schedstat, in nanoseconds; parallel workers' share is not counted).
CLOCK = [time.perf_counter]
_BACKENDS: dict[int, float] = {}  # backend pid: CPU seconds it had run when last read


def _backend_cpu() -> float:
    """The CPU seconds every backend this process used has run (0 off PostgreSQL, or when
    the server's processes are not readable here)."""
    from django.db import connection

    if connection.vendor == "postgresql" and connection.connection is not None:
        pid = connection.connection.info.backend_pid
        with contextlib.suppress(OSError, ValueError, IndexError):
            _BACKENDS[pid] = int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    return sum(_BACKENDS.values())


def cpu_clock() -> float:
    return time.thread_time() + _backend_cpu()


def fetch(client, url: str) -> float:
    clock = CLOCK[0]
    started = clock()
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        for _chunk in response.streaming_content:
            pass
    elapsed = clock() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def bench_pages(
    rounds: int, names: list[str] | None = None, roles: list[str] | None = None
) -> list[tuple]:
    users = clients()
    cases = [
        (p, role)
        for p in PAGES
        if not names or p.name in names
        for role in p.roles
        if not roles or role in roles
    ]
    times: dict[tuple, list[float]] = {}
    for page, role in cases:  # warm-up: imports, templates, the database's cache
        fetch(users[role], page.url)
        fetch(users[role], page.admin)
    for _ in range(rounds):
        for page, role in cases:
            times.setdefault((page.name, role, "ours"), []).append(fetch(users[role], page.url))
            times.setdefault((page.name, role, "admin"), []).append(fetch(users[role], page.admin))
    rows = []
    for page, role in cases:
        ours = statistics.median(times[(page.name, role, "ours")])
        admin = statistics.median(times[(page.name, role, "admin")])
        rows.append((page.name, role, ours, admin, ours / admin))
        ratio = ours / admin
        print(f"{page.name:<40} {role:<9} {ours:7.3f} s  admin {admin:7.3f} s  {ratio:5.2f}×")
    return rows


def raw_write(queryset, fields) -> int:
    """The baseline: the same rows straight from values_list into openpyxl write-only."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("raw")
    ws.append(list(fields))
    count = 0
    for row in queryset.values_list(*fields).iterator(chunk_size=2000):
        ws.append(list(row))
        count += 1
    with tempfile.TemporaryFile() as handle:
        wb.save(handle)
    return count


def bench_exports(rounds: int, role: str = "street") -> list[tuple]:
    from django.apps import apps
    from django.contrib.auth import get_user_model

    users = clients()
    user = get_user_model().objects.get(username=USERS[role])
    rows = []
    for export in EXPORTS:
        model = apps.get_model(export.model)
        queryset = model.objects.visible_to(user)
        fields = export.fields
        if export.hours:
            queryset, fields = queryset.with_hours(), (*fields, "hours")
        ours, raw, count = [], [], 0
        for _ in range(rounds):
            ours.append(fetch(users[role], export.url))
            started = CLOCK[0]()
            count = raw_write(queryset, fields)
            raw.append(CLOCK[0]() - started)
        ours_rate, raw_rate = count / statistics.median(ours), count / statistics.median(raw)
        rows.append((export.name, role, count, ours_rate, raw_rate, ours_rate / raw_rate))
        print(
            f"export {export.name:<14} {count:>8} rows  {ours_rate:8.0f} rows/s"
            f"  raw {raw_rate:8.0f} rows/s  {ours_rate / raw_rate:5.2f}×"
        )
    return rows


def memory_child(kind: str, url: str, model: str, fields: str) -> None:
    """In a fresh process: RSS above idle at the peak of one export (ours or raw)."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    users = clients()
    fetch(users["district"], "/tasks/?category=forms")  # warm: imports, templates
    idle = _rss("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    started = time.perf_counter()
    if kind == "ours":
        fetch(users["district"], url)
    else:
        user = get_user_model().objects.get(username=USERS["district"])
        path, query = url.split("?", 1)
        queryset = apps.get_model(model).objects.visible_to(user)
        if "date_before=" in query:
            queryset = queryset.filter(date__lte=query.split("date_before=")[1].split("&")[0])
        columns = fields.split(",")
        if model == "tasks.Task":
            queryset, columns = queryset.with_hours(), [*columns, "hours"]
        raw_write(queryset, columns)
    print(f"{(_rss('VmHWM') - idle) / 1024:.1f} {time.perf_counter() - started:.1f}")


def _rss(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise LookupError(key)


def bench_memory(scale: int) -> list[tuple]:
    from django.contrib.auth import get_user_model

    from tasks.models import Task, TimeEntry

    district = get_user_model().objects.get(username=USERS["district"])
    tasks = Task.objects.visible_to(district).count()
    cases = [("tasks", "/tasks/?export=xlsx", "tasks.Task", EXPORTS[0].fields, tasks)]
    entries = TimeEntry.objects.visible_to(district).order_by("date").values_list("date", flat=True)
    total = entries.count()
    if total >= 500_000:
        day = entries[499_999]
        count = TimeEntry.objects.visible_to(district).filter(date__lte=day).count()
        url = f"/tasks/hours/?export=xlsx&date_before={day.isoformat()}"
        cases.append(("hours", url, "tasks.TimeEntry", EXPORTS[1].fields, count))
    rows = []
    for name, url, model, fields, count in cases:
        found = {}
        for kind in ("ours", "raw"):
            out = subprocess.run(
                [sys.executable, __file__, "--scale", str(scale), "--memory-child", kind, url]
                + [model, ",".join(fields)],
                capture_output=True,
                text=True,
                check=True,
                env=os.environ,
            ).stdout.split()
            found[kind] = (float(out[-2]), float(out[-1]))
        rows.append((name, count, *found["ours"], *found["raw"]))
        print(
            f"export memory {name:<6} {count:>8} rows: +{found['ours'][0]:.0f} MB in"
            f" {found['ours'][1]:.0f} s (raw openpyxl: +{found['raw'][0]:.0f} MB in"
            f" {found['raw'][1]:.0f} s)"
        )
    return rows


def machine() -> str:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    load = os.getloadavg()
    version = (
        connection.Database.sqlite_version
        if connection.vendor == "sqlite"
        else connection.pg_version
    )
    return (
        f"{cpu}, {os.cpu_count()} CPUs (load {load[0]:.1f}), Python {platform.python_version()},"
        f" {connection.vendor} {version}"
    )


def write_results(scale: int, pages, exports, memory, rounds: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from committee.models import Community
    from tasks.models import Task, TimeEntry

    lines = [
        f"## {scale} communities on {connection.vendor}, {timezone.now():%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}. {Community.objects.count()} communities,"
        f" {Task.objects.count():,} tasks, {TimeEntry.objects.count():,} hour entries."
        f" Medians of {rounds} interleaved rounds; ratio = ours ÷ baseline (lower is better"
        " for pages, higher for exports)."
        + (
            " Times are CPU time of the request's thread (`--cpu`), not the clock"
            + (", plus the PostgreSQL backend's." if connection.vendor == "postgresql" else ".")
            if CLOCK[0] is cpu_clock
            else ""
        ),
    ]
    if pages:
        lines += [
            "",
            "| page (first page, 50 rows) | as | ours | admin changelist | ratio |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {n} | {r} | {o:.3f} s | {a:.3f} s | **{x:.2f}×** |" for n, r, o, a, x in pages
        ]
    if exports:
        lines += [
            "",
            "| export | as | rows | ours rows/s | raw openpyxl rows/s | ratio |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {n} | {r} | {c:,} | {o:,.0f} | {w:,.0f} | **{x:.2f}×** |"
            for n, r, c, o, w, x in exports
        ]
    if memory:
        lines += ["", "| export memory | rows | ours: peak above idle, time | raw openpyxl |"]
        lines += ["|---|---|---|---|"]
        lines += [
            f"| {n} | {c:,} | +{m:.0f} MB, {t:.0f} s | +{rm:.0f} MB, {rt:.0f} s |"
            for n, c, m, t, rm, rt in memory
        ]
    header = "# Benchmarks at scale (`make bench SCALE=N`)\n\nNewest first.\n\n"
    old = RESULTS.read_text().split("\n## ", 1) if RESULTS.exists() else [""]
    previous = "\n## " + old[1] if len(old) > 1 else ""
    RESULTS.write_text(header + "\n".join(lines) + "\n" + previous)
    print(f"written to {RESULTS.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "5")))
    parser.add_argument("--only", choices=["pages", "exports", "memory"])
    parser.add_argument("--page", action="append", help="only this list page (by name)")
    parser.add_argument("--role", action="append", choices=sorted(USERS), help="only as this")
    parser.add_argument("--memory-child", nargs=4, metavar=("KIND", "URL", "MODEL", "FIELDS"))
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="CPU time per request (this thread, and a local PostgreSQL backend), not the clock",
    )
    args = parser.parse_args()
    if args.cpu:
        CLOCK[0] = cpu_clock
    setup(args.scale)
    from django.conf import settings
    from django.test.utils import override_settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="benchmarks.urls", STORAGES=storages
    ):
        if args.memory_child:
            memory_child(*args.memory_child)
            return 0
        fill(args.scale)
        pages = (
            bench_pages(args.rounds, args.page, args.role) if args.only in (None, "pages") else []
        )
        exports = bench_exports(max(1, args.rounds // 2)) if args.only in (None, "exports") else []
        memory = bench_memory(args.scale) if args.only in (None, "memory") else []
        write_results(args.scale, pages, exports, memory, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
