"""The figure cache's store (dashboards/figure_store.py): Django's database cache, each set
one statement, culled past its limit as Django culls it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards.figure_store import FigureStore


def store(**options) -> FigureStore:
    return FigureStore("juwei_figure_cache", {"OPTIONS": options, "KEY_PREFIX": "store-test"})


@pytest.mark.django_db
def test_a_set_is_one_statement_and_a_later_set_replaces_it():
    kept = store()
    with CaptureQueriesContext(connection) as queries:
        kept.set("figures", {"a": 1})
    assert len(queries) == 1
    kept.set("figures", {"a": 2})
    assert kept.get("figures") == {"a": 2}
    assert kept.get_many(["figures", "nothing"]) == {"figures": {"a": 2}}
    kept.set("gone", 1, timeout=-1)
    assert kept.get("gone") is None


@pytest.mark.django_db
def test_past_its_limit_the_table_is_culled():
    kept = store(MAX_ENTRIES=4, CULL_FREQUENCY=2)
    for n in range(12):
        kept.set(f"entry-{n}", n)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM juwei_figure_cache")
        assert cursor.fetchone()[0] <= 6
    assert kept.get("entry-11") == 11
