"""Excel imports that never half-load.

An app declares an ``Importer`` subclass: its columns (Chinese headers, a kind, required
or not, an example) and ``save_row`` (which calls the app's own service). This module does
the rest the same way for every import:

- a template workbook with the headers and one example row;
- refusals of the whole file: not .xlsx, over 5 MB, over 10,000 rows, a required column missing;
- tolerant reading of what real ledgers hold: dates as 2023年4月5日, 2023/4/5, 2023-04-05
  or Excel serial numbers; amounts as 1500, 1,500.00, ¥1,500 or 1500元; full-width digits;
  blank rows; stray spaces;
- every problem reported by row and column; a preview of every row as it will be saved;
- saving in one transaction: everything or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.datetime import from_excel
from rapidfuzz import process

from committee import bounds, workbooks

MAX_BYTES = workbooks.MAX_BYTES
MAX_ROWS = 10_000
PREVIEW_ROWS = 500
HEADER_SEARCH_ROWS = 10  # a ledger's title, date line and blank rows sit above its header

TEXT, DATE, MONEY, DECIMAL, INTEGER, CHOICE = "text", "date", "money", "decimal", "int", "choice"


class ImportRefused(Exception):
    """The whole file is refused (wrong type, too big, a required column missing)."""


class ImportFailed(Exception):
    """A row failed while saving; the transaction was rolled back, nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header in the template; matching ignores spaces and width
    kind: str = TEXT
    required: bool = True
    example: Any = ""
    # For CHOICE: the accepted labels (Chinese and English) → stored value.
    choices: Mapping[str, str] | None = None
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    # For MONEY, DECIMAL and INTEGER: the range a value must fall in (see committee.bounds).
    low: Decimal | None = None
    high: Decimal | None = None
    money: bool = False  # a DECIMAL shown as ¥1,234.50 in the preview (MONEY always is)

    def bounds(self) -> tuple[Decimal, Decimal]:
        default_low = bounds.CENT if self.kind == MONEY else -bounds.MONEY_MAX
        return (
            default_low if self.low is None else self.low,
            bounds.MONEY_MAX if self.high is None else self.high,
        )


@dataclass
class RowError:
    row: int  # the Excel row number the user sees
    column: str  # the header, or "" for the whole row
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    display: dict[str, str] = field(default_factory=dict)


class PreviewGroup:
    """A table of the preview: title, columns, (row number, shown values) of the first
    PREVIEW_ROWS rows (a page of 10,000 rows helps nobody), and how many more there are."""

    def __init__(self, title: str, columns: list[Column], rows: list[ParsedRow]):
        self.title = title
        self.columns = columns
        self.count = len(rows)
        self.more = max(0, self.count - PREVIEW_ROWS)
        shown = rows[:PREVIEW_ROWS]
        self.rows = [(row.row, [row.display.get(c.key, "") for c in columns]) for row in shown]


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    errors: list[RowError]
    # Rows read but not imported (subtotals, totals, carried forward), each with a note.
    skipped: list[RowError] = field(default_factory=list)
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)
    header_row: int = 1

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise(text: Any) -> str:
    """Full-width to half-width (NFKC), trimmed, inner runs of spaces collapsed."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", " ", value).strip()


def header_text(text: Any) -> str:
    """A header as compared: normalised, without spaces or the (optional) mark."""
    label = normalise(text).replace("(可选)", "").replace("(optional)", "")
    return label.replace(" ", "")


# 小计 subtotal, 合计/总计 total, 累计 running total, 承前页/过次页 carried forward…
_SUBTOTAL = re.compile(
    r"^(?:本[日周旬月季年页期]|上[月年页期]|全年|年度|月度|季度|[一二三四1-4]季度|"
    r"\d{1,2}月份?|\d{4}年)?(?:小计|合计|总计|累计|结余)$|^(?:承前页|过次页|转下页|接上页|"
    r"承上页|上页结转|结转下页|上年结转|期初余额|期末余额)"
)


def subtotal_label(texts: list[str]) -> str:
    """The label when a ledger row is a subtotal, total or carried-forward line, else ''."""
    for text in texts:
        label = text.replace(" ", "").rstrip(":：")
        if label and _SUBTOTAL.match(label):
            return label
    return ""


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value: Any) -> dt.date:
    """A date from a cell: a real date, an Excel serial number, or common Chinese text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        serial = Decimal(str(value))
        if 1 <= serial < 100_000 and serial == serial.to_integral_value():
            return from_excel(int(serial)).date()
        raise ValueError(_("Not a date: %(value)s") % {"value": value})
    text = normalise(value)
    if text.isdigit() and len(text) <= 5:
        return parse_date(int(text))
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise ValueError(
        _("Not a date: “%(value)s”. Write it like 2023-04-05, 2023/4/5 or 2023年4月5日.")
        % {"value": text}
    )


_MAX_INTEGER_DIGITS = 15  # past any column here (money fields hold 10 before the point)
_MONEY_STRIP = re.compile(r"^(?:¥|￥|RMB|CNY|人民币)?\s*(.*?)\s*(?:元|圆|RMB|CNY)?$", re.I)


def parse_decimal(value: Any, places: int = 2) -> Decimal:
    """A Decimal from a cell: 1500, 1,500.00, ¥1,500, 1500元 — never through float."""
    if isinstance(value, bool):
        raise ValueError(_("Not a number: %(value)s") % {"value": value})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        # openpyxl hands numeric cells over as float; repr gives the shortest exact text.
        number = Decimal(repr(value))
    else:
        text = normalise(value)
        match = _MONEY_STRIP.match(text)
        text = match.group(1) if match else text
        text = text.replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("Not an amount: “%(value)s”. Write it like 1500, 1,500.00 or ¥1,500.")
                % {"value": normalise(value)}
            ) from None
    if not number.is_finite():
        raise ValueError(_("Not an amount: %(value)s") % {"value": value})
    if number.adjusted() >= _MAX_INTEGER_DIGITS:
        raise ValueError(_("This number is far too large: %(value)s") % {"value": f"{number:.6g}"})
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValueError(
            _("At most %(places)s decimal places: %(value)s") % {"places": places, "value": number}
        )
    return number.quantize(Decimal(1).scaleb(-places))


class ChoiceLabels(Mapping):
    """Every label a person may type for a model's choices → the stored value.

    The labels as the pages show them in each language, then the codes themselves, so a
    ledger written from the Chinese or the English screen reads the same. Worked out on
    first use (translations are not ready when a module's columns are declared).
    """

    def __init__(self, choices, extra: dict[str, str] | None = None, languages=("zh-hans", "en")):
        self._choices = choices
        self._extra = extra or {}
        self._languages = languages
        self._found: dict[str, str] | None = None

    @property
    def found(self) -> dict[str, str]:
        if self._found is None:
            from django.utils import translation

            found: dict[str, str] = {}
            for language in self._languages:
                with translation.override(language):
                    for value, label in self._choices:
                        found.setdefault(str(label), value)
            for label, value in self._extra.items():
                found.setdefault(label, value)
            for value, _label in self._choices:
                found.setdefault(value, value)
            self._found = found
        return self._found

    def label_of(self, value: str) -> str:
        """The label of a stored value in the reader's language."""
        return str(dict(self._choices).get(value, value))

    def __getitem__(self, key: str) -> str:
        return self.found[key]

    def __iter__(self):
        return iter(self.found)

    def __len__(self) -> int:
        return len(self.found)


def choice_labels(choices, extra: dict[str, str] | None = None) -> ChoiceLabels:
    """The labels (Chinese, English, extra short forms) and codes of a model's choices."""
    return ChoiceLabels(choices, extra)


def closest(value: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a mistyped name, for 'did you mean …?'."""
    found = process.extractOne(value, list(candidates), score_cutoff=40)
    return found[0] if found else None


def unknown_name(what: str, value: str, candidates: Iterable[str]) -> str:
    """'No … called “x”', with the closest name the user may have meant."""
    guess = closest(value, candidates)
    names = {"what": what, "value": value, "guess": guess}
    if guess:
        return _("No %(what)s called “%(value)s”. Did you mean “%(guess)s”?") % names
    return _("No %(what)s called “%(value)s”.") % names


def repeated_rows(rows: list[ParsedRow], key, column: str) -> list[RowError]:
    """The rows of a file that repeat an earlier row's record (``key(values)``; None skips)."""
    seen: dict[Any, int] = {}
    errors = []
    for row in rows:
        try:
            k = key(row.values)
        except (KeyError, AttributeError):
            continue  # a row with unreadable cells is already reported; nothing to compare
        if k is None:
            continue
        if k in seen:
            message = _("The same record as row %(row)s of this file.") % {"row": seen[k]}
            errors.append(RowError(row.row, column, message))
        else:
            seen[k] = row.row
    return errors


# Every importer by its kind ("tasks.importers.TaskImporter"): a job worker finds the
# importer of a stored upload here (each app imports its importers in AppConfig.ready).
IMPORTERS: dict[str, type[Importer]] = {}


class Importer:
    """Base of every Excel import; subclasses set ``columns`` and write ``save_row``."""

    title = gettext_lazy("Import")
    columns: list[Column] = []
    # The list's table: its column headers (in every language) are read as well, so the
    # list's own Excel export imports back unchanged.
    table_class: type | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        IMPORTERS[cls.kind()] = cls

    @classmethod
    def kind(cls) -> str:
        return f"{cls.__module__}.{cls.__name__}"

    def __init__(self, *, user, community=None, on_row=None):
        self.user = user
        self.community = community
        # Called once for each row read and once for each row saved (a job's progress).
        self.on_row = on_row or (lambda: None)

    # The template -------------------------------------------------------------
    def template_bytes(self) -> bytes:
        wb = Workbook()
        ws = wb.active
        ws.title = str(self.title)[:31]
        ws.append([self.header_label(c) for c in self.columns])
        ws.append([c.example for c in self.columns])
        for index, column in enumerate(self.columns, start=1):
            ws.cell(row=1, column=index).font = Font(bold=True)
            letter = ws.cell(row=1, column=index).column_letter
            ws.column_dimensions[letter].width = max(12, len(column.header) * 2 + 6)
        ws.freeze_panes = "A2"
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    def header_label(self, column: Column) -> str:
        return f"{column.header}{'' if column.required else _('(optional)')}"

    # Reading ------------------------------------------------------------------
    def parse(self, data: bytes, filename: str, sheet: str | None = None) -> ParseResult:
        """Read and check every row; raises ImportRefused for a file refused whole.

        The header is looked for in the first rows of the sheet (a ledger has a title and
        a blank row above it); with several sheets and none named, the first sheet with
        the header is read. Subtotal and total rows are skipped with a note.
        """
        if not filename.lower().endswith(".xlsx"):
            raise ImportRefused(_("Only Excel .xlsx files can be imported."))
        try:
            with workbooks.Workbook(data, max_rows=MAX_ROWS + HEADER_SEARCH_ROWS) as book:
                return self._parse_book(book, sheet)
        except workbooks.WorkbookRefused as refusal:
            raise ImportRefused(str(refusal)) from None

    def _parse_book(self, book: workbooks.Workbook, sheet_name: str | None) -> ParseResult:
        candidates = [sheet_name] if sheet_name else book.sheet_names
        first_refusal = None
        for name in candidates:
            sheet = book.sheet(name)
            rows = sheet.rows()
            try:
                header_row, positions = self._find_header(rows)
            except ImportRefused as refusal:
                first_refusal = first_refusal or refusal
                continue
            result = self._parse_rows(rows, positions)
            result.sheet, result.sheets, result.header_row = (
                sheet.title,
                book.sheet_names,
                header_row,
            )
            return result
        raise first_refusal  # every sheet was tried; the first sheet's reason is given

    def _find_header(self, rows) -> tuple[int, dict[str, int]]:
        """The header row among the first HEADER_SEARCH_ROWS rows, and each column's place."""
        best: tuple[int, list[str]] | None = None
        for number, cells in rows:
            positions, missing = self._map_header(cells)
            if not missing:
                return number, positions
            matched = len(positions)
            if best is None or matched > best[0]:
                best = (matched, missing)
            if number >= HEADER_SEARCH_ROWS:
                break
        missing = best[1] if best else [c.header for c in self.columns if c.required]
        raise ImportRefused(
            _(
                "Required column missing: %(columns)s (looked for in the first %(n)s rows). "
                "Download the template to see them all."
            )
            % {"columns": "、".join(missing), "n": HEADER_SEARCH_ROWS}
        )

    def _parse_rows(self, rows, positions: dict[str, int]) -> ParseResult:
        parsed: list[ParsedRow] = []
        errors: list[RowError] = []
        skipped: list[RowError] = []
        # Counted before any row is checked: a file past the limit is refused at once.
        kept: list[tuple[int, list]] = []
        for number, cells in rows:
            self.on_row()
            texts = [normalise(cell) for cell in cells]
            if all(text == "" for text in texts):
                continue
            total = subtotal_label(texts)
            if total:
                skipped.append(
                    RowError(number, "", _("A %(label)s row, skipped.") % {"label": total})
                )
                continue
            if len(kept) >= MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"}
                )
            kept.append((number, cells))
        for number, cells in kept:
            row_errors: list[RowError] = []
            values: dict[str, Any] = {}
            for column in self.columns:
                index = positions.get(column.key)
                raw = cells[index] if index is not None and index < len(cells) else None
                try:
                    values[column.key] = self._read(column, raw)
                except ValueError as exc:
                    row_errors.append(RowError(number, column.header, str(exc)))
                except (ArithmeticError, TypeError):  # a cell of a type no column expects
                    message = _("This value cannot be read: %(value)s") % {
                        "value": normalise(raw)[:50]
                    }
                    row_errors.append(RowError(number, column.header, message))
            if not row_errors:
                for column_header, message in self.clean_row(values):
                    row_errors.append(RowError(number, column_header, message))
            errors.extend(row_errors)
            parsed.append(ParsedRow(number, values, self.display(values)))
        if not parsed and not errors:
            raise ImportRefused(_("The file has no rows to import."))
        errors.extend(self.clean_all(parsed))
        return ParseResult(parsed, errors, skipped=skipped)

    @classmethod
    def export_headers(cls) -> dict[str, set[str]]:
        """The list table's header of each column, in Chinese and English, by column key."""
        cached = cls.__dict__.get("_export_headers")
        if cached is not None:
            return cached
        from django.utils import translation

        found: dict[str, set[str]] = {}
        if cls.table_class is not None:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    # An empty queryset, not a list: headers come from the model's fields.
                    table = cls.table_class(cls.table_class._meta.model._default_manager.none())
                    for column in cls.columns:
                        if column.key in table.base_columns:
                            header = table.columns[column.key].header
                            found.setdefault(column.key, set()).add(header_text(header))
        cls._export_headers = found
        return found

    def _map_header(self, header: Iterable[Any]) -> tuple[dict[str, int], list[str]]:
        """Each column's place in a header row, and the required columns it lacks."""
        found = {}
        labels = [header_text(h) for h in header]
        exported = self.export_headers()
        for column in self.columns:
            names = {header_text(column.header), *(header_text(a) for a in column.aliases)}
            names |= exported.get(column.key, set())
            for index, label in enumerate(labels):
                if label in names:
                    found[column.key] = index
                    break
        missing = [c.header for c in self.columns if c.required and c.key not in found]
        return found, missing

    def _read(self, column: Column, raw: Any) -> Any:
        # "—" is how the lists show (and export) an empty cell.
        empty = raw is None or normalise(raw) in ("", "—", "–")
        if empty:
            if column.required:
                raise ValueError(_("This column is required."))
            return None
        if column.kind == DATE:
            day = parse_date(raw)
            first, last = bounds.date_range()
            if not first <= day <= last:
                raise ValueError(bounds.date_message(day))
            return day
        if column.kind in (MONEY, DECIMAL, INTEGER):
            number = parse_decimal(raw, 0 if column.kind == INTEGER else 2)
            low, high = column.bounds()
            if column.kind == MONEY and number <= 0:
                raise ValueError(_("The amount must be more than zero."))
            if not low <= number <= high:
                raise ValueError(
                    _("%(value)s is outside the allowed range, %(low)s to %(high)s.")
                    % {"value": f"{number:,}", "low": f"{low:,}", "high": f"{high:,}"}
                )
            return int(number) if column.kind == INTEGER else number
        if column.kind == CHOICE:
            text = normalise(raw)
            choices = {normalise(k): v for k, v in (column.choices or {}).items()}
            if text not in choices:
                raise ValueError(
                    _("“%(value)s” is not one of: %(choices)s")
                    % {"value": text, "choices": "、".join(choices)}
                )
            return choices[text]
        # Free text keeps its own characters (Chinese punctuation such as （）and ，stays
        # full-width); only runs of spaces, full-width ones too, are collapsed and trimmed.
        text = re.sub(r"\s+", " ", str(raw)).strip()
        if column.max_length and len(text) > column.max_length:
            raise ValueError(
                _("At most %(n)s characters (this has %(len)s).")
                % {"n": column.max_length, "len": len(text)}
            )
        return text

    # Hooks for subclasses ------------------------------------------------------
    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        """Look up names, check duplicates; return (column header, message) problems."""
        return []

    def clean_all(self, rows: list[ParsedRow]) -> list[RowError]:
        """Checks across rows (e.g. the same record twice in the file)."""
        return []

    def display(self, values: dict[str, Any]) -> dict[str, str]:
        """How each value will be saved, as text for the preview."""
        shown = {}
        for column in self.columns:
            value = values.get(column.key)
            if value is None:
                shown[column.key] = ""
            elif column.kind == MONEY or column.money:
                from committee.tables import format_money

                shown[column.key] = format_money(value)
            elif isinstance(column.choices, ChoiceLabels):
                shown[column.key] = column.choices.label_of(value)
            elif column.kind == CHOICE:
                labels: dict[str, str] = {}
                for label, stored in (column.choices or {}).items():
                    labels.setdefault(stored, label)  # the first label given is the one shown
                shown[column.key] = labels.get(value, str(value))
            else:
                shown[column.key] = str(value)
        return shown

    def preview_groups(self, result: ParseResult) -> list[PreviewGroup]:
        """The preview's tables: one for most imports, one per kind of record for a ledger."""
        return [PreviewGroup("", self.columns, result.rows)]

    def save_row(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    # Saving -------------------------------------------------------------------
    def save(self, result: ParseResult) -> int:
        """Save every row in one transaction; nothing is saved when any row fails.

        ``save_row`` raises ValidationError for a row its service refuses; every such
        row is reported (ImportFailed) and the whole transaction is rolled back.
        """
        if not result.ok:
            raise ImportFailed(result.errors)
        errors: list[RowError] = []
        with transaction.atomic():
            for row in result.rows:
                self.on_row()
                try:
                    with transaction.atomic():
                        self.save_row(row.values)
                except ValidationError as exc:
                    errors.append(RowError(row.row, "", "；".join(exc.messages)))
            if errors:
                raise ImportFailed(errors)  # leaving the block rolls every row back
        return len(result.rows)
