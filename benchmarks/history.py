"""What keeping history costs a write: 10,000 incomes saved one by one, as an import does.

Run by hand, once per library, on a throwaway SQLite file (the embedded default):

    .venv/bin/python benchmarks/history.py none
    .venv/bin/python benchmarks/history.py auditlog
    .venv/bin/python benchmarks/history.py simple_history   # needs django-simple-history

Each run creates 10,000 incomes with ``save()`` (an import row goes through the service,
which saves one record), then changes each of them once, and prints the seconds each step
took. The figures and the choice they led to are in benchmarks/RESULTS.md and the README.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROWS = int(os.environ.get("BENCH_ROWS", "10000"))


def main(mode: str) -> None:
    folder = tempfile.mkdtemp(prefix="juwei-history-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "committee.settings"
    import django

    from committee import settings as juwei

    if mode == "simple_history":
        juwei.INSTALLED_APPS.append("simple_history")
    if mode == "auditlog" and "auditlog" not in juwei.INSTALLED_APPS:
        juwei.INSTALLED_APPS.append("auditlog")
    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction

    from committee.models import Community, District, StreetOffice
    from funds.models import Income

    call_command("migrate", verbosity=0)
    if mode == "simple_history":
        import simple_history
        from auditlog.registry import auditlog

        auditlog.unregister(Income)  # the project's own history, left out of this measure
        simple_history.register(Income, app="funds")
        with connection.schema_editor() as editor:
            editor.create_model(Income.history.model)
    elif "auditlog" in juwei.INSTALLED_APPS:
        from auditlog.registry import auditlog

        if auditlog.contains(Income):  # the project registers it: measure the plain save too
            auditlog.unregister(Income)
        if mode == "auditlog":
            auditlog.register(Income)

    district = District.objects.create(name="区", code="D1")
    office = StreetOffice.objects.create(district=district, name="街道", code="S1")
    community = Community.objects.create(
        street_office=office, name="社区", code="C1", area_km2=1, residents=1, households=1
    )
    made = []
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():  # an import saves every row in one transaction
        for n in range(ROWS):
            income = Income(
                community=community,
                date=dt.date(2026, 3, 1),
                amount=Decimal("100.00"),
                kind=Income.Kind.OTHER,
                payer=f"payer {n}",
            )
            income.save()
            made.append(income)
    created, created_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        for income in made:
            income.amount = Decimal("101.00")
            income.save()
    changed, changed_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{mode:15} {ROWS} creates {created:6.2f} s (CPU {created_cpu:6.2f} s)"
        f"   {ROWS} changes {changed:6.2f} s (CPU {changed_cpu:6.2f} s)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "none")
