"""The migrations build the schema the models describe.

The test database is made from the models directly (`--no-migrations` in pyproject.toml:
running every migration costs each test process about 12 s of CPU). Here the migrations
run once, into an empty database of the same kind, as `migrate` does on a new server, and
the schema they build must be the test database's, table by table: the tests have run
against what production runs.
"""

import json

import pytest

from tests.committee.fresh import manage
from tests.committee.schema import schema

# Django's own difference, not ours: its auth migrations give the id of these many-to-many
# tables a bigint on PostgreSQL where its models give an integer (a 32-bit id is plenty for
# a user's groups and permissions). Every other column of theirs is compared.
DJANGOS_OWN = ("auth_group_permissions", "auth_user_groups", "auth_user_user_permissions")


@pytest.mark.django_db(transaction=True)  # CREATE DATABASE runs outside a transaction
def test_the_migrations_build_the_schema_the_models_describe(fresh_database):
    manage("migrate", "--noinput", "-v0", database_url=fresh_database)
    shown = manage(
        "shell",
        "-v0",
        "-c",
        "from tests.committee.schema import main; main()",
        database_url=fresh_database,
    )
    migrated = json.loads(shown.stdout)
    for table in DJANGOS_OWN:
        migrated[table]["columns"]["id"] = None

    models = schema()
    for table in DJANGOS_OWN:
        models[table]["columns"]["id"] = None
    assert migrated.keys() == models.keys()
    differ = [table for table, described in models.items() if migrated[table] != described]
    assert not differ, {table: (migrated[table], models[table]) for table in differ}
