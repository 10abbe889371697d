"""Backup → restore into a fresh database → every dashboard figure the same."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests import snapshots
from tests.committee.dashboard_figures import dashboard_figures
from tests.conftest import TEST_TODAY

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="true", SECRET_KEY="x", ALLOWED_HOSTS="testserver", DATABASE_URL=database_url)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database on the same server as the tests' own."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"juwei_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    yield f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_shows_every_dashboard_figure_unchanged(tmp_path, fresh_database):
    snapshots.load_demo()
    before = dashboard_figures()
    assert sum(len(numbers) for numbers in before.values()) > 1000

    backup = tmp_path / "juwei.backup"
    call_command("backup", output=str(backup), verbosity=0)
    assert backup.stat().st_size > 0

    manage("restore", str(backup), "--noinput", database_url=fresh_database)
    shown = manage(
        "shell",
        "-v0",
        "-c",
        f"from tests.committee.dashboard_figures import main; main('{TEST_TODAY}')",
        database_url=fresh_database,
    )
    after = json.loads(shown.stdout)
    assert after.keys() == before.keys()
    for page, numbers in before.items():
        assert after[page] == numbers, page
