"""Hundreds of hostile files over every import page: refused fast and clearly, never a 500.

Each file of tests/committee/hostile_files.py is uploaded to each import page as the
committee's chair would. Every answer must be a page (no server error), come within 5
seconds, raise the server's peak memory less than 200 MB above what it held before, and
save nothing; where a file happens to pass the preview, its confirm saves all of its
rows or none. The figures are printed (``pytest -s``) for the issue's note.

Run in the SQLite half of the suite only: the files are read and refused before anything
is written, the same on either database, and an import's all-or-nothing confirm has its
own tests on both (tests/reports/test_imports.py).
"""

import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from funds.importers import ExpenseImporter, IncomeImporter
from funds.ledger import LedgerImporter
from funds.models import Expense, Income
from staff.importers import PayRecordImporter
from staff.models import PayRecord
from tasks.importers import TaskImporter, TimeEntryImporter
from tasks.models import Task, TimeEntry
from tests.committee.hostile_files import corpus
from tests.reports.test_imports import named

ENDPOINTS = {
    "tasks:task_import": TaskImporter,
    "tasks:time_entry_import": TimeEntryImporter,
    "funds:income_import": IncomeImporter,
    "funds:expense_import": ExpenseImporter,
    "staff:payrecord_import": PayRecordImporter,
    "funds:ledger_import": LedgerImporter,
}
MODELS = (Task, TimeEntry, Income, Expense, PayRecord)
SECONDS = 5
EXTRA_MEMORY = 200 * 1024 * 1024
STATUS = Path("/proc/self/status")


def resident() -> tuple[int, int]:
    """(current, peak) resident memory of this process in bytes (Linux)."""
    fields = dict(line.split(":", 1) for line in STATUS.read_text().splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024)


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # the kernel starts VmHWM afresh


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in MODELS)


@pytest.mark.skipif(not STATUS.exists(), reason="memory is read from /proc")
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="files are read and refused before any write; checked once, on SQLite",
)
@pytest.mark.parametrize("url_name", list(ENDPOINTS))
def test_hostile_files_are_refused_fast_without_a_server_error(url_name, world, chair_a):
    client = Client(raise_request_exception=False)
    client.force_login(chair_a)
    url = reverse(url_name)
    files = corpus(ENDPOINTS[url_name](user=chair_a).template_bytes())
    assert len(files) >= 100
    figures = {"files": 0, "server errors": 0, "partial writes": 0, "slowest": 0.0, "memory": 0}
    problems = []
    for name, data in files:
        before = counts()
        idle, _peak = resident()
        reset_peak()
        started = time.perf_counter()
        response = client.post(
            url, {"file": named(data, f"{name}.xlsx"), "community": world.community_a.pk}
        )
        took = time.perf_counter() - started
        extra = resident()[1] - idle
        figures["files"] += 1
        figures["slowest"] = max(figures["slowest"], took)
        figures["memory"] = max(figures["memory"], extra)
        if response.status_code != 200:
            figures["server errors"] += response.status_code >= 500
            problems.append(f"{name}: status {response.status_code}")
            continue
        if took > SECONDS or extra > EXTRA_MEMORY:
            problems.append(f"{name}: {took:.1f} s, {extra / 2**20:.0f} MB")
        if counts() != before:
            figures["partial writes"] += 1
            problems.append(f"{name}: the preview saved records")
        context = response.context
        refused = context["form"].errors.get("file") if context.get("form") else None
        if not refused and not context.get("result"):
            problems.append(f"{name}: neither a refusal nor a preview")
        if context.get("token"):
            rows = len(context["result"].rows)
            done = client.post(url, {"confirm": context["token"]})
            figures["server errors"] += done.status_code >= 500
            saved = sum(counts()) - sum(before)
            if done.status_code >= 500 or saved not in (0, rows):
                figures["partial writes"] += saved not in (0, rows)
                problems.append(f"{name}: confirm {done.status_code}, {saved} of {rows} rows")
    print(
        f"\n{url_name}: {figures['files']} files, {figures['server errors']} server errors, "
        f"{figures['partial writes']} partial writes, slowest {figures['slowest']:.2f} s, "
        f"peak extra memory {figures['memory'] / 2**20:.0f} MB"
    )
    assert problems == []
