"""Hostile and broken .xlsx files, made on the fly (no large binaries in the repository).

``corpus(template)`` takes an import's template (a valid workbook with its headers and one
example row) and returns (name, bytes) pairs: files that are not zips, zips that are not
workbooks, zip bombs, part floods, XML bombs and external entities, malformed parts,
missing parts, millions of blank rows, far-away cells, absurd numbers and dates, odd
strings. Each must be refused, or previewed, quickly and without a server error.
"""

from __future__ import annotations

import io
import struct
import zipfile
from functools import cache
from xml.sax.saxutils import escape

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def package(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def cell(ref: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}" t="n"><v>{value!r}</v></c>'
    if isinstance(value, tuple):  # (type, raw text): whatever a hostile writer puts there
        kind, raw = value
        return f'<c r="{ref}" t="{kind}"><v>{raw}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def row(number: int, values) -> str:
    cells = "".join(cell(f"{letters(i)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def sheet(body: str, prolog: str = "") -> bytes:
    return f'{prolog}<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'.encode()


def with_strings(parts: dict[str, bytes], strings: bytes) -> dict[str, bytes]:
    parts = dict(parts)
    parts[STRINGS] = strings
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/{STRINGS}" ContentType="{STRINGS_TYPE}"/></Types>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId99" Type="{STRINGS_REL}" Target="sharedStrings.xml"/>'
        "</Relationships>",
    ).encode()
    return parts


@cache
def zip_bomb(size: int = 128 * 1024 * 1024) -> bytes:
    """A workbook with shared strings that unpack to ``size`` bytes of one letter.

    Made once for every import: it is refused before any header is read.
    """
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    parts = with_strings(parts_of(buffer.getvalue()), b"")
    parts.pop(STRINGS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open(STRINGS, "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return buffer.getvalue()


def lying_sizes(data: bytes, declared: int = 100) -> bytes:
    """A zip whose directory understates every part's size (the data inflates past it)."""
    out = bytearray(data)
    position = 0
    while (position := out.find(b"PK\x01\x02", position)) != -1:
        struct.pack_into("<I", out, position + 24, declared)
        position += 4
    position = 0
    while (position := out.find(b"PK\x03\x04", position)) != -1:
        struct.pack_into("<I", out, position + 22, declared)
        position += 4
    return bytes(out)


def corpus(template: bytes) -> list[tuple[str, bytes]]:
    base = parts_of(template)
    header_row = base[SHEET].split(b'<row r="1"', 1)[1].split(b"</row>", 1)[0]
    header = f'<row r="1"{header_row.decode()}</row>'
    example_row = base[SHEET].split(b'<row r="2"', 1)[1].split(b"</row>", 1)[0].decode()
    example = f'<row r="2"{example_row}</row>'
    width = header.count("<c ")

    def replaced(**changes: bytes | None) -> bytes:
        parts = dict(base)
        for name, content in changes.items():
            key = {"sheet": SHEET, "workbook": "xl/workbook.xml", "types": "[Content_Types].xml"}
            key.update(styles="xl/styles.xml", rels="xl/_rels/workbook.xml.rels")
            path = key[name]
            if content is None:
                parts.pop(path)
            else:
                parts[path] = content
        return package(parts)

    def rows_of(values) -> bytes:
        return sheet_file(base, header + row(2, list(values)))

    files: list[tuple[str, bytes]] = [
        ("empty", b""),
        ("text", "日期,金额\n2026-01-01,5\n".encode()),
        ("html", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        ("ole-xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096),
        ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"),
        ("random", bytes(range(256)) * 40),
        ("truncated-zip", template[: len(template) // 2]),
        ("truncated-directory", template[:-30]),
        ("zip-of-nothing", package({})),
        ("zip-of-text", package({"readme.txt": b"hello"})),
        ("stored-not-deflated", package(base, zipfile.ZIP_STORED)),
        ("missing-content-types", replaced(types=None)),
        ("missing-workbook", replaced(workbook=None)),
        ("missing-sheet-part", replaced(sheet=None)),
        ("missing-styles", replaced(styles=None)),
        ("missing-rels", replaced(rels=None)),
        ("empty-strings-part", package(with_strings(base, b""))),
        ("lying-sizes", lying_sizes(template)),
        ("zip-bomb-strings", zip_bomb()),
        ("part-flood", package({**base, **{f"xl/media/p{i}.bin": b"" for i in range(5_000)}})),
        ("too-many-sheets", _many_sheets(base, 60)),
        ("header-only", sheet_file(base, header)),
        ("no-header", sheet_file(base, row(1, ["x"] * width) + row(2, ["y"] * width))),
        ("blank-rows-bomb", sheet_file(base, header + '<row r="3000000"/>')),
        ("blank-row-elements", sheet_file(base, header + '<row r="2"/>' * 200_000)),
        ("far-away-cell", sheet_file(base, header + '<row r="2"><c r="XFD2"><v>1</v></c></row>')),
        (
            "wide-rows",
            sheet_file(
                base,
                header
                + "".join(f'<row r="{n}">{"<c><v>1</v></c>" * 300}</row>' for n in range(2, 2000)),
            ),
        ),
        ("many-rows", sheet_file(base, header + "".join(row(n, ["x"]) for n in range(2, 12_000)))),
        ("deep-nesting", sheet_file(base, header + "<x>" * 50_000 + "</x>" * 50_000)),
    ]
    for target, label in ((SHEET, "sheet"), ("xl/workbook.xml", "workbook")):
        original = base[target].decode()
        for attack, prolog, entity in (("laughs", LAUGHS, "&lol9;"), ("xxe", XXE, "&xxe;")):
            files.append(
                (f"{attack}-declared-{label}", replaced_part(base, target, prolog + original))
            )
            used = original.replace("<t>", f"<t>{entity}", 1).replace(
                'name="', f'name="{entity}', 1
            )
            files.append((f"{attack}-used-{label}", replaced_part(base, target, prolog + used)))
        for cut in (10, len(original) // 3, len(original) - 5):
            files.append((f"cut-{label}-{cut}", replaced_part(base, target, original[:cut])))
        files.append((f"garbage-{label}", replaced_part(base, target, "\x00\xff<<<>>>&&&")))
        files.append(
            (f"wrong-encoding-{label}", replaced_part(base, target, original, "utf-16-le"))
        )
    files.append(("laughs-strings", package(with_strings(base, (LAUGHS + "<sst/>").encode()))))
    files.append(("xxe-strings", package(with_strings(base, (XXE + "<sst/>").encode()))))
    files.append(("laughs-styles", replaced_part(base, "xl/styles.xml", LAUGHS + "<styleSheet/>")))
    files.append(("laughs-types", replaced_part(base, "[Content_Types].xml", LAUGHS + "<Types/>")))
    files.append(("bad-shared-index", sheet_file(base, header + row(2, [("s", "999999")]))))
    values = [
        1e26,
        -1e26,
        1.7976931348623157e308,
        5e-324,
        ("n", "1E+400"),
        ("n", "NaN"),
        ("n", "-INF"),
        ("n", "not a number"),
        ("b", "1"),
        ("e", "#DIV/0!"),
        ("d", "9999-12-31T00:00:00"),
        ("d", "0001-01-01"),
        ("d", "garbage"),
        ("str", "=cmd|' /C calc'!A0"),
        "1e26",
        "99999999999999999999999999999",
        "¥999,999,999,999.99",
        "-0.001",
        "Infinity",
        "NaN",
        "0001-01-01",
        "2173-05-05",
        "9999-12-31",
        "1899-12-31",
        "0000-00-00",
        "2026年13月40日",
        "2026-02-30",
        0,
        -1,
        2958466,
        10**30,
        "\x00\x01\x02",
        "\u202e\u202d",
        "x" * 32_767,
        "𠮷" * 5_000,
        "  ",
    ]
    for index, value in enumerate(values):
        files.append(
            (f"value-{index}-everywhere", sheet_file(base, sheet_rows(header, value, width)))
        )
    for index, value in enumerate(values[:12]):
        files.append(
            (
                f"value-{index}-in-example",
                sheet_file(base, header + _example_with(example, value)),
            )
        )
    files.append(("header-then-subtotals", sheet_file(base, header + row(2, ["合计"] * width))))
    files.append(("rows-out-of-order", sheet_file(base, header + row(9, ["x"]) + row(3, ["y"]))))
    files.append(("repeated-row-numbers", sheet_file(base, header + row(2, ["x"]) * 50)))
    files.append(
        ("negative-row", sheet_file(base, header + '<row r="-5"><c r="A-5"><v>1</v></c></row>'))
    )
    files.append(("row-zero", sheet_file(base, header + '<row r="0"><c r="A0"><v>1</v></c></row>')))
    files.append(
        ("bad-cell-ref", sheet_file(base, header + '<row r="2"><c r="!!"><v>1</v></c></row>'))
    )
    files.append(("huge-row-number", sheet_file(base, header + '<row r="99999999999999999999"/>')))
    files.append(
        ("cell-without-ref", sheet_file(base, header + '<row r="2"><c><v>1</v></c></row>'))
    )
    files.append(("one-row-of-letters", rows_of(["a"] * width)))
    return files


def sheet_file(base: dict[str, bytes], body: str) -> bytes:
    return package({**base, SHEET: sheet(body)})


def sheet_rows(header: str, value, width: int) -> str:
    return header + "".join(row(n, [value] * width) for n in range(2, 5))


def replaced_part(base: dict[str, bytes], name: str, text: str, encoding: str = "utf-8") -> bytes:
    return package({**base, name: text.encode(encoding, "surrogatepass")})


def _example_with(example: str, value) -> str:
    first_cell_end = example.find("</c>") + 4
    return example[: example.find("<c ")] + cell("A2", value) + example[first_cell_end:]


def _many_sheets(base: dict[str, bytes], count: int) -> bytes:
    workbook = base["xl/workbook.xml"].decode()
    rels = base["xl/_rels/workbook.xml.rels"].decode()
    types = base["[Content_Types].xml"].decode()
    sheets, relationships, overrides, parts = "", "", "", dict(base)
    for i in range(2, count + 2):
        sheets += f'<sheet xmlns:r="{RELS}" name="S{i}" sheetId="{i}" r:id="rIdS{i}"/>'
        relationships += (
            f'<Relationship Id="rIdS{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
        )
        overrides += (
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        parts[f"xl/worksheets/sheet{i}.xml"] = sheet("")
    parts["xl/workbook.xml"] = workbook.replace("</sheets>", sheets + "</sheets>").encode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>", relationships + "</Relationships>"
    ).encode()
    parts["[Content_Types].xml"] = types.replace("</Types>", overrides + "</Types>").encode()
    return package(parts)
