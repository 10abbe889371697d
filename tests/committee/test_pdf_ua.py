"""PDFs are styled with our cut user-agent stylesheet (committee/pdf_css/ua.css): it must
lay out every element our PDF templates use exactly as WeasyPrint's full one does."""

import re

from django.conf import settings
from weasyprint import HTML

from committee.pdf import LEAN_TAGS, LeanHTML

# Every element of LEAN_TAGS in the places a report puts them, with the report's kinds of
# content (lists, tables with head and foot, links, line breaks, headings).
SAMPLE = """<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>t</title>
<style>@page { size: A5; @bottom-center { content: counter(page) } @top-right { content: "页眉" } }
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: 10pt; }</style></head><body>
<h1>爱国社区 2026 年工作报告</h1><h2>一、基本情况</h2><h3>1. 行政负担</h3><h4>小节</h4>
<section><div><p>段落 <strong>加粗</strong> <b>粗</b> <em>强调</em> <i>斜</i> <u>下划线</u>
<small>小字</small> <span>行内</span><br>换行 <a href="https://example.org/x">链接</a></p></div></section>
<ol><li>第一条</li><li>第二条<ul><li>子项</li></ul></li></ol><ul><li>一项</li></ul>
<dl><dt>名称</dt><dd>说明</dd></dl>
<img alt="" style="width: 20mm; height: 10mm" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E">
<table><caption>表</caption><colgroup><col><col></colgroup>
<thead><tr><th>月份</th><th>工时</th></tr></thead>
<tbody><tr><td>2026-01</td><td>359.50</td></tr><tr><td>2026-02</td><td>321</td></tr></tbody>
<tfoot><tr><th>合计</th><td>680.50</td></tr></tfoot></table>
</body></html>"""


def _boxes(document) -> list[tuple]:
    """Every box of every page: its kind, place and size, its text and how it is drawn."""
    found = []
    drawn = (
        "color",
        "font_size",
        "font_weight",
        "font_style",
        "text_decoration_line",
        "border_top_color",
        "border_top_width",
        "list_style_type",
        "bookmark_level",
    )

    def walk(box, depth):
        found.append(
            (
                depth,
                type(box).__name__,
                round(box.position_x, 2),
                round(box.position_y, 2),
                round(box.width or 0, 2) if isinstance(box.width, (int, float)) else box.width,
                round(box.height or 0, 2) if isinstance(box.height, (int, float)) else box.height,
                getattr(box, "text", None),
                tuple(str(box.style[name]) for name in drawn),
            )
        )
        for child in getattr(box, "children", ()):
            walk(child, depth + 1)

    for page in document.pages:
        walk(page._page_box, 0)
    return found


def test_the_cut_stylesheet_lays_out_every_element_as_weasyprints_own():
    assert set(re.findall(r"<([a-z][a-z0-9]*)", SAMPLE)) == set(LEAN_TAGS)
    ours, theirs = LeanHTML(string=SAMPLE).render(), HTML(string=SAMPLE).render()
    assert len(ours.pages) == len(theirs.pages)
    assert _boxes(ours) == _boxes(theirs)


def _templates_of_pdfs() -> list:
    """Every template a PDF is drawn from: the PDF base, those extending it, their includes."""
    root = settings.BASE_DIR / "templates"
    found = [root / "reports/base_pdf.html"]
    found += [p for p in root.rglob("*.html") if '"reports/base_pdf.html"' in p.read_text()]
    seen = set()
    while found:
        path = found.pop()
        if path in seen:
            continue
        seen.add(path)
        found += [root / name for name in re.findall(r'{% include "([^"]+)"', path.read_text())]
    return sorted(seen)


def test_pdf_templates_use_only_the_elements_the_cut_stylesheet_styles():
    templates = _templates_of_pdfs()
    names = {p.name for p in templates}
    assert {"report.html", "_panel.html", "certificate_pdf.html", "letter_pdf.html"} <= names
    for path in templates:
        used = set(re.findall(r"<([a-z][a-z0-9]*)\b", path.read_text()))
        assert used <= LEAN_TAGS, (path.name, used - LEAN_TAGS)


def test_fixed_columns_are_shared_as_the_automatic_layout_would():
    """column_widths gives a PDF table's columns what WeasyPrint's automatic layout would,
    so that the table can be laid out fixed: text that fits keeps its width, in proportion."""
    from committee.pdf import Unbroken, column_widths, pdf_width

    rows = [["2026-01", "359.50", "68 %"], ["2026-02", "321", "70 %"]]
    widths = column_widths(["月份", "政务性工时", "占比"], rows)
    assert round(sum(widths)) == 100
    assert widths[1] > widths[0] > widths[2]  # 政务性工时 (bold) is the widest
    # Too much text for the page: every column still gets its widest unbreakable piece.
    long = ["Administrative share of staff hours " * 4, "x"]
    widths = column_widths(["a", "b"], [long])
    assert widths[1] >= 100 * (pdf_width("x") + 4.6 / (9.5 * 25.4 / 72)) / (178 / (9.5 * 25.4 / 72))
    # A cell on one line (white-space: nowrap) does not break.
    assert column_widths([], [[Unbroken("政务性工作时占比 " * 8), "1"]])[0] > 100
