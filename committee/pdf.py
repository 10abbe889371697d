"""PDF documents drawn with WeasyPrint from the same templates and numbers as the pages.

A4, the reader's language, page numbers (第 N 页 / 共 M 页), Chinese fonts embedded
(Noto Sans CJK from Debian's fonts-noto-cjk; scripts/system-packages.sh installs it),
charts as the same server-drawn SVG as on screen (``committee.charts.as_image``).

WeasyPrint's work is kept to layout (issue 15): its user-agent stylesheet is replaced by
``pdf_css/ua.css``, the same rules cut to the elements our PDF templates use
(``LEAN_TAGS``), parsed once per process (WeasyPrint matches every user-agent rule
against every element; on a yearly report that cascade cost more than the layout of its
text); the font configuration is kept from one PDF to the next (``font_config``); a
report's tables are laid out fixed with widths worked out here (``column_widths``).
"""

import copy
import hashlib
import re
import subprocess
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import pydyf
import weasyprint.pdf as weasyprint_pdf
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.pdf import fonts as pdf_fonts
from weasyprint.pdf import stream as pdf_stream
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import FontConfiguration, get_hb_object_data
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_CONTENT_TYPE = "application/pdf"
UA_STYLESHEET = Path(__file__).resolve().parent / "pdf_css" / "ua.css"

# The elements pdf_css/ua.css styles as WeasyPrint's own stylesheet does; a PDF template
# uses no other (tests/committee/test_pdf_ua.py).
LEAN_TAGS = frozenset(
    "a b body br caption col colgroup dd div dl dt em h1 h2 h3 h4 head html i img li meta ol p "  # noqa: SIM905
    "section small span strong style table tbody td tfoot th thead title tr u ul".split()
)


@cache
def _ua_stylesheet() -> CSS:
    return CSS(filename=str(UA_STYLESHEET))


class LeanHTML(HTML):
    """An HTML document that WeasyPrint styles with our cut user-agent stylesheet."""

    def _ua_stylesheets(self, forms=False):
        return [_ua_stylesheet()]


# A PDF table spans A4 less 16 mm margins either side (templates/reports/base_pdf.html).
_PAGE_WIDTH_MM = 178


@cache
def font_file(*, bold: bool = False) -> tuple[str, int] | None:
    """The PDFs' face (Noto Sans CJK SC, as fontconfig finds it): its file and index."""
    name = "Noto Sans CJK SC:bold" if bold else "Noto Sans CJK SC"
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}", name],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
        return found[0], int(found[1] or 0)
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None


@cache
def _font(bold: bool):
    """The PDFs' face to measure text with, at 1,000 units to the em."""
    from PIL import ImageFont

    found = font_file(bold=bold)
    if found is None:
        return None
    try:
        return ImageFont.truetype(found[0], 1000, index=found[1])
    except OSError:
        return None


def pdf_width(text: str, *, bold: bool = False) -> float:
    """The width of `text` in em in the PDFs' face: the sum of its characters' advances."""
    return sum(_advance(c, bold) for c in text)


@lru_cache(maxsize=8192)
def _advance(char: str, bold: bool) -> float:
    """One character's advance in em, measured once (estimated without the face)."""
    font = _font(bold)
    if font is not None:
        return font.getlength(char) / 1000
    return 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.25 if char == " " else 0.55


class Unbroken(str):
    """A cell's text set on one line (white-space: nowrap): it does not break anywhere."""


# Where a line may break: after a space or a hyphen, and around every ideograph.
_PIECES = re.compile(r"[^\s\-\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+-?|\S")


def _widest(text: str, bold: bool) -> float:
    return pdf_width(text, bold=bold)


def _shortest(text: str, bold: bool) -> float:
    """The widest piece of `text` that cannot break: a word, a number, or one ideograph."""
    if isinstance(text, Unbroken):
        return pdf_width(text, bold=bold)
    return max((pdf_width(p, bold=bold) for p in _PIECES.findall(text)), default=0.0)


def column_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    font_pt: float = 9.5,
    padding_mm: float = 4.6,
    bold_first: bool = False,
) -> list[float]:
    """Each column's share of a full-width table (percent), as CSS's automatic table layout
    would give it (at least its widest unbreakable piece, the rest by what its text needs),
    worked out here so that WeasyPrint lays the table out fixed, without measuring every
    cell twice first."""
    columns = list(zip(headers, *rows, strict=False)) if headers else list(zip(*rows, strict=False))
    if not columns:
        return []
    em_mm = font_pt * 25.4 / 72
    pad = padding_mm / em_mm
    # Header cells are bold, and so is a first column of row headers (bold_first).
    bold = [bool(headers)] + [False] * len(rows)
    faces = [[b or (bold_first and n == 0) for b in bold] for n in range(len(columns))]
    most = [max(map(_widest, c, f)) for c, f in zip(columns, faces, strict=True)]
    least = [max(map(_shortest, c, f)) for c, f in zip(columns, faces, strict=True)]
    most = [w + pad for w in most]
    least = [w + pad for w in least]
    room = _PAGE_WIDTH_MM / em_mm
    if sum(most) <= room:
        widths = most
    elif sum(least) >= room:
        # No room even for the unbreakable pieces: the table gets wider than the page, as
        # with the automatic layout.
        return [round(100 * w / room, 2) for w in least]
    else:
        spare = room - sum(least)
        stretch = sum(m - n for m, n in zip(most, least, strict=True)) or 1
        widths = [n + spare * (m - n) / stretch for m, n in zip(most, least, strict=True)]
    total = sum(widths)
    return [round(100 * w / total, 2) for w in widths]


_threads = threading.local()


def font_config() -> FontConfiguration:
    """This thread's WeasyPrint font configuration, kept from one PDF to the next.

    A new one per document (WeasyPrint's default) makes Pango find, open and read the
    faces again for every PDF; our templates add no @font-face, so nothing in it belongs
    to one document. Per thread, as Pango's font map is not shared between threads.
    """
    found = getattr(_threads, "font_config", None)
    if found is None:
        found = _threads.font_config = FontConfiguration()
        _threads.faces = {}  # its faces (KeptFont), which live as long as it
    return found


# Faces embedded once (issue 15: "subset fonts once"). For every document WeasyPrint reads
# each face's whole file out of HarfBuzz (Noto Sans CJK's collection is 20 MB: ~80 ms a
# face) and subsets it to the glyphs used (~70 ms a face), though our documents embed the
# same two faces, mostly with the same glyphs. Inside write_pdf a face is read once per
# thread (beside the font configuration it comes from) and each document gets its own
# copy of it; a subset of the same glyphs of the same face is made once per process.
# Other documents (tests, benchmarks' floors) get WeasyPrint's own Font.
_STOCK_FONT = pdf_fonts.Font
_SUBSETS: OrderedDict[tuple, bytes] = OrderedDict()
_SUBSETS_LOCK = threading.Lock()
_MOST_SUBSETS = 32  # a CJK subset of a report is ~100–300 kB


class KeptFont(_STOCK_FONT):
    """WeasyPrint's Font, its file read when needed (a kept subset needs none of it)."""

    _content = None
    _whole = None

    @property
    def file_content(self):
        if self._content is None:
            self._content = self._whole = get_hb_object_data(self.hb_face)
        return self._content

    @file_content.setter
    def file_content(self, value):
        self._content = value

    def for_document(self) -> "KeptFont":
        """A copy with nothing of another document: no glyph used yet, the file unread."""
        font = copy.copy(self)
        font.widths, font.to_unicode, font.missing = {}, {}, {}
        font.variations = dict(self.variations)
        font.used_in_forms = False
        font._content = font._whole = None
        return font

    def subset(self, to_unicode, hinting):
        if not to_unicode:
            return
        key = (
            self.name,
            self.index,
            self.glyph_count,
            bool(hinting),
            bool(self.missing),
            tuple(sorted(to_unicode)),
        )
        with _SUBSETS_LOCK:
            found = _SUBSETS.get(key)
            if found is not None:
                _SUBSETS.move_to_end(key)
        if found is not None:
            self.file_content = found
            return
        super().subset(to_unicode, hinting)
        made = self._content
        if made is not None and made is not self._whole:
            with _SUBSETS_LOCK:
                _SUBSETS[key] = made
                while len(_SUBSETS) > _MOST_SUBSETS:
                    _SUBSETS.popitem(last=False)


def _document_font(pango_font, description, font_size):
    """WeasyPrint's PDF stream asks for a face: our kept one while write_pdf draws."""
    faces = getattr(_threads, "faces", None) if getattr(_threads, "drawing", False) else None
    if faces is None:
        return _STOCK_FONT(pango_font, description, font_size)
    key = (ffi.string(pango.pango_font_description_to_string(description)), font_size)
    kept = faces.get(key)
    if kept is None:
        kept = faces[key] = KeptFont(pango_font, description, font_size)
        kept._content = kept._whole = None  # read again only if a document needs it whole
    return kept.for_document()


if getattr(pdf_stream, "Font", None) is _STOCK_FONT:  # tests/committee/test_pdf.py checks
    pdf_stream.Font = _document_font


# A kept subset's stream compressed once too: pydyf compresses every stream of every
# document at zlib's level 9, and a CJK subset (~800 kB before, ~180 kB after) took
# 12–15 ms a face. The stream written is byte for byte the one pydyf writes.
_COMPRESSED: OrderedDict[int, tuple[bytes, bytes]] = OrderedDict()


def _compressed(content: bytes) -> bytes:
    with _SUBSETS_LOCK:
        found = _COMPRESSED.get(id(content))
        if found is not None and found[0] is content:
            _COMPRESSED.move_to_end(id(content))
            return found[1]
    compressor = zlib.compressobj(level=9)  # as pydyf.Stream.data
    data = compressor.compress(content) + compressor.flush()
    with _SUBSETS_LOCK:
        _COMPRESSED[id(content)] = (content, data)  # the content kept: its id not reused
        while len(_COMPRESSED) > _MOST_SUBSETS:
            _COMPRESSED.popitem(last=False)
    return data


class _KeptFontStream(pydyf.Stream):
    """A font file's stream of one kept subset (``KeptFont.subset``), compressed once."""

    @property
    def data(self):
        extra = pydyf.Dictionary(self.extra.copy())
        extra["Filter"] = "/FlateDecode"
        stream = _compressed(self.stream[0])
        extra["Length"] = len(stream)
        return b"\n".join((extra.data, b"stream", stream, b"endstream"))


_STOCK_FONTS_DICTIONARY = weasyprint_pdf.build_fonts_dictionary


def _fonts_dictionary(pdf, fonts, compress, subset, options):
    """WeasyPrint's fonts of a document, the kept subsets' streams compressed once."""
    before = len(pdf.objects)
    found = _STOCK_FONTS_DICTIONARY(pdf, fonts, compress, subset, options)
    kept = {  # the kept subsets (a whole file, read for one document, is left alone)
        id(f._content)
        for f in fonts.values()
        if isinstance(f, KeptFont) and f._content is not None and f._content is not f._whole
    }
    if compress and kept:
        for added in pdf.objects[before:]:
            if (
                type(added) is pydyf.Stream
                and added.compress
                and len(added.stream) == 1
                and id(added.stream[0]) in kept
            ):
                added.__class__ = _KeptFontStream
    return found


if weasyprint_pdf.build_fonts_dictionary is _STOCK_FONTS_DICTIONARY:
    weasyprint_pdf.build_fonts_dictionary = _fonts_dictionary


# Images drawn for PDFs (the charts, committee.raster), handed to WeasyPrint by URL from
# memory: as data: URIs their base64 text went through WeasyPrint's HTML tokenizer letter
# by letter, which cost more than drawing them. The images of the documents being drawn
# are here; the oldest go past _MOST_DRAWN (a template registers its images, through
# drawn_url, just before WeasyPrint reads them).
_DRAWN: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
_MOST_DRAWN = 64
DRAWN_SCHEME = "juwei-drawn:"


def drawn_url(data: bytes, content_type: str) -> str:
    """A URL for `data` that only committee.pdf's documents can fetch."""
    key = hashlib.sha256(data).hexdigest()[:32]
    with _DRAWN_LOCK:
        _DRAWN[key] = (data, content_type)
        _DRAWN.move_to_end(key)
        while len(_DRAWN) > _MOST_DRAWN:
            _DRAWN.popitem(last=False)
    return DRAWN_SCHEME + key


class _Fetcher(URLFetcher):
    """WeasyPrint's fetcher, which also serves the images of drawn_url from memory."""

    def fetch(self, url, headers=None):
        if url.startswith(DRAWN_SCHEME):
            with _DRAWN_LOCK:
                data, content_type = _DRAWN[url.removeprefix(DRAWN_SCHEME)]
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
        return super().fetch(url, headers)


def write_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """`html` as a PDF: our user-agent stylesheet, kept fonts and faces, drawn images."""
    document = LeanHTML(string=html, base_url=base_url, url_fetcher=_Fetcher())
    config = font_config()
    _threads.drawing = True
    try:
        return document.write_pdf(font_config=config)
    finally:
        _threads.drawing = False


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return write_pdf(html, base_url=base_url)


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
