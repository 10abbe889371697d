"""A write-only sheet's rows written straight as XML, byte for byte as openpyxl writes them.

openpyxl's write-only sheet turns every value into a cell object (its type worked out, its
text checked, its coordinate and attributes built from properties) and writes the cell
in two or three nested XML elements: about 70 % of an export's time. ``install(ws)`` makes
the sheet write a row whose values are all of the common kinds (text, a number, a truth
value, a date, or one of the export's reused styled cells carrying a number or text) as
one element tree, with the column letters and the date style found once. Any other row
(the bold header, a date and time, a formula-like text, an error code, an empty text,
text openpyxl would refuse or cut) is written by openpyxl itself, exactly as before.

``tests/committee/test_sheet_writer.py`` holds the sheet's XML equal to openpyxl's own for
every kind of value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from openpyxl import LXML
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml.functions import XML_NS, Element, SubElement

NUMBERS = (int, float, Decimal)
LONGEST_TEXT = 32767  # openpyxl cuts longer text: such a row goes its way
PRESERVE = {f"{{{XML_NS}}}space": "preserve"}


class StyledCell(Cell):
    """A reused cell whose style never changes after it is made: its style's index in the
    workbook is looked up once, not hashed again for every value it carries."""

    __slots__ = ("_style_index",)

    @property
    def style_id(self):
        try:
            return self._style_index
        except AttributeError:
            self._style_index = super().style_id
            return self._style_index


def install(ws, values_to_row: Callable) -> bool:
    """Write this write-only sheet's rows with ``write_row`` below from now on; rows that
    need openpyxl go through ``values_to_row`` (the sheet's) and its own writer. False
    when the sheet is not one this knows (no lxml, another openpyxl). Call it once the
    column widths and frozen panes are set: it starts the sheet's XML."""
    if not LXML or not callable(getattr(ws, "_get_writer", None)) or ws.parent.iso_dates:
        return False
    ws._get_writer()
    writer = getattr(ws, "_writer", None)
    if writer is None or not callable(getattr(writer, "write_row", None)):
        return False
    ws._values_to_row = lambda values, row_idx: values
    writer.write_row = _RowWriter(ws, writer.write_row, values_to_row).write_row
    return True


class _RowWriter:
    def __init__(self, ws, openpyxl_write_row, values_to_row):
        self.ws = ws
        self.slow = openpyxl_write_row
        self.values_to_row = values_to_row
        self.letters: list[str] = []
        self.epoch = ws.parent.epoch
        self.date_style: str | None = None

    def letter(self, index: int) -> str:
        while len(self.letters) <= index:
            self.letters.append(get_column_letter(len(self.letters) + 1))
        return self.letters[index]

    def date_style_id(self) -> str:
        """The style openpyxl gives a plain date (yyyy-mm-dd), looked up once."""
        if self.date_style is None:
            probe = WriteOnlyCell(self.ws, value=date(2000, 1, 1))
            self.date_style = f"{probe.style_id}"
        return self.date_style

    def write_row(self, xf, values, row_idx: int) -> None:
        row = self.fast_row(values, row_idx)
        if row is None:
            self.slow(xf, self.values_to_row(values, row_idx), row_idx)
        else:
            xf.write(row)

    def fast_row(self, values, row_idx: int):
        """The row's element, or None when a value needs openpyxl's own writing."""
        if row_idx in self.ws.row_dimensions:
            return None
        r = f"{row_idx}"
        row = Element("row", {"r": r})
        letters = self.letters
        for index, value in enumerate(values):
            if value is None:
                continue
            where = (letters[index] if index < len(letters) else self.letter(index)) + r
            kind = type(value)
            if kind is str:
                if not (0 < len(value) <= LONGEST_TEXT) or value[0] == "=" and len(value) > 1:
                    return None
                if value in ERROR_CODES or ILLEGAL_CHARACTERS_RE.search(value) is not None:
                    return None
                cell = SubElement(row, "c", {"r": where, "t": "inlineStr"})
                text = SubElement(
                    SubElement(cell, "is"), "t", PRESERVE if value != value.strip() else {}
                )
                text.text = value
            elif kind is int or (kind is Decimal or kind is float) and _finite(value):
                cell = SubElement(row, "c", {"r": where, "t": "n"})
                SubElement(cell, "v").text = "%.16g" % value  # openpyxl's safe_string  # noqa: UP031
            elif kind is StyledCell:
                if not self.styled(row, where, value):
                    return None
            elif kind is date:
                _number(row, where, to_excel(value, self.epoch), self.date_style_id())
            elif kind is bool:
                cell = SubElement(row, "c", {"r": where, "t": "b"})
                SubElement(cell, "v").text = "1" if value else "0"
            else:
                return None
        return row if len(row) else None  # openpyxl writes an empty row open and closed

    def styled(self, row, where: str, cell: StyledCell) -> bool:
        """A reused cell of the export: a number in a number format, or text kept as text."""
        if cell._hyperlink is not None or cell._comment is not None:
            return False
        value = cell._value
        style = f"{cell.style_id}" if cell.has_style else None
        if cell.data_type == "n" and type(value) in NUMBERS and _finite(value):
            _number(row, where, value, style)
            return True
        if cell.data_type == "s" and type(value) is str and value:
            attrs = {"r": where, "s": style, "t": "inlineStr"} if style else None
            cell = SubElement(row, "c", attrs or {"r": where, "t": "inlineStr"})
            text = SubElement(
                SubElement(cell, "is"), "t", PRESERVE if value != value.strip() else {}
            )
            text.text = value
            return True
        return False


def _finite(value) -> bool:
    return value.is_finite() if type(value) is Decimal else math.isfinite(value)


def _number(row, where: str, value, style: str | None) -> None:
    attrs = {"r": where, "s": style, "t": "n"} if style else {"r": where, "t": "n"}
    cell = SubElement(row, "c", attrs)
    SubElement(cell, "v").text = "%.16g" % value  # openpyxl's safe_string  # noqa: UP031
