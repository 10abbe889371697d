"""PDF documents drawn with WeasyPrint from the same templates and numbers as the pages.

A4, the reader's language, page numbers (第 N 页 / 共 M 页), Chinese fonts embedded
(Noto Sans CJK from Debian's fonts-noto-cjk; scripts/system-packages.sh installs it),
charts as the same server-drawn SVG as on screen.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML

PDF_CONTENT_TYPE = "application/pdf"


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    base_url = request.build_absolute_uri("/") if request is not None else None
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
