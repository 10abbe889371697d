"""A list's page: which rows it shows and how many rows match (committee/tables.py)."""

from __future__ import annotations

import copy
from functools import partial

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property
from django_tables2.utils import A

from committee import prepared
from committee.filters import keep, kept


class CappedPaginator(Paginator):
    """Counts a list's rows up to ``cap``: a district's million tasks are "more than 10,000".

    Counting every row the filter matches took longer than picking the page shown; nobody
    pages through 200 pages, and the export still writes every row. A page past the cap
    (typed into the address) counts exactly. The first page is counted by the query that
    loads its rows (``BaseTable.paginate``), not by a query of its own.
    """

    cap = 10_000
    capped = False  # whether more rows match than were counted
    exact = False
    count_with_rows = False  # the first page: counted with its rows, see ``counted_rows``

    def page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        self.exact = wanted * self.per_page > self.cap
        if wanted == 1 and str(number) == "1" and self._queryset() is not None:
            # Page one always exists: its rows are picked before they are counted.
            self.count_with_rows = True
            return self._get_page(self.object_list[0 : self.per_page], 1, self)
        return super().page(number)

    def _queryset(self) -> models.QuerySet | None:
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)
        return queryset if isinstance(queryset, models.QuerySet) else None

    def capped_count(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.order_by().values("pk")[: self.cap + 1]

    @cached_property
    def count(self) -> int:
        queryset = self._queryset()
        if self.exact or queryset is None:
            return super().count
        return self._found(self.capped_count(queryset).count())

    def _found(self, found: int) -> int:
        self.capped = found > self.cap
        return min(found, self.cap)

    def with_count(self, rows: models.QuerySet) -> models.QuerySet:
        """``rows`` (the page's) with the capped count of every matching row in a column."""
        try:
            sql, params = self.capped_count(self._queryset()).query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (``pk__in=[]``)
            self.__dict__["count"] = self._found(0)
            return rows
        counted = RawSQL(f"SELECT COUNT(*) FROM ({sql}) {_FOUND}", params, IntegerField())
        return rows.annotate(**{_FOUND: counted})

    def counted_rows(self, records: list) -> None:
        """Take the count from the first page's rows (none: nothing matches)."""
        if "count" in vars(self):
            return
        found = getattr(records[0], _FOUND, 0) if records else 0
        self.__dict__["count"] = self._found(found)


_FOUND = "found_by_paginator"


def page_records(page: models.QuerySet, extend=None, key=None) -> list:
    """The records of one page (a sliced queryset) in one query of two narrow steps.

    Sorting a district's rows to pick 50 is cheap on the ids alone (an index often
    covers them) and dear when every column of every joined table rides along, so the
    page's ids are picked first by a subquery, then only those rows are loaded with
    their joins and annotations (and what ``extend(rows)`` adds), and sorted again
    (50 rows) the same way.

    With a ``key`` (everything the query depends on: see ``ObjectListView.keep_page_sql``)
    the query's SQL is kept: the same page asked again runs it without building it.
    """
    if not picks_by_ids(page):
        return list(page)
    found = kept(key) if key is not None else None
    if found is not None:
        return found.run()
    rows = page._chain()
    rows.query.clear_limits()
    # The ids already passed the filters and the scope; left in, they would tempt the
    # database to read the scope's rows again instead of the 50 ids.
    rows.query.where = WhereNode()
    if extend is not None:
        rows = extend(rows)
    rows = rows.filter(pk__in=page.values("pk"))
    if key is None:
        return list(rows)
    compiled = KeptQuery.of(rows)
    if compiled is None:
        return list(rows)
    keep(key, compiled)
    return compiled.run()


class KeptQuery:
    """A queryset's SQL, made by the ORM once and run again as it is.

    Building a list page's query (the scope, the filters, the page's ids, its columns,
    the count, the hours) and compiling it to SQL was a fifth of a street official's
    task page, more than running it. Kept under a key that holds everything it depends
    on (committee/generic.py), it is run as Django would run it (the same compiler's
    columns and converters, the same model instances), without being built again. On
    PostgreSQL the statement is also prepared (committee/prepared.py): each connection
    plans it once.
    """

    def __init__(self, queryset, compiler, sql, params):
        self.queryset, self.compiler, self.sql, self.params = queryset, compiler, sql, params

    @classmethod
    def of(cls, queryset: models.QuerySet) -> KeptQuery | None:
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        return cls(queryset, compiler, sql, tuple(params))

    def run(self) -> list:
        rows = self.queryset._chain()
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[rows.db]  # this thread's
        sql, params = self.sql, self.params
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        if compiler.connection.vendor == "postgresql":
            compiler.execute_sql = partial(_prepared_rows, compiler, sql, params, rows.db)
        rows.query.get_compiler = lambda *args, **kwargs: compiler
        return list(rows)


def _prepared_rows(compiler, sql, params, using, *args, **kwargs) -> list[list]:
    """What ``SQLCompiler.execute_sql`` gives a model iterable, from a prepared statement."""
    found = prepared.fetchall(sql, params, using)
    if compiler.has_extra_select:
        found = [row[: compiler.col_count] for row in found]
    return [found]


def field_path(model, accessor: str) -> str | None:
    """``community__name`` for an accessor that ends in a model field through foreign
    keys; None for anything else."""
    bits = A(accessor).bits
    for i, bit in enumerate(bits):
        try:
            field = model._meta.get_field(bit)
        except FieldDoesNotExist:
            return None
        last = i == len(bits) - 1
        if field.many_to_one and not last:
            model = field.related_model
        elif not field.is_relation and last and field.concrete:
            return "__".join(bits)
        else:
            return None
    return None


def picks_by_ids(page: models.QuerySet) -> bool:
    return page.query.is_sliced and not page.query.distinct_fields
