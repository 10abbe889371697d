"""Backup → restore into a fresh database → every dashboard figure the same."""

import json

import pytest
from django.core.management import call_command

from tests import snapshots
from tests.committee.dashboard_figures import dashboard_figures
from tests.committee.fresh import manage
from tests.conftest import TEST_TODAY


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
