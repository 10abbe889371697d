import subprocess
import tempfile
import zlib

import pydyf
from django.template import engines
from django.utils import translation
from weasyprint import HTML

from committee.charts import bar_chart


def render(body: str, lang: str) -> bytes:
    source = '{% extends "reports/base_pdf.html" %}{% block body %}' + body + "{% endblock %}"
    with translation.override(lang):
        html = (
            engines["django"]
            .from_string(source)
            .render({"chart": bar_chart("工时", ["1月"], [("政务性", [3])])})
        )
    return HTML(string=html).write_pdf()


def poppler(tool: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(
            [tool, handle.name, "-"] if tool == "pdftotext" else [tool, handle.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout


def test_pdfs_embed_a_chinese_font_and_number_their_pages():
    data = render(
        "<h1>爱国社区年度报告</h1>{{ chart }}<p style='page-break-before: always'>第二页</p>",
        "zh-hans",
    )
    fonts = poppler("pdffonts", data)
    assert "Noto-Sans-CJK" in fonts or "WenQuanYi" in fonts
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)  # every font embedded
    text = "".join(poppler("pdftotext", data).split())  # pdftotext spaces CJK as it likes
    assert "爱国社区年度报告" in text
    assert "第1页/共2页" in text and "第2页/共2页" in text
    assert "政务性" in text  # the SVG chart's labels are drawn as text


def test_english_readers_get_english_page_numbers():
    text = " ".join(poppler("pdftotext", render("<h1>Report</h1>", "en")).split())
    assert "Page 1 of 1" in text


def test_faces_are_read_and_subset_once_and_embed_as_weasyprints_own(monkeypatch):
    from weasyprint.pdf import fonts, stream
    from weasyprint.text.fonts import FontConfiguration

    from committee import pdf

    assert stream.Font is pdf._document_font  # WeasyPrint still asks for faces there
    html = "<html lang='zh-hans'><body><h1>爱国社区 kept</h1><p>每个字只嵌入一次 12,345.67</p>"
    first = pdf.write_pdf(html)

    def again(*args, **kwargs):
        raise AssertionError("the face was read or subset again")

    monkeypatch.setattr(fonts, "get_hb_object_data", again)
    monkeypatch.setattr(pdf, "get_hb_object_data", again)
    monkeypatch.setattr(fonts.Font, "_harfbuzz_subset", again)
    monkeypatch.setattr(fonts.Font, "_fonttools_subset", again)
    compressed = []
    stock_compressor = zlib.compressobj

    class Compressor:  # what pydyf compresses, kept subsets included
        def __init__(self, *args, **kwargs):
            self.inner = stock_compressor(*args, **kwargs)

        def compress(self, data):
            compressed.append(data)
            return self.inner.compress(data)

        def flush(self):
            return self.inner.flush()

    monkeypatch.setattr(pydyf.zlib, "compressobj", Compressor)
    assert pdf.write_pdf(html) == first
    subsets = list(pdf._SUBSETS.values())
    assert compressed and not any(d is s for d in compressed for s in subsets)  # compressed once
    monkeypatch.undo()
    theirs = pdf.LeanHTML(string=html).write_pdf(font_config=FontConfiguration())
    assert first == theirs  # the same bytes as WeasyPrint's own faces give
    other = pdf.write_pdf(html.replace("kept", "另一份"))  # other glyphs: another subset
    assert "另一份" in "".join(poppler("pdftotext", other).split())
