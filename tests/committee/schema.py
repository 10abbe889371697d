"""The schema a database holds as plain data, for tests/committee/test_migrations.py:
each table's columns (type, null) and its constraints and indexes (columns, kind), without
their names; not the migrations' own record of which ran. Run in the process of the
database to describe (`main` prints it as JSON)."""

import json

from django.db import connection


def _constraint(found: dict) -> str:
    target = found["foreign_key"]
    return json.dumps(
        [
            list(found["columns"] or []),
            bool(found["primary_key"]),
            bool(found["unique"]),
            list(target) if target else None,
            bool(found["check"]),
            bool(found["index"]),
            list(found.get("orders") or []),
        ]
    )


def schema() -> dict:
    introspection = connection.introspection
    described = {}
    with connection.cursor() as cursor:
        for table in sorted(set(introspection.table_names(cursor)) - {"django_migrations"}):
            columns = {
                column.name: [str(column.type_code), bool(column.null_ok)]
                for column in introspection.get_table_description(cursor, table)
            }
            constraints = introspection.get_constraints(cursor, table).values()
            described[table] = {
                "columns": columns,
                "constraints": sorted(_constraint(found) for found in constraints),
            }
    return described


def main() -> None:
    print(json.dumps(schema()))
