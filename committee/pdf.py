"""PDF documents drawn with WeasyPrint from the same templates and numbers as the pages.

A4, the reader's language, page numbers (第 N 页 / 共 M 页), Chinese fonts embedded
(Noto Sans CJK from Debian's fonts-noto-cjk; scripts/system-packages.sh installs it),
charts as the same server-drawn SVG as on screen (``committee.charts.as_image``).

WeasyPrint's work is kept to layout (issue 15): its user-agent stylesheet is replaced by
``pdf_css/ua.css``, the same rules cut to the elements our PDF templates use
(``LEAN_TAGS``), parsed once per process. WeasyPrint matches every user-agent rule
against every element; on a yearly report that cascade cost more than the layout of its
text (WeasyPrint on the demo community's report: 1.19 s → 0.98 s CPU).
"""

from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML

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


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return LeanHTML(string=html, base_url=base_url).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
