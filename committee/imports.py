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
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.datetime import from_excel
from rapidfuzz import process

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000

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


@dataclass
class ParseResult:
    rows: list[ParsedRow]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise(text: Any) -> str:
    """Full-width to half-width (NFKC), trimmed, inner runs of spaces collapsed."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", " ", value).strip()


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
    if guess:
        return _("No %(what)s called “%(value)s”. Did you mean “%(guess)s”?") % {
            "what": what,
            "value": value,
            "guess": guess,
        }
    return _("No %(what)s called “%(value)s”.") % {"what": what, "value": value}


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


class Importer:
    """Base of every Excel import; subclasses set ``columns`` and write ``save_row``."""

    title = gettext_lazy("Import")
    columns: list[Column] = []

    def __init__(self, *, user, community=None):
        self.user = user
        self.community = community

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
    def parse(self, data: bytes, filename: str) -> ParseResult:
        """Read and check every row; raises ImportRefused for a file refused whole."""
        if not filename.lower().endswith(".xlsx"):
            raise ImportRefused(_("Only Excel .xlsx files can be imported."))
        if len(data) > MAX_BYTES:
            raise ImportRefused(_("The file is larger than 5 MB."))
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ImportRefused(_("This file cannot be read as an Excel .xlsx workbook.")) from None
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        positions = self._map_header(header or ())
        parsed: list[ParsedRow] = []
        errors: list[RowError] = []
        count = 0
        for number, cells in enumerate(rows, start=2):
            if all(normalise(cell) == "" for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"}
                )
            row_errors: list[RowError] = []
            values: dict[str, Any] = {}
            for column in self.columns:
                index = positions.get(column.key)
                raw = cells[index] if index is not None and index < len(cells) else None
                try:
                    values[column.key] = self._read(column, raw)
                except ValueError as exc:
                    row_errors.append(RowError(number, column.header, str(exc)))
            if not row_errors:
                for column_header, message in self.clean_row(values):
                    row_errors.append(RowError(number, column_header, message))
            errors.extend(row_errors)
            parsed.append(ParsedRow(number, values, self.display(values)))
        wb.close()
        if not parsed and not errors:
            raise ImportRefused(_("The file has no rows to import."))
        errors.extend(self.clean_all(parsed))
        return ParseResult(parsed, errors)

    def _map_header(self, header: Iterable[Any]) -> dict[str, int]:
        found = {}
        labels = [normalise(h).replace("(可选)", "").replace("(optional)", "") for h in header]
        for column in self.columns:
            names = {normalise(column.header), *(normalise(a) for a in column.aliases)}
            for index, label in enumerate(labels):
                if label in names:
                    found[column.key] = index
                    break
        missing = [c.header for c in self.columns if c.required and c.key not in found]
        if missing:
            raise ImportRefused(
                _("Required column missing: %(columns)s. Download the template to see them all.")
                % {"columns": "、".join(missing)}
            )
        return found

    def _read(self, column: Column, raw: Any) -> Any:
        empty = raw is None or normalise(raw) == ""
        if empty:
            if column.required:
                raise ValueError(_("This column is required."))
            return None
        if column.kind == DATE:
            return parse_date(raw)
        if column.kind == MONEY:
            amount = parse_decimal(raw, 2)
            if amount <= 0:
                raise ValueError(_("The amount must be more than zero."))
            return amount
        if column.kind == DECIMAL:
            return parse_decimal(raw, 2)
        if column.kind == INTEGER:
            number = parse_decimal(raw, 0)
            return int(number)
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
            elif column.kind == MONEY:
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
                try:
                    with transaction.atomic():
                        self.save_row(row.values)
                except ValidationError as exc:
                    errors.append(RowError(row.row, "", "；".join(exc.messages)))
            if errors:
                raise ImportFailed(errors)  # leaving the block rolls every row back
        return len(result.rows)
