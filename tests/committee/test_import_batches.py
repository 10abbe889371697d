"""An import is saved exactly once: the preview is a stored batch, the confirm claims it.

Two confirms of one preview (a double click, two tabs, two workers) save its rows once;
the second is told 已导入 with a link to the batch. The race is run for real, with two
threads on their own database connections, on SQLite and on PostgreSQL alike.
"""

import sqlite3
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from committee.models import ImportBatch
from funds.importers import IncomeImporter
from funds.models import Income
from tests.conftest import logged_in
from tests.funds.factories import IncomeFactory
from tests.reports.conftest import xlsx
from tests.reports.test_imports import named
from tests.scoping import covers

URL = "funds:income_import"
ROWS = [
    ("2026-03-01", "区级拨款", "15000", "区民政局"),
    ("2026-03-02", "共建单位支持", "800", "某银行支行"),
    ("2026-03-03", "其他", "120.50", ""),
]


def income_file() -> bytes:
    return xlsx(("日期", "类型", "金额", "付款方"), ROWS)


def preview(client: Client, community) -> str:
    response = client.post(
        reverse(URL), {"file": named(income_file(), "收入.xlsx"), "community": community.pk}
    )
    assert response.status_code == 200
    assert response.context["result"].ok, response.context["result"].errors
    return response.context["token"]


class TestConfirmOnce:
    def test_a_second_confirm_says_already_imported_and_links_the_batch(self, world, staff_a):
        client = logged_in(staff_a)
        token = preview(client, world.community_a)
        batch = ImportBatch.objects.get(token=token)
        assert batch.imported_at is None and bytes(batch.data)[:2] == b"PK"
        first = client.post(reverse(URL), {"confirm": token})
        assert first.status_code == 302
        second = client.post(reverse(URL), {"confirm": token})
        page = second.content.decode()
        assert second.status_code == 409
        assert "已导入" in page and batch.get_absolute_url() in page
        assert Income.objects.filter(community=world.community_a).count() == 3
        batch.refresh_from_db()
        assert batch.row_count == 3 and batch.imported_by == staff_a
        assert bytes(batch.data) == b""  # the file is not kept once its rows are saved

    def test_another_users_token_is_no_preview_of_yours(self, world, staff_a, chair_a):
        token = preview(logged_in(staff_a), world.community_a)
        response = logged_in(chair_a).post(reverse(URL), {"confirm": token})
        assert response.status_code == 302
        assert not Income.objects.exists()
        assert ImportBatch.objects.get(token=token).imported_at is None

    def test_a_new_upload_replaces_the_users_unconfirmed_preview(self, world, staff_a):
        client = logged_in(staff_a)
        old = preview(client, world.community_a)
        new = preview(client, world.community_a)
        assert list(ImportBatch.objects.values_list("token", flat=True)) == [new]
        assert client.post(reverse(URL), {"confirm": old}).status_code == 302
        assert not Income.objects.exists()

    def test_a_refused_save_leaves_the_batch_unclaimed(self, world, staff_a):
        client = logged_in(staff_a)
        token = preview(client, world.community_a)
        IncomeFactory(
            community=world.community_a,
            date=date(2026, 3, 1),
            kind=Income.Kind.ALLOCATION,
            amount=Decimal("15000"),
            payer="区民政局",
        )
        page = client.post(reverse(URL), {"confirm": token})
        assert page.status_code == 200
        assert [e.row for e in page.context["failed_errors"]] == [2]
        assert Income.objects.count() == 1
        assert ImportBatch.objects.get(token=token).imported_at is None


def in_thread(function):
    """Run ``function`` on a thread of its own, with its own database connection."""
    results, failures = [], []

    def run():
        try:
            results.append(function())
        except Exception as error:  # noqa: BLE001 -- handed back to the test below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if failures:
        raise failures[0]
    return results[0]


@pytest.fixture
def shared_database(transactional_db, world, staff_a, tmp_path):
    """A database two threads can both write to, as two app workers would.

    PostgreSQL already is one. SQLite's in-memory test database is shared between threads
    through its shared cache, where a second writer fails at once ("table is locked")
    instead of waiting as on the file a server uses; so the test's data is copied to a
    file, and connections opened on other threads during the test use that file.
    """
    connection = connections["default"]
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    places = {id(d): d for d in (connection.settings_dict, connections.settings["default"])}
    name = connection.settings_dict["NAME"]
    for place in places.values():
        place["NAME"] = str(path)
    try:
        yield
    finally:
        for place in places.values():
            place["NAME"] = name


def confirm_twice_at_once(user, token: str) -> list[int]:
    """Two confirms of one preview, from two threads with their own connections."""
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def confirm():
        try:
            client = logged_in(user)
            barrier.wait()
            statuses.append(client.post(reverse(URL), {"confirm": token}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_two_simultaneous_confirms_save_the_rows_once(shared_database, world, staff_a, monkeypatch):
    real_save_row = IncomeImporter.save_row

    def slow_save_row(self, values):  # hold the claim long enough for the other to arrive
        time.sleep(0.1)
        real_save_row(self, values)

    monkeypatch.setattr(IncomeImporter, "save_row", slow_save_row)
    for _round in range(3):
        token = in_thread(lambda: preview(logged_in(staff_a), world.community_a))
        assert confirm_twice_at_once(staff_a, token) == [302, 409]
        saved, batch = in_thread(
            lambda t=token: (
                Income.objects.filter(community=world.community_a).count(),
                ImportBatch.objects.get(token=t),
            )
        )
        assert saved == len(ROWS) and batch.row_count == len(ROWS)
        in_thread(lambda: Income.objects.all().delete())


@covers("committee:import_batch_detail")
class TestBatchPageScoping:
    @pytest.fixture
    def batch(self, world, staff_a):
        token = preview(logged_in(staff_a), world.community_a)
        logged_in(staff_a).post(reverse(URL), {"confirm": token})
        return ImportBatch.objects.get(token=token)

    def test_anonymous_is_sent_to_log_in(self, batch):
        response = Client().get(batch.get_absolute_url())
        assert response.status_code == 302 and "login" in response["Location"]

    def test_out_of_scope_is_not_found(self, batch, staff_b, official_b):
        assert logged_in(staff_b).get(batch.get_absolute_url()).status_code == 404
        assert logged_in(official_b).get(batch.get_absolute_url()).status_code == 404

    def test_the_community_and_its_street_office_see_who_imported_what(
        self, batch, chair_a, official_a
    ):
        for user in (chair_a, official_a):
            page = logged_in(user).get(batch.get_absolute_url())
            assert page.status_code == 200
            text = page.content.decode()
            assert "收入.xlsx" in text and "staff_a" in text and ">3<" in text
