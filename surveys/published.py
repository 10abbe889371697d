"""The questions of a survey that takes answers, read once per app process.

Once a survey is opened its questions and options can no longer change
(``services.builder_refusal``), so the public form, which thousands of residents may
open within minutes, need not read them, nor draw its fields, on every request: each
app process keeps them, and the pages every resident sees alike (the empty form, the
thanks) per language, for ``KEEP_SECONDS``.
The key is the survey's id, its public token and its version, so a copy, a recreated
database or a changed survey is never served another's questions. A draft is always
read afresh (its questions are still being written). A superuser's change in the
Django admin to an open survey's questions shows within ``KEEP_SECONDS``.
"""

from __future__ import annotations

import threading
import time

from django.db import connection
from django.db.models.functions import Coalesce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from committee import prepared
from surveys.models import Question, SubmissionAttempt, Survey

KEEP_SECONDS = 300
# Open surveys at once per process; past this the store starts again (a survey is cheap
# to read back).
MAX_KEPT = 500

_lock = threading.Lock()
_questions: dict[tuple, tuple[float, list[Question]]] = {}
_pages: dict[tuple, tuple[float, str]] = {}
_fields: dict[tuple, tuple[float, dict]] = {}
_survey_sql: dict[tuple[str, str], tuple] = {}
# Stands for the CSRF token in a kept page (letters only: the template escapes nothing in it).
CSRF_MARK = "juweiCsrfTokenPlaceholder"


def _key(survey: Survey) -> tuple:
    return (survey.pk, survey.token, survey.version)


def _kept(store: dict, key: tuple):
    found = store.get(key)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    return None


def _keep(store: dict, key: tuple, value) -> None:
    with _lock:
        if len(store) >= MAX_KEPT:
            store.clear()
        store[key] = (time.monotonic() + KEEP_SECONDS, value)


def survey_by_token(token: str) -> Survey | None:
    """The survey of a public link, with its owner's name as ``owner_name``: one plain row.

    Every request of the public form starts here, so it runs SQL compiled once
    (``_one_survey``).
    """
    return _one_survey("token", [token])


def locked_survey(pk: int) -> Survey | None:
    """The survey, its row locked until the transaction ends (``select_for_update``): a
    response is saved while nothing else may close or change it. SQL compiled once."""
    return _one_survey("lock", [pk])


def counted_and_locked(address_hash: str, now, since, pk: int) -> Survey | None:
    """PostgreSQL: the public form's attempt stored for the rate limit and the survey
    locked (as ``locked_survey``) in one statement. The survey comes with ``attempt_id``
    (the stored attempt's id) and ``attempts`` (this address's attempts after ``since``,
    this one included). None if the survey is gone (the attempt is stored all the same)."""
    return _one_survey("attempt", [address_hash, now, address_hash, since, pk])


def _one_survey(kind: str, params) -> Survey | None:
    """One survey by the query ``kind``: the SQL and the converters of its columns made by
    the ORM once per process and database, then the SQL run with each value (prepared on
    PostgreSQL: committee/prepared.py) and the row made into a Survey directly
    (``Model.from_db``), without a queryset each time."""
    key = (kind, connection.vendor)
    compiled = _survey_sql.get(key)
    if compiled is None:
        compiled = _survey_sql[key] = _compile(kind)
    sql, names, converters = compiled
    row = prepared.fetchone(sql, params)
    if row is None:
        return None
    values = list(row)
    for position, (functions, expression) in converters:
        for function in functions:
            values[position] = function(values[position], expression, connection)
    survey = Survey.from_db(connection.alias, names, values[: len(names)])
    for name, extra in zip(_EXTRA[kind], values[len(names) :], strict=True):
        setattr(survey, name, extra)
    return survey


# What each query adds after the survey's own columns.
_EXTRA = {"token": ("owner_name",), "lock": (), "attempt": ("attempt_id", "attempts")}


def _compile(kind: str) -> tuple[str, list[str], list]:
    if kind == "token":
        rows = (
            Survey.objects.filter(token="")
            .annotate(owner_name=Coalesce("community__name", "street_office__name"))
            .order_by()[:1]
        )
    else:  # "lock", "attempt"
        rows = Survey.objects.select_for_update().filter(pk=0).order_by()
    compiler = rows.query.get_compiler(connection.alias)
    sql, _params = compiler.as_sql()
    names = [field.attname for field in Survey._meta.concrete_fields]
    # Every concrete field in order, then the extras (the attempt's are added to the SQL).
    compiled_extras = 0 if kind == "attempt" else len(_EXTRA[kind])
    assert len(compiler.select) == len(names) + compiled_extras, compiler.select
    converters = compiler.get_converters(
        [expression for expression, _sql, _alias in compiler.select]
    )
    if kind == "attempt":
        sql = _with_attempt(sql)
    return sql, names, list(converters.items())


def _with_attempt(sql: str) -> str:
    """The locking query with the rate limit's insert in front and its count after the
    survey's columns (the count cannot see the row inserted in the same statement: + 1)."""
    table = connection.ops.quote_name(SubmissionAttempt._meta.db_table)
    assert sql.startswith("SELECT ") and sql.count(" FROM ") == 1, sql
    count = (
        f", (SELECT id FROM new), (SELECT count(*) FROM {table}"
        f" WHERE address_hash = %s AND at > %s) + 1 FROM "
    )
    return (
        f"WITH new AS (INSERT INTO {table} (address_hash, at) VALUES (%s, %s) RETURNING id) "
        + sql.replace(" FROM ", count, 1)
    )


def questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, each with its options prefetched (read-only)."""
    if survey.state == Survey.State.DRAFT:
        return list(survey.questions.prefetch_related("choices"))
    key = _key(survey)
    found = _kept(_questions, key)
    if found is None:
        found = list(Question.objects.filter(survey_id=survey.pk).prefetch_related("choices"))
        _keep(_questions, key, found)
    return found


def fields(survey: Survey, variant: tuple, make) -> dict:
    """The answer form's fields for the survey, made once per ``variant`` (the form's
    options and the language of its labels) by ``make``; a POST validates against them
    without drawing them again."""
    if survey.state == Survey.State.DRAFT:
        return make()
    key = (*_key(survey), *variant)
    found = _kept(_fields, key)
    if found is None:
        found = make()
        _keep(_fields, key, found)
    return found


def page(survey: Survey, template: str, context, language: str) -> str:
    """A public page of the survey that is the same for every resident (the empty form, the
    thanks), drawn once per language; ``context`` is a callable giving its context.

    The empty form's CSRF token differs per resident: the page holds ``CSRF_MARK`` in its
    place, which the view replaces (``with_csrf_token``).
    """
    if survey.state == Survey.State.DRAFT:
        return _render_page(template, context())
    owner = getattr(survey, "owner_name", None) or str(survey.owner)
    key = (*_key(survey), survey.access, owner, template, language)
    found = _kept(_pages, key)
    if found is None:
        found = _render_page(template, context())
        _keep(_pages, key, found)
    return found


def _render_page(template: str, context: dict) -> str:
    return render_to_string(template, {**context, "csrf_token": CSRF_MARK})


def with_csrf_token(request, html: str) -> str:
    """The page with this request's CSRF token (and its cookie set on the response)."""
    if CSRF_MARK not in html:
        return html
    return html.replace(CSRF_MARK, get_token(request))


def forget() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _questions.clear()
        _pages.clear()
        _fields.clear()
