"""A PDF's chart drawn as pixels by committee.raster looks as WeasyPrint draws its SVG."""

import base64
import io
import subprocess
from decimal import Decimal

import pytest
from PIL import Image, ImageChops, ImageStat

from committee import raster
from committee.charts import bar_chart, flat_svg, line_chart, waterfall

CHARTS = [
    lambda: bar_chart(
        "工时", ["1月", "2月"], [("政务性", [3, 12]), ("事务性", [5, 1])], stacked=True
    ),
    lambda: line_chart(
        "Trend", ["Jan", "Feb", "Mar"], [("爱国社区", [1, 2, None]), ("Peace", [2, 0, 1])]
    ),
    lambda: bar_chart("按部门", ["民政", "城管"], [("任务", [4, 9])], horizontal=True),
    lambda: waterfall("从拨款到缺口", [("拨款", Decimal("15000")), ("支出", Decimal("-9500.5"))]),
]


def _weasyprint_pixels(tmp_path, svg: str) -> Image.Image:
    """The SVG as WeasyPrint draws it, 720 units to 180 mm, as pixels (poppler, 100 dpi)."""
    from weasyprint import HTML

    data = base64.b64encode(svg.encode()).decode()
    html = (
        "<style>@page { margin: 0 } body { margin: 0 }</style>"
        f'<img style="width:180mm" src="data:image/svg+xml;base64,{data}">'
    )
    (tmp_path / "svg.pdf").write_bytes(HTML(string=html).write_pdf())
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", "svg.pdf", "svg"],
        cwd=tmp_path,
        check=True,
    )
    return Image.open(tmp_path / "svg.png").convert("RGB")


@pytest.mark.parametrize("make", CHARTS)
def test_a_drawn_chart_looks_as_weasyprint_draws_its_svg(tmp_path, make):
    flat = flat_svg(make())
    data, titled = raster.draw(flat)
    assert not titled
    drawn = Image.open(io.BytesIO(data))
    assert drawn.format == "JPEG" and drawn.size == (1800, drawn.size[1])
    theirs = _weasyprint_pixels(tmp_path, flat)
    width = round(180 / 25.4 * 100)  # the image's 180 mm at 100 dpi
    theirs = theirs.crop((0, 0, width, round(width * drawn.height / drawn.width)))
    # Compared at a size where a letter is a few pixels: the same shapes in the same places.
    small = (180, round(180 * drawn.height / drawn.width))
    ours, theirs = drawn.convert("RGB").resize(small), theirs.resize(small)
    difference = ImageStat.Stat(ImageChops.difference(ours, theirs).convert("L"))
    assert difference.mean[0] < 4, difference.mean

    # The first series' colour (#b3261e at .7 opacity) covers as much of the picture.
    def red(image):
        colours = image.getcolors(maxcolors=image.width * image.height)
        return sum(n for n, (r, g, b) in colours if r > 180 and g < 140 and b < 140)

    assert abs(red(ours) - red(theirs)) <= max(6, red(theirs) * 0.15)


def test_the_title_is_left_out_with_the_room_above_it():
    flat = flat_svg(bar_chart("工时", ["1月", "2月"], [("政务性", [3, 12])]))
    whole, titled = raster.draw(flat)
    assert not titled
    cut, titled = raster.draw(flat, title="工时")
    assert titled
    whole, cut = Image.open(io.BytesIO(whole)), Image.open(io.BytesIO(cut))
    assert cut.width == whole.width and cut.height < whole.height - 60
    # What is left is the bottom of the whole picture.
    below = whole.crop((0, whole.height - cut.height, whole.width, whole.height)).convert("L")
    assert ImageStat.Stat(ImageChops.difference(below, cut.convert("L"))).mean[0] < 2


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">{}</svg>'


@pytest.mark.parametrize(
    "inside",
    [
        '<polygon points="0,0 1,1"/>',
        '<g transform="rotate(9)"/>',
        '<path d="M0 0 C1 1 2 2 3 3" stroke="red"/>',
    ],
)
def test_what_it_cannot_draw_is_refused_not_drawn_wrong(inside):
    with pytest.raises(raster.Unsupported):
        raster.draw(SVG.format(inside))


def test_a_chart_it_refuses_is_printed_as_svg_with_its_title_inside(monkeypatch, tmp_path):
    from committee import charts
    from committee.pdf import write_pdf

    def refuse(svg, **options):
        raise raster.Unsupported("for the test")

    monkeypatch.setattr(raster, "draw", refuse)
    charts.clear_cache()
    try:
        body = charts.as_image(bar_chart("SVG 工时", ["1月"], [("政务性", [3])]))
    finally:
        charts.clear_cache()
    assert 'class="chart-title"' not in body  # the SVG draws its own title
    (tmp_path / "chart.pdf").write_bytes(write_pdf(f"<body>{body}</body>"))
    text = subprocess.run(
        ["pdftotext", "chart.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert "SVG 工时" in text
