"""Excel export of exactly the rows and columns a list page shows.

Streams through openpyxl's write-only workbook into a temporary file, so a
100,000-row export does not sit in memory as cell objects.
"""

import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

from committee import sheet_writer
from committee.sheet_writer import StyledCell

FORMULA_PREFIXES = ("=", "+", "-", "@")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(ws, value, number_format: str | None = None) -> WriteOnlyCell:
    """A cell that shows what the user typed: text starting with = + - @ stays text."""
    if isinstance(value, datetime):
        value = (
            timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        )
    elif value is not None and not isinstance(value, int | float | Decimal | date | bool):
        value = force_str(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    if number_format and isinstance(value, int | float | Decimal):
        cell.number_format = number_format
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _cells_without_retries(ws):
    """Let the write-only sheet take a styled cell in a row without an exception.

    openpyxl's ``_values_to_row`` first tries each value as a plain value and takes a
    cell only once that fails: a ValueError, with the cell's repr in its message, for
    every styled cell written (a third of an export's time). This is the same method
    asking first. Rows are otherwise written exactly as openpyxl writes them.
    """
    if not callable(getattr(ws, "_values_to_row", None)):
        return None

    def values_to_row(values, row_idx):
        plain = WriteOnlyCell(ws)  # carries every plain value, as long as none styles it
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if isinstance(value, Cell):
                cell = value
            else:
                cell = plain
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell
            if cell is plain and (cell.has_style or cell.hyperlink):
                plain = WriteOnlyCell(ws)

    ws._values_to_row = values_to_row
    return values_to_row


class ReusedCells:
    """``safe_cell`` for a whole export, without a new cell object for every value.

    A write-only sheet writes each row as it is appended, so one styled cell per
    column and kind can carry every row's value; only values that need a style or a
    forced type (a number format, a date, text starting with = + - @) use one.
    """

    def __init__(self, ws, formats: list[str | None]):
        values_to_row = _cells_without_retries(ws)
        if values_to_row is not None:
            sheet_writer.install(ws, values_to_row)
        self.ws = ws
        self.formats = formats
        self.cells: dict[tuple[int, str], Cell] = {}

    def _cell(self, index: int, kind: str, number_format: str | None) -> Cell:
        cell = self.cells.get((index, kind))
        if cell is None:
            cell = self.cells[(index, kind)] = StyledCell(self.ws, row=1, column=1)
            if number_format:
                cell.number_format = number_format
        return cell

    def row(self, values) -> list:
        return [self.value(index, value) for index, value in enumerate(values)]

    def value(self, index: int, value):
        """What ``ws.append`` takes for the value of column ``index``."""
        kind = type(value)
        if value is None or kind is bool:
            return value
        if kind is str:
            if value.startswith(FORMULA_PREFIXES):
                cell = self._cell(index, "text", None)
                cell.value = value
                cell.data_type = "s"
                return cell
            return value
        if kind is int or kind is Decimal or kind is float:
            number_format = self.formats[index]
            if number_format:
                cell = self._cell(index, "number", number_format)
                cell.value = value
                return cell
            return value
        if kind is date:
            return value  # openpyxl gives a plain date the format yyyy-mm-dd itself
        return safe_cell(self.ws, value, self.formats[index])

    def writer(self, index: int, convert, kind: str | None):
        """``value(index, convert(v))`` as one function, chosen once for the column.

        ``kind`` is what ``convert`` gives besides None: "text" (str), "number" (int,
        Decimal or float), "date" (a date, not a datetime), or None (unknown: asked per
        value).
        """
        if kind == "text":
            if convert is _empty_to_none:

                def text(value):
                    if not value:
                        return None
                    if value.startswith(FORMULA_PREFIXES):
                        return self.value(index, value)
                    return value

                return text

            def converted_text(value):
                value = convert(value)
                if value and value.startswith(FORMULA_PREFIXES):
                    return self.value(index, value)
                return value

            return converted_text
        if kind in ("number", "date") and convert is _empty_to_none:
            number_format = self.formats[index] if kind == "number" else None
            if not number_format:
                return _same
            cell = self._cell(index, "number", number_format)

            def number(value):
                if value is None:
                    return None
                cell._value = value  # a number: what openpyxl's binding would keep (type "n")
                return cell

            return number
        return lambda value: self.value(index, convert(value))


def _same(value):
    return value


def table_to_workbook_file(table, title: str, progress=None):
    """Write the table's visible columns and all its rows; return an open temp file.

    Rows stream from the database in chunks straight into a write-only workbook, so
    memory stays flat however many rows there are (see ``export_rows``). A job's
    ``progress`` (committee/jobs.py) is told the number of rows and each one written.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")
    columns = [c for c in table.columns if not getattr(c.column, "exclude_from_export", False)]
    for index, column in enumerate(columns):
        width = max(10, min(40, len(force_str(column.header)) * 2 + 4))
        ws.column_dimensions[_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=force_str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    cells = ReusedCells(ws, [getattr(c.column, "excel_number_format", None) for c in columns])
    rows = export_rows(table, columns, cells)
    if progress is not None:
        progress.set_total(len(table.data))
        rows = progress.count(rows)
    for values in rows:
        ws.append(values)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    wb.save(handle)
    handle.seek(0)
    return handle


CHUNK = 2000


def export_rows(table, columns, cells: ReusedCells | None = None) -> Iterator[list]:
    """The cell values of every row, as ``row.get_cell_value`` would give them, but fast.

    With ``cells``, each row comes ready for the sheet (``cells.row`` of the values), a
    column's conversion and its cell chosen once for the whole export.

    A column whose value is a field of the model (or of a related one, or an annotation)
    is read with ``values_list``, choices shown by their label; a table computes other
    columns from fields with ``export_values`` (name: (fields, function)). Only the rest
    (a table's ``value_<name>``, a column class's own ``value``, a to-many relation) load
    the model instance, in chunks. Tables not built on a queryset use their own rows.
    """
    data = getattr(table.data, "data", None)
    if cells is not None:
        yield from _ready_rows(table, columns, cells)
        return
    if not isinstance(data, models.QuerySet):
        for row in table.rows:
            yield [row.get_cell_value(column.name) for column in columns]
        return
    queryset = table.export_queryset(data) if hasattr(table, "export_queryset") else data
    plans = [_plan(table, queryset, column) for column in columns]
    if all(plan is not None for plan in plans):
        paths = list(dict.fromkeys(path for fields, _convert in plans for path in fields))
        place = {path: index for index, path in enumerate(paths)}
        rows = queryset.values_list(*paths).iterator(chunk_size=CHUNK)
        if all(len(fields) == 1 for fields, _convert in plans):
            picks = [(place[fields[0]], convert) for fields, convert in plans]
            for values in rows:
                yield [convert(values[index]) for index, convert in picks]
            return
        many = [([place[path] for path in fields], convert) for fields, convert in plans]
        for values in rows:
            yield [convert(*[values[i] for i in indexes]) for indexes, convert in many]
        return
    from django_tables2.rows import BoundRow

    getters = [
        (lambda record, p=plan: p[1](*[_resolve(record, path) for path in p[0]]))
        if plan is not None
        else (lambda record, name=column.name: BoundRow(record, table=table).get_cell_value(name))
        for plan, column in zip(plans, columns, strict=True)
    ]
    for record in queryset.iterator(chunk_size=CHUNK):
        yield [get(record) for get in getters]


def _ready_rows(table, columns, cells: ReusedCells) -> Iterator[list]:
    data = getattr(table.data, "data", None)
    if isinstance(data, models.QuerySet):
        queryset = table.export_queryset(data) if hasattr(table, "export_queryset") else data
        plans = [_plan(table, queryset, column) for column in columns]
        if all(plan is not None for plan in plans):
            # Kinds of the columns read from one field; a computed column's is asked per value.
            kinds = [
                None
                if len(fields) > 1 or column.name in getattr(table, "export_values", {})
                else (_field_plan(table, queryset, column) or (None, None, None))[2]
                for (fields, _convert), column in zip(plans, columns, strict=True)
            ]
            paths = list(dict.fromkeys(path for fields, _convert in plans for path in fields))
            place = {path: index for index, path in enumerate(paths)}
            picks = [
                (place[fields[0]], cells.writer(index, convert, kind))
                if len(fields) == 1
                else (-1, _computed(cells, index, convert, [place[path] for path in fields]))
                for index, ((fields, convert), kind) in enumerate(zip(plans, kinds, strict=True))
            ]
            for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK):
                yield [write(values[at] if at >= 0 else values) for at, write in picks]
            return
    for values in export_rows(table, columns):
        yield cells.row(values)


def _computed(cells: ReusedCells, index: int, convert, indexes: list[int]):
    """A column computed from several fields (``export_values``), given the whole row."""

    def write(values):
        return cells.value(index, convert(*[values[i] for i in indexes]))

    return write


def _plan(table, queryset, bound_column):
    """((values paths), converter) for a column read from the database, else None."""
    computed = getattr(table, "export_values", {}).get(bound_column.name)
    if computed is not None:
        return computed
    found = _field_plan(table, queryset, bound_column)
    return None if found is None else ((found[0],), found[1])


def _field_plan(table, queryset, bound_column):
    """(values path, converter, kind of the converted values) of a column read straight
    from the database, else None; kind as ``ReusedCells.writer`` takes it."""
    if bound_column.name in getattr(table, "export_values", {}):
        return None
    column = bound_column.column
    name = bound_column.name
    if getattr(table, f"value_{name}", None) or not _plain(column):
        return None
    path = getattr(table, "export_accessors", {}).get(name) or str(bound_column.accessor)
    path = path.replace(".", "__")
    if path in queryset.query.annotations:
        try:
            output = queryset.query.annotations[path].output_field
        except (AttributeError, FieldError):  # an expression of mixed types
            output = None
        return path, _empty_to_none, _kind(output)
    model = queryset.model
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if field.is_relation:
            if field.many_to_many or field.one_to_many or field.related_model is None:
                return None
            model = field.related_model
    if field is None or field.is_relation:
        return None
    if field.choices:
        labels = {key: force_str(label) for key, label in field.flatchoices}  # translated once
        text = isinstance(field, models.CharField | models.TextField)
        return path, lambda v: None if v in (None, "") else labels.get(v, v), _text(text)
    if isinstance(column, tables.BooleanColumn):
        return path, lambda value: None if value is None else str(bool(value)), "text"
    if isinstance(column, tables.DateColumn) and not getattr(column, "export_raw", False):
        return path, lambda value: None if value is None else value.isoformat(), "text"
    return path, _empty_to_none, _kind(field)


def _text(text: bool) -> str | None:
    return "text" if text else None


def _kind(field) -> str | None:
    """What a field's values are, as ``ReusedCells.writer`` takes it."""
    if isinstance(field, models.CharField | models.TextField):
        return "text"
    if isinstance(field, models.DecimalField | models.IntegerField | models.FloatField):
        return "number"
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return "date"
    return None


def _plain(column) -> bool:
    """Whether the column exports the field's value as it is (its value() adds nothing)."""
    kind = type(column)
    # ``export_raw`` holds for the class that declares it, not for a subclass with a
    # value() of its own (income's signed amount).
    owner = next((c for c in kind.__mro__ if "export_raw" in vars(c)), None)
    if owner is not None:
        return kind.value is owner.value
    if isinstance(column, tables.BooleanColumn):
        return True
    if isinstance(column, tables.DateColumn):
        return kind.value is tables.DateColumn.value
    return kind.value is tables.Column.value and kind.render is tables.Column.render


def _empty_to_none(value):
    return None if value in (None, "") else value


def _resolve(record, path: str):
    value = record
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def xlsx_response(handle, filename: str) -> FileResponse:
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


MONEY_FORMAT = '"¥"#,##0.00'
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0.##"
FORMATS = {"money": MONEY_FORMAT, "percent": PERCENT_FORMAT, "number": NUMBER_FORMAT}


def add_sheet(wb: Workbook, title: str, columns, rows) -> None:
    """One sheet of a report workbook: a bold, frozen header row, set widths, number formats.

    ``columns`` is a list of (header, kind) with kind "text", "money", "percent", "number"
    or "date"; ``rows`` yields lists of values in that order (Decimal for money; a
    Decimal fraction for percent).
    """
    ws = wb.create_sheet(title=title[:31])
    for index, (header, kind) in enumerate(columns):
        base = 14 if kind in FORMATS else 12
        ws.column_dimensions[_letter(index)].width = max(base, min(48, len(str(header)) * 2 + 4))
    ws.freeze_panes = "A2"
    header_cells = []
    for header, _kind in columns:
        cell = WriteOnlyCell(ws, value=force_str(header))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    cells = ReusedCells(ws, [FORMATS.get(kind) for _header, kind in columns])
    for row in rows:
        values = list(row)
        if len(values) != len(columns):
            raise ValueError(f"{title}: a row of {len(values)} values for {len(columns)} columns")
        ws.append(cells.row(values))


def workbook_response(sheets, filename: str) -> FileResponse:
    """A streamed multi-sheet workbook from (title, columns, rows) triples."""
    wb = Workbook(write_only=True)
    for title, columns, rows in sheets:
        add_sheet(wb, force_str(title), columns, rows)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    wb.save(handle)
    handle.seek(0)
    return xlsx_response(handle, filename)
