"""The export's own row writer writes a sheet byte for byte as openpyxl does."""

import zipfile
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError

from committee import exports, sheet_writer

FORMATS = [None, exports.MONEY_FORMAT, None, exports.PERCENT_FORMAT, None, None, None]
ROWS = [
    ["甲社区", Decimal("1100.00"), 3, Decimal("0.125"), date(2026, 6, 1), True, 2.5],
    [" 前后有空格 ", Decimal("-0.50"), 0, None, date(1999, 12, 31), False, float("nan")],
    ["=1+1", Decimal("12345678.90"), -7, Decimal("1"), None, None, 1e20],
    ["#N/A", None, None, None, datetime(2026, 6, 15, 10, 0), "", None],
    ["-张三", Decimal("0.00"), 10**15, Decimal("0.3333"), date(2026, 1, 1), "ok", 0.1],
    ["=", Decimal("3.14"), 1, None, None, "+", None],
    [None, None, None, None, None, None, None],
    ["x" * 40000, Decimal("1"), 2, None, None, "@x", float("inf")],
]


def sheet_xml(fast: bool, rows=ROWS) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "A2"
    header = [WriteOnlyCell(ws, value=f"列{i}") for i in range(len(FORMATS))]
    for cell in header:
        cell.font = Font(bold=True)
    ws.append(header)
    if not fast:  # what ReusedCells installs, without the row writer
        sheet_writer.install, saved = (lambda ws, values_to_row: False), sheet_writer.install
        try:
            cells = exports.ReusedCells(ws, FORMATS)
        finally:
            sheet_writer.install = saved
    else:
        cells = exports.ReusedCells(ws, FORMATS)
    for row in rows:
        ws.append(cells.row(row))
    out = BytesIO()
    wb.save(out)
    with zipfile.ZipFile(out) as archive:
        return archive.read("xl/worksheets/sheet1.xml") + archive.read("xl/styles.xml")


def test_it_writes_every_kind_of_value_as_openpyxl_does():
    assert sheet_xml(fast=True) == sheet_xml(fast=False)


def test_it_writes_the_common_rows_itself():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("表")
    cells = exports.ReusedCells(ws, FORMATS)
    writer = ws._writer.write_row.__self__
    assert writer.fast_row(cells.row(ROWS[0]), 2) is not None
    assert writer.fast_row(cells.row(ROWS[3]), 3) is None  # a date and time: openpyxl's


def test_text_openpyxl_refuses_is_still_refused():
    for fast in (True, False):
        with pytest.raises(IllegalCharacterError):
            sheet_xml(fast, [["a\x01b", None, None, None, None, None, None]])
