"""Benchmark, run by hand: a legitimate 10,000-row income workbook, previewed and confirmed.

Builds a throwaway database (SQLite in a temporary folder, or the PostgreSQL named by
DATABASE_URL, e.g. under scripts/with-postgres.sh), one community and its chair, then
uploads the workbook to the income import page and confirms it, as the chair would, and
prints the wall and CPU time of each step and the peak memory of the process.

    .venv/bin/python benchmarks/import_income.py               # SQLite
    scripts/with-postgres.sh .venv/bin/python benchmarks/import_income.py
    BENCH_ROWS=2000 .venv/bin/python benchmarks/import_income.py
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HEADER = ("日期", "类型", "金额", "付款方", "凭证号", "任务", "备注")


def workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    start = date(2026, 1, 1)
    for i in range(rows):
        day = start + timedelta(days=i % 150)
        sheet.append((day, "区级拨款", 100 + i, "区民政局", f"收-2026-{i:05d}", None, f"第{i}笔"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(name: str, step):
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{name:<28} wall {wall:7.2f} s · CPU {cpu:6.2f} s")
    return result


def main() -> int:
    folder = tempfile.mkdtemp(prefix="juwei-bench-")
    try:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("SECRET_KEY", "juwei-bench-only")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "committee.settings")
        return bench(int(os.environ.get("BENCH_ROWS", "10000")))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(rows: int) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from committee.roles import Role
    from funds.models import Income
    from tests.factories import CommunityFactory, member

    setup_test_environment()  # the client keeps each response's context (the preview token)
    call_command("migrate", verbosity=0)
    community = CommunityFactory(name="基准社区")
    chair = member(Role.CHAIR, community, username="bench_chair")
    data = timed(f"build {rows:,}-row workbook", lambda: workbook(rows))
    load = os.getloadavg()[0]
    print(f"workbook: {len(data) / 1024:.0f} KB; load {load:.2f} on {os.cpu_count()} CPUs")
    url = reverse("funds:income_import")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        client = Client()
        client.force_login(chair)
        upload = io.BytesIO(data)
        upload.name = "income.xlsx"
        preview = timed(
            "preview (upload, check)",
            lambda: client.post(url, {"file": upload, "community": community.pk}),
        )
        token = preview.context["token"] if preview.context else ""
        if preview.status_code != 200 or not token:
            errors = preview.context["result"].errors[:3] if preview.context else []
            print(f"preview refused: status {preview.status_code}, {errors}")
            return 1
        print(f"preview: {len(preview.context['result'].rows):,} rows ready")
        done = timed("confirm (save every row)", lambda: client.post(url, {"confirm": token}))
        assert done.status_code in (200, 302), done.status_code
    saved = Income.objects.filter(community=community).count()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"saved {saved:,} income rows; peak memory of the process {peak:.0f} MB")
    return 0 if saved == rows else 1


if __name__ == "__main__":
    sys.exit(main())
