"""Excel export of exactly the rows and columns a list page shows.

Streams through openpyxl's write-only workbook into a temporary file, so a
100,000-row export does not sit in memory as cell objects.
"""

import tempfile
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


def table_to_workbook_file(table, title: str):
    """Write the table's visible columns and all its rows; return an open temp file."""
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
    for row in table.rows:
        ws.append(
            [
                safe_cell(
                    ws,
                    row.get_cell_value(column.name),
                    getattr(column.column, "excel_number_format", None),
                )
                for column in columns
            ]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    wb.save(handle)
    handle.seek(0)
    return handle


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
    for row in rows:
        ws.append(
            [
                safe_cell(ws, value, FORMATS.get(kind))
                for value, (_h, kind) in zip(row, columns, strict=True)
            ]
        )


def workbook_response(sheets, filename: str) -> FileResponse:
    """A streamed multi-sheet workbook from (title, columns, rows) triples."""
    wb = Workbook(write_only=True)
    for title, columns, rows in sheets:
        add_sheet(wb, force_str(title), columns, rows)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    wb.save(handle)
    handle.seek(0)
    return xlsx_response(handle, filename)
