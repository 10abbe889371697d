"""A public response, its answers and their tallies saved in one statement (PostgreSQL).

The public form is the app's hottest write: thousands of residents may answer within
minutes. Saved through the ORM it took three statements (the response, its answers,
the tally upsert) and the ORM's work for each; here it is one statement, written once
per process, whose text is the same whatever the number of answers (the answers and
the tally rows go in as arrays, ``unnest``), so the app builds no model for the insert
and PostgreSQL parses and plans it once per connection (committee/prepared.py). It runs
inside ``services.receive_public_response``'s transaction, after every check of
``submit_response``; the tally upsert is the same as ``tallies.add``'s
(``tallies.on_conflict_add``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from committee import prepared
from surveys import tallies
from surveys.models import Answer, Response, Survey, Tally

_sql: list[str] = []


def _statement() -> str:
    if _sql:
        return _sql[0]
    quote = connection.ops.quote_name
    response = quote(Response._meta.db_table)
    answer = quote(Answer._meta.db_table)
    tally = quote(Tally._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    response_columns = ", ".join(
        column(Response, name)
        for name in ("survey", "submitted_at", "channel", "entered_by", "invitation")
    )
    answer_columns = ", ".join(
        column(Answer, name) for name in ("response", "question", "choice", "number", "text")
    )
    sql = (
        f"WITH r AS (INSERT INTO {response} ({response_columns})"
        " VALUES (%s, %s, %s, NULL, %s) RETURNING id),"
        f" a AS (INSERT INTO {answer} ({answer_columns})"
        " SELECT r.id, x.q, x.c, x.n, x.t FROM r,"
        " unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::text[]) AS x(q, c, n, t)),"
        f" t AS (INSERT INTO {tally} {tallies.COLUMNS}"
        " SELECT %s, x.q, x.c, x.s, %s::date, x.n, x.t"
        " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::integer[], %s::integer[])"
        f" AS x(q, c, s, n, t){tallies.on_conflict_add(tally)})"
        " SELECT id FROM r"
    )
    _sql.append(sql)
    return sql


def save_online(
    survey: Survey, submitted_at: datetime, rows: list[Answer], invitation_id: int | None
) -> int:
    """Insert an online response with its answers and count them into the tallies: the
    response's id."""
    counted = tallies.grouped(survey, rows)
    params = [
        survey.pk,
        submitted_at,
        Response.Channel.ONLINE.value,
        invitation_id,
        [row.question_id for row in rows],
        [row.choice_id for row in rows],
        [row.number for row in rows],
        [row.text for row in rows],
        survey.pk,
        timezone.localdate(submitted_at),
        [question for question, _slot in counted],
        [choice for choice, _n, _stars in counted.values()],
        [slot for _question, slot in counted],
        [n for _choice, n, _stars in counted.values()],
        [stars for _choice, _n, stars in counted.values()],
    ]
    return prepared.fetchone(_statement(), params)[0]
