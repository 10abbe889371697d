import re
from decimal import Decimal

from committee.charts import bar_chart, line_chart


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
