import re
import subprocess
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from committee.charts import bar_chart, chart_css, line_chart


def test_charts_are_self_contained_svg_with_values_printed():
    svg = bar_chart(
        "工时",
        ["1月", "2月"],
        [("政务性", [Decimal("10.5"), 12]), ("事务性", [3, 4])],
        stacked=True,
    )
    assert svg.startswith("<svg")
    # Nothing is fetched: no script, no link to anything outside (xmlns and comments aside).
    assert "<script" not in svg
    refs = set(re.findall(r'(?:href|src)="([^"#][^"]*)"', svg))
    assert not refs
    for text in ("工时", "政务性", "事务性", "10.50", "12"):
        assert text in svg


def test_line_chart_names_each_series():
    svg = line_chart("趋势", ["1月", "2月", "3月"], [("爱国社区", [1, 2, None])])
    assert "爱国社区" in svg and "<script" not in svg


def test_charts_carry_no_inline_style_for_the_content_security_policy():
    svg = bar_chart("工时", ["1月"], [("政务性", [1]), ("事务性", [2])])
    assert "<style" not in svg
    assert " style=" not in svg
    assert 'class="pygal-chart"' in svg


def test_the_static_chart_stylesheet_is_pygals_own():
    """static/css/charts.css is chart_css() written out; after a pygal upgrade or a change
    of STYLE, rewrite it with
    .venv/bin/python -c "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] =
    'committee.settings'; django.setup(); from committee.charts import chart_css;
    open('static/css/charts.css', 'w').write(chart_css())"
    """
    assert (settings.BASE_DIR / "static/css/charts.css").read_text() == chart_css()
    assert "svg.pygal-chart .color-0" in chart_css()
    assert "#chart-" not in chart_css()
    # CSS, not the SVG's XML text: "&gt;" would drop the rule that paints the plot white.
    assert ".graph > .background{fill:white}" in chart_css()
    assert "&gt;" not in chart_css()


def test_pages_link_the_chart_stylesheet(as_user, staff_a):
    page = as_user(staff_a).get(reverse("committee:community_list")).content.decode()
    assert "css/charts.css" in page


def test_a_chart_in_a_pdf_is_drawn_in_its_colours_not_as_a_black_box(tmp_path):
    """WeasyPrint styles only the HTML with the document's stylesheet: an inline chart
    printed as a black rectangle. The PDF's chart is an image carrying its own styles."""
    from django.template import Context, Template
    from PIL import Image

    from committee.pdf import write_pdf

    svg = bar_chart("工时", ["1月", "2月"], [("政务性", [3, 12])])
    body = Template("{% load juwei %}{{ svg|chart_image }}").render(Context({"svg": svg}))
    assert body.startswith(
        '<p class="chart-title">工时</p><img class="chart-image" alt="工时: 政务性: 1月 3, 2月 12"'
    )
    assert "<svg" not in body

    (tmp_path / "chart.pdf").write_bytes(write_pdf(f"<body>{body}</body>"))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-singlefile", "chart.pdf", "chart"],
        cwd=tmp_path,
        check=True,
    )
    image = Image.open(tmp_path / "chart.png").convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    black = sum(n for n, rgb in colours if max(rgb) < 40)
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 110 and b < 110)  # #b3261e
    assert black < image.width * image.height * 0.05
    assert red > 50


def _pixels(tmp_path, name: str, svg: str):
    """The SVG drawn by WeasyPrint as an image in a PDF, then as pixels (poppler)."""
    import base64

    from PIL import Image
    from weasyprint import HTML

    data = base64.b64encode(svg.encode()).decode()
    html = (
        f'<body style="margin:0"><img style="width:180mm" src="data:image/svg+xml;base64,{data}">'
    )
    (tmp_path / f"{name}.pdf").write_bytes(HTML(string=html).write_pdf())
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", f"{name}.pdf", name],
        cwd=tmp_path,
        check=True,
    )
    return Image.open(tmp_path / f"{name}.png").convert("RGB")


def test_a_flattened_chart_prints_exactly_as_with_its_stylesheet(tmp_path):
    """flat_svg sets the print stylesheet's declarations on the nodes and drops the
    stylesheet: the PDF's picture must not change by a pixel."""
    from PIL import ImageChops

    from committee.charts import flat_svg, print_css, waterfall

    for svg in (
        bar_chart("工时", ["1月", "2月"], [("政务性", [3, 12]), ("事务性", [5, 1])], stacked=True),
        line_chart(
            "趋势", ["1月", "2月", "3月"], [("爱国社区", [1, 2, None]), ("和平", [2, 0, 1])]
        ),
        bar_chart("按部门", ["民政", "城管"], [("任务", [4, 9])], horizontal=True),
        waterfall("从拨款到缺口", [("拨款", Decimal("15000")), ("支出", Decimal("-9500.5"))]),
    ):
        styled = svg.replace(">", f"><style><![CDATA[{print_css()}]]></style>", 1)
        flat = flat_svg(svg)
        assert "<style" not in flat and "class=" not in flat
        assert 'fill="#b3261e"' in flat  # the first series' colour, as an attribute
        assert (
            ImageChops.difference(
                _pixels(tmp_path, "styled", styled), _pixels(tmp_path, "flat", flat)
            ).getbbox()
            is None
        )


def test_a_chart_is_one_image_with_a_title_and_its_figures_described():
    svg = bar_chart("工时", ["1月", "2月"], [("政务性", [3, 12])])
    assert svg.startswith('<svg role="img"')
    assert "<title>工时</title><desc>政务性: 1月 3, 2月 12</desc>" in svg


def test_counts_get_whole_number_ticks_and_amounts_do_not_need_to():
    from committee.charts import _integer_ticks

    assert _integer_ticks([("a", [1, 3])]) == [0, 1, 2, 3]
    assert _integer_ticks([("a", [0, 23])]) == [0, 5, 10, 15, 20, 25]
    assert _integer_ticks([("a", [Decimal("2.5")])]) is None


def y_ticks(svg: str) -> list[str]:
    axis = svg[svg.index('class="axis y') :]
    return re.findall(r"<text[^>]*>([^<]*)</text>", axis[: axis.index("</g></g>")])


def test_stacked_counts_get_whole_ticks_up_to_the_tallest_stack():
    svg = bar_chart("任务", ["1月", "2月"], [("a", [4, 1]), ("b", [3, 1])], stacked=True)
    assert y_ticks(svg) == ["0", "2", "4", "6", "8"]


def _unmarked(svg: str) -> str:
    return re.sub(r"chart-[0-9a-f-]{36}", "chart-", str(svg))


def _percent(value: float) -> str:
    return f"{value}%"


def test_a_chart_drawn_again_is_the_same_drawing_with_a_fresh_id():
    """Charts are kept per process under everything they are drawn from (a dashboard
    after a write draws mostly the same ones): exact, but for pygal's random id."""
    from committee import charts

    drawings = [
        lambda: bar_chart("任务", ["1月", "2月"], [("a", [4, 1]), ("b", [3, 1])], stacked=True),
        lambda: bar_chart("任务", ["1月", "2月"], [("a", [4, 1]), ("b", [3, 2])], stacked=True),
        lambda: bar_chart("金额", ["1月", "2月"], [("a", [Decimal(4), Decimal(1)])]),
        lambda: bar_chart("金额", ["1月", "2月"], [("a", [4, 1])]),  # counts: whole ticks
        lambda: bar_chart("金额", ["1月", "2月"], [("a", [4, 1])], horizontal=True),
        lambda: line_chart("趋势", ["1月", "2月"], [("x", [0.5, None])], formatter=_percent),
        lambda: charts.waterfall("缺口", [("拨款", Decimal("10.50")), ("缺口", Decimal("-2"))]),
    ]
    charts.clear_cache()
    first = [draw() for draw in drawings]
    kept = [draw() for draw in drawings]
    charts.clear_cache()
    again = [draw() for draw in reversed(drawings)][::-1]
    for one, other, fresh in zip(first, kept, again, strict=True):
        assert _unmarked(other) == _unmarked(one) == _unmarked(fresh)
        assert (
            re.search(r"chart-[0-9a-f-]{36}", str(one)).group()
            != re.search(r"chart-[0-9a-f-]{36}", str(other)).group()
        )


def test_a_formatter_that_closes_over_a_value_draws_each_time():
    from committee import charts

    def formatter(unit):
        return lambda v: f"{v}{unit}"

    charts.clear_cache()
    for unit in ("元", "人"):
        svg = bar_chart("x", ["a"], [("s", [Decimal("2.5")])], formatter=formatter(unit))
        assert f"2.5{unit}" in svg


def test_charts_draw_as_with_pygals_own_attribute_lookup(monkeypatch):
    from pygal.graph.base import BaseGraph

    from committee import charts

    def drawn() -> list[str]:
        charts.clear_cache()
        found = [
            bar_chart(
                "工时", ["1月", "2月"], [("政务性", [Decimal("10.5"), 12]), ("事务性", [3, 4])]
            ),
            bar_chart("部门", ["区民政局", "区住建局"], [("任务", [7, 3])], horizontal=True),
            line_chart("趋势", ["01", "02", "03"], [("占比", [10, None, 30.5])]),
        ]
        return [charts._ID.sub("", str(svg)) for svg in found]

    assert BaseGraph.__getattribute__ is charts._graph_attribute
    ours = drawn()
    monkeypatch.setattr(BaseGraph, "__getattribute__", charts._STOCK_GETATTRIBUTE)
    assert drawn() == ours
