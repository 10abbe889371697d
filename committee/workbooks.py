"""Reading an uploaded .xlsx safely: hostile files are refused fast, before and while parsing.

An .xlsx is a zip of XML parts. Before openpyxl sees the file, the zip directory is
checked: how many parts, and how big each part and all of them are once uncompressed
(zipfile never inflates a part past the size its directory entry declares, so these
sizes bound the work). No part may declare a DTD or entities (Excel never writes one);
openpyxl itself parses through defusedxml (installed, so openpyxl uses it) and lxml with
entity resolution off. Sheets are then read row by row (read-only mode, streaming), every
row counted toward the limit, blank or not, and at most ``MAX_COLUMNS`` cells of each.
Whatever a malformed file makes the parser raise becomes one translated refusal.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_PARTS = 1_000
MAX_SHEET_BYTES = 20 * 1024 * 1024  # a worksheet or the shared strings, uncompressed
MAX_OTHER_PART_BYTES = 2 * 1024 * 1024  # styles, workbook, relationships, theme…
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_SHEETS = 50
MAX_COLUMNS = 60
# Cells a sheet may hold on average per row allowed: a ledger has a dozen columns at most.
MAX_COLUMNS_PER_ROW = 20
SPARE_TAGS = 20_000
_BIG_PARTS = ("xl/worksheets/", "xl/sharedStrings.xml")


class WorkbookRefused(Exception):
    """The whole file is refused, with a message for the person who uploaded it."""


def _unreadable() -> WorkbookRefused:
    return WorkbookRefused(_("This file cannot be read as an Excel .xlsx workbook."))


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_archive(data: bytes, max_rows: int) -> None:
    """Refuse a zip bomb, a part flood or an XML part with a DTD, before any parsing."""
    if len(data) > MAX_BYTES:
        raise WorkbookRefused(_("The file is larger than 5 MB."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _unreadable() from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise WorkbookRefused(
                _("The workbook has %(count)s parts; at most %(max)s are accepted.")
                % {"count": f"{len(parts):,}", "max": f"{MAX_PARTS:,}"}
            )
        total = 0
        for part in parts:
            limit = (
                MAX_SHEET_BYTES if part.filename.startswith(_BIG_PARTS) else MAX_OTHER_PART_BYTES
            )
            total += part.file_size
            if part.file_size > limit or total > MAX_TOTAL_BYTES:
                raise WorkbookRefused(
                    _(
                        "Unpacked, this workbook would be far larger than any ledger "
                        "(%(part)s is %(size)s; at most %(max)s). It was not opened."
                    )
                    % {
                        "part": part.filename[:80],
                        "size": _megabytes(part.file_size),
                        "max": _megabytes(limit),
                    }
                )
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")):
                _scan(archive, part, max_rows)


# What Excel never writes but XML bombs and external entities need, in UTF-8 and UTF-16.
_DECLARATIONS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_CELL_TAGS = (b"<c ", b"<c>", b"<c/")
_CHUNK = 1024 * 1024


def _count(data: bytes, tags: tuple[bytes, ...]) -> int:
    return sum(data.count(tag) for tag in tags)


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo, max_rows: int) -> None:
    """Read a part once as bytes (no parsing): no DTD anywhere; rows and cells counted.

    Parsing is what costs time, so a sheet with more row or cell elements than an import
    accepts is refused before openpyxl parses any of it.
    """
    sheet = part.filename.startswith("xl/worksheets/")
    rows = cells = tags = 0
    tail = b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in _DECLARATIONS):
                    raise WorkbookRefused(
                        _(
                            "This file holds XML declarations (DTD, entities) that Excel "
                            "never writes; it was refused unread."
                        )
                    )
                if sheet:
                    # The tail is kept so a tag split between two chunks is still seen;
                    # what the tail held was counted with the chunk before.
                    rows += window.count(b"<row") - tail.count(b"<row")
                    cells += _count(window, _CELL_TAGS) - _count(tail, _CELL_TAGS)
                    tags += chunk.count(b"<")
                tail = window[-32:]
    except WorkbookRefused:
        raise
    except Exception:  # noqa: BLE001 -- zipfile and zlib raise many kinds on a corrupt part
        raise _unreadable() from None
    if rows > max_rows:
        raise WorkbookRefused(
            _(
                "A sheet has more than %(max)s rows (blank rows count too). Delete the rows "
                "you do not need, or split the file."
            )
            % {"max": f"{max_rows:,}"}
        )
    # A row takes 2 tags, a cell 4 to 6; columns, merged cells and page setup a few
    # thousand at most. Anything far beyond that is nesting meant to make the parser slow.
    if tags > SPARE_TAGS + 4 * rows + 8 * cells:
        raise WorkbookRefused(
            _("A sheet holds %(count)s XML elements that are neither rows nor cells.")
            % {"count": f"{tags - 4 * rows - 8 * cells:,}"}
        )
    if cells > max_rows * MAX_COLUMNS_PER_ROW:
        raise WorkbookRefused(
            _("A sheet has more than %(max)s cells; no import needs that many.")
            % {"max": f"{max_rows * MAX_COLUMNS_PER_ROW:,}"}
        )


@contextmanager
def guarded(what: str = "") -> Iterator[None]:
    """Turn whatever a malformed file makes the parser raise into a translated refusal.

    openpyxl raises a zoo of exceptions on broken parts (KeyError for a missing part,
    lxml and defusedxml errors, TypeError on odd attributes…), so any exception here is
    the file's fault: nothing but reading happens inside.
    """
    try:
        yield
    except WorkbookRefused:
        raise
    except MemoryError:
        raise WorkbookRefused(_("This file is too large to read.")) from None
    except Exception:  # noqa: BLE001 -- see the docstring: every parse error is the file's
        raise _unreadable() from None


class Sheet:
    """One worksheet, read as rows of at most MAX_COLUMNS values."""

    def __init__(self, worksheet, max_rows: int):
        self._worksheet = worksheet
        self.title: str = worksheet.title
        self.max_rows = max_rows

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """(Excel row number, values); refuses the file once it passes ``max_rows`` rows."""
        with guarded():
            iterator = self._worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            for number, cells in enumerate(iterator, start=1):
                if number > self.max_rows:
                    raise WorkbookRefused(
                        _(
                            "The sheet “%(sheet)s” has more than %(max)s rows (blank rows "
                            "count too). Delete the rows you do not need, or split the file."
                        )
                        % {"sheet": self.title, "max": f"{self.max_rows:,}"}
                    )
                yield number, tuple(cells)


class Workbook:
    """An uploaded workbook opened for streaming reads; use as a context manager."""

    def __init__(self, data: bytes, *, max_rows: int):
        check_archive(data, max_rows)
        from openpyxl import load_workbook

        with guarded():
            self._book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            self._sheets = [ws for ws in self._book.worksheets if hasattr(ws, "iter_rows")]
        if len(self._sheets) > MAX_SHEETS:
            self.close()
            raise WorkbookRefused(
                _("The workbook has more than %(max)s sheets.") % {"max": MAX_SHEETS}
            )
        if not self._sheets:
            self.close()
            raise WorkbookRefused(_("The workbook has no sheet to import."))
        self.max_rows = max_rows

    @property
    def sheet_names(self) -> list[str]:
        return [ws.title for ws in self._sheets]

    def sheet(self, name: str | None = None) -> Sheet:
        for ws in self._sheets:
            if name is None or ws.title == name:
                return Sheet(ws, self.max_rows)
        raise WorkbookRefused(_("The workbook has no sheet called “%(name)s”.") % {"name": name})

    def close(self) -> None:
        with guarded():
            self._book.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
