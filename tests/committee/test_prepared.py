"""The public form's statements are prepared once per PostgreSQL connection (prepared.py)."""

import pytest
from django.db import DatabaseError, connection
from django.test import override_settings

from committee import prepared

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_here(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [text]
        )
        return cursor.fetchone()[0]


def test_a_statement_answers_its_first_row_and_is_counted_as_a_query(
    django_assert_num_queries,
):
    with django_assert_num_queries(1) as queries:
        assert prepared.fetchone("SELECT %s + 1", [41]) == (42,)
    assert queries.captured_queries[0]["sql"] == "SELECT 41 + 1"


def test_a_database_error_is_djangos():
    with pytest.raises(DatabaseError):
        prepared.fetchone("SELECT * FROM juwei_no_such_table WHERE id = %s", [0])


@on_postgresql
def test_on_postgresql_the_connection_keeps_it_prepared():
    prepared.fetchone("SELECT %s::int * 7 AS juwei_prepared_a", [6])
    assert _prepared_here("%juwei_prepared_a%") == 1
    assert prepared.fetchone("SELECT %s::int * 7 AS juwei_prepared_a", [3]) == (21,)
    assert _prepared_here("%juwei_prepared_a%") == 1  # the same one, not another


@on_postgresql
@override_settings(PREPARED_STATEMENTS=False)
def test_behind_a_pooler_nothing_is_prepared():
    assert prepared.fetchone("SELECT %s::int * 7 AS juwei_prepared_b", [6]) == (42,)
    assert _prepared_here("%juwei_prepared_b%") == 0
