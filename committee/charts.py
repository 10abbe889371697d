"""Server-drawn SVG charts (pygal), the same picture on a page and in a PDF.

No JavaScript and nothing fetched: pygal's default tooltip script comes from a CDN,
so every chart here sets ``js=[]``. No inline style either, for the Content-Security-
Policy: pygal's stylesheet is the same for every chart here but for its id, so it is
taken out of each SVG and served once as static/css/charts.css (``chart_css()``
makes it; a test keeps the file in step), and PDFs embed it in their own stylesheet.
Values are printed on the bars and every series is named in the legend, so no chart
needs colour to be read. Templates put the numbers in a table beside each chart as
well (for screen readers and copying).
"""

import html
import re
import threading
import types
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import cache, lru_cache, wraps
from xml.etree import ElementTree

import pygal
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from pygal.graph.base import BaseGraph
from pygal.style import Style

from committee import pdf

FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#8a94a3",
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=11,
    value_label_font_size=11,
    # Distinct in lightness as well as hue, so a grey print still tells them apart.
    guide_stroke_color="#e3e7ec",
    major_guide_stroke_color="#c7ced8",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
    colors=("#b3261e", "#1d4ed8", "#a15c00", "#1e7b34", "#6b21a8", "#5f6b7a", "#0e7490"),
)

Number = int | Decimal | float | None


# pygal reads every setting of a chart through BaseGraph.__getattribute__, in Python:
# "from the drawing's state, if it holds it, else as usual". Its test looked the state up
# through that same method again, once per attribute read (~4,500 reads a chart: half of
# drawing one). The same rule, reading the state straight from the instance's dict.
_STOCK_GETATTRIBUTE = BaseGraph.__getattribute__
_get = object.__getattribute__


def _graph_attribute(graph, name: str):
    if name[:2] != "__" and name != "state":
        state = _get(graph, "__dict__").get("state")
        if state is not None:
            found = state.__dict__
            if name in found:
                return found[name]
    return _get(graph, name)


if BaseGraph.__getattribute__ is _STOCK_GETATTRIBUTE:  # tests/committee/test_charts.py
    BaseGraph.__getattribute__ = _graph_attribute


def _plain(value: Number) -> float | None:
    # pygal draws with floats; the figures shown come from value_formatter on the
    # original Decimal values, so nothing a person reads went through float.
    return None if value is None else float(value)


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_STYLESHEET = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")
# The legend's ids serve pygal's script only, and repeat across charts on one page.
_LEGEND_ID = re.compile(r' id="activate-serie-\d+"')
_INLINE_STYLE = re.compile(r' style="[^"]*"')


def _render(chart, description: str = "") -> SafeString:
    title = chart.config.title or ""
    # pygal always inlines a config script for its tooltips; a static chart needs none.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    svg = _INLINE_STYLE.sub("", _STYLESHEET.sub("", svg))
    svg = _LEGEND_ID.sub("", svg)
    # One image for assistive technology: named by its title, described by its figures.
    head = f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>"
    svg = re.sub(r"^<svg\b([^>]*)>", lambda m: f'<svg role="img"{m.group(1)}>{head}', svg, count=1)
    return mark_safe(svg)  # noqa: S308 -- pygal escapes the labels it draws; ours escaped


def _describe(labels: Sequence[str], series, formatter) -> str:
    """The figures in words: "series: label value, label value; ..." for the <desc>."""
    fmt = formatter or _default_format
    parts = []
    for name, values in series:
        cells = [
            f"{label} {fmt(float(v))}"
            for label, v in zip(labels, values, strict=False)
            if v is not None
        ]
        parts.append(f"{name}: {', '.join(cells)}" if name else ", ".join(cells))
    return "; ".join(parts)


def _integer_ticks(series) -> list[int] | None:
    """Ticks at whole numbers when every value is a count (int), so no axis reads 2.5 people."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not values or not all(isinstance(v, int) for v in values):
        return None
    low, high = min(0, *values), max(0, *values)
    step = max(1, -(-(high - low) // 5))
    return list(range(low - low % step, high + step, step))


# Enough series for any chart here: pygal's stylesheet has a rule per series colour.
_MOST_SERIES = 16


@cache
def chart_css() -> str:
    """pygal's stylesheet for every chart here, for static/css/charts.css and PDFs."""
    series = [(str(n), [1]) for n in range(_MOST_SERIES)]
    chart = pygal.Bar(**_config("", 100, 100, None, css=pygal.Config().css))
    for name, values in series:
        chart.add(name, values)
    stylesheet = _STYLESHEET.search(chart.render(is_unicode=True)).group(1)
    # Inside the SVG the stylesheet is XML text ("&gt;" for ">"); a .css file is not.
    stylesheet = html.unescape(_CHART_ID.sub("svg.pygal-chart", stylesheet)).strip()
    # The tooltip's inline "opacity: 0" is gone with the other inline styles; only
    # pygal's script would show it, and there is none.
    return stylesheet + "\nsvg.pygal-chart .tooltip{display:none}\n"


def _config(title: str, width: int, height: int, formatter, **extra) -> dict:
    return {
        "title": title,
        "width": width,
        "height": height,
        "style": STYLE,
        "js": [],
        # No stylesheet drawn into each chart: it would be taken out again (_render); the
        # one stylesheet of every chart is chart_css().
        "css": [],
        "disable_xml_declaration": True,
        "print_values": True,
        "legend_at_bottom": True,
        "value_formatter": formatter or _default_format,
        "explicit_size": True,
        "max_scale": 6,
        **extra,
    }


def _default_format(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


# --- charts kept drawn --------------------------------------------------------------------
# A chart is a pure function of what it is given: the same words and figures draw the same
# SVG but for pygal's random id. A dashboard drawn again after a write in one community
# draws mostly the same charts, so each drawing is kept (per process, the most recent
# _KEPT_CHARTS) under everything it is drawn from, and handed out with a fresh id.
_KEPT_CHARTS = 128
_kept_charts: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()
_ID = re.compile(r"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


_SCALARS = (int, float, Decimal, str, type(None))


class _Untold(Exception):
    """What a chart is given cannot be told apart by value: it is drawn, not kept."""


def _exact(value) -> tuple:
    """A value with its type and its digits: 1, Decimal("1") and Decimal("1.0") differ (a
    count gets whole-number ticks; an amount does not)."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, _SCALARS):
        raise _Untold
    return (type(value).__name__, str(value))


def _chart_key(name: str, args: tuple, kwargs: dict) -> tuple | None:
    """Everything a chart is drawn from, or None when it cannot be told (a formatter that
    closes over something: its code alone does not say what it prints)."""
    formatter = kwargs.get("formatter")
    if formatter is not None:
        # A plain function only: a bound method's code does not say whose it is.
        if not isinstance(formatter, types.FunctionType):
            return None
        if formatter.__closure__ or formatter.__defaults__ or formatter.__kwdefaults__:
            return None
        formatter = (formatter.__module__, formatter.__code__)
    try:
        parts = []
        for value in args:
            if isinstance(value, (str, Promise)):
                parts.append(_exact(value))
                continue
            items = []  # labels, or series of (name, values), or steps of (label, amount)
            for item in value:
                if not isinstance(item, tuple):
                    items.append(_exact(item))
                    continue
                label, values = item
                if isinstance(values, (list, tuple)):
                    items.append((_exact(label), tuple(_exact(v) for v in values)))
                else:
                    items.append((_exact(label), _exact(values)))
            parts.append(tuple(items))
        options = tuple(sorted((k, _exact(v)) for k, v in kwargs.items() if k != "formatter"))
    except _Untold:
        return None
    return (name, tuple(parts), options, formatter)


def _kept(draw: Callable[..., SafeString]) -> Callable[..., SafeString]:
    @wraps(draw)
    def kept(*args, **kwargs) -> SafeString:
        # Iterables read once: a generator is listed, then both keyed and drawn.
        args = tuple(a if isinstance(a, (str, Promise)) else list(a) for a in args)
        args = tuple(
            [(i[0], list(i[1])) if isinstance(i, tuple) and _iterable(i[1]) else i for i in a]
            if isinstance(a, list)
            else a
            for a in args
        )
        key = _chart_key(draw.__name__, args, kwargs)
        with _lock:
            svg = _kept_charts.get(key) if key is not None else None
            if svg is not None:
                _kept_charts.move_to_end(key)
        if svg is None:
            svg = str(draw(*args, **kwargs))
            if key is not None:
                with _lock:
                    _kept_charts[key] = svg
                    while len(_kept_charts) > _KEPT_CHARTS:
                        _kept_charts.popitem(last=False)
        # A fresh id, as a drawing would have: two charts on a page never share one.
        return mark_safe(_ID.sub(f"chart-{uuid.uuid4()}", svg))  # noqa: S308 -- drawn by _render

    return kept


def _iterable(value) -> bool:
    return not isinstance(value, (str, Promise, *_SCALARS)) and hasattr(value, "__iter__")


@_kept
def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Iterable[tuple[str, Sequence[Number]]],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    formatter: Callable[[float], str] | None = None,
    width: int = 720,
    height: int = 360,
) -> SafeString:
    """Bars per label, one series per named group (stacked or side by side)."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    series = [(name, list(values)) for name, values in series]
    chart = kind(**_config(title, width, height, formatter, x_label_rotation=0))
    chart.x_labels = list(labels)
    # Stacked bars reach their labels' totals: the ticks must cover those.
    totals = [
        (
            "",
            [
                sum(v or 0 for v in column)
                for column in zip(*(vs for _, vs in series), strict=False)
            ],
        )
    ]
    if (ticks := _integer_ticks(series)) and (not stacked or (ticks := _integer_ticks(totals))):
        chart.y_labels = ticks
    for name, values in series:
        chart.add(name, [_plain(v) for v in values])
    return _render(chart, _describe(labels, series, formatter))


@_kept
def line_chart(
    title: str,
    labels: Sequence[str],
    series: Iterable[tuple[str, Sequence[Number]]],
    *,
    formatter: Callable[[float], str] | None = None,
    width: int = 720,
    height: int = 320,
) -> SafeString:
    """A trend over periods; dots are printed with their values."""
    series = [(name, list(values)) for name, values in series]
    chart = pygal.Line(**_config(title, width, height, formatter, dots_size=4))
    chart.x_labels = list(labels)
    if ticks := _integer_ticks(series):
        chart.y_labels = ticks
    for name, values in series:
        chart.add(name, [_plain(v) for v in values])
    return _render(chart, _describe(labels, series, formatter))


@_kept
def waterfall(
    title: str,
    steps: Sequence[tuple[str, Number]],
    *,
    formatter: Callable[[float], str] | None = None,
    width: int = 720,
    height: int = 360,
) -> SafeString:
    """From a starting amount through additions and deductions to what is left.

    `steps` are (label, signed amount); the last bar shows the running total.
    """
    chart = pygal.Bar(**_config(title, width, height, formatter, show_legend=False))
    chart.x_labels = [label for label, _ in steps]
    values = [_plain(v) or 0.0 for _, v in steps]
    chart.add("", values)
    return _render(chart, _describe(chart.x_labels, [("", values)], formatter))


# What only an interactive chart needs: hover and tooltip rules, transitions, and the
# rules of chart kinds drawn nowhere here. A PDF's renderer matches every rule against
# every node, so its charts carry the rest only.
_INTERACTIVE = (
    ":hover",
    ".tooltip",
    "a:visited",
    ".active",
    "map-element",
    "gauge",
    ".ci",
    ".showable",
    ".bound",
    ".max-value",
    "bg-lines",
)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
# pygal's per-value <desc> elements feed its tooltips; a printed chart prints the values.
_VALUE_DESC = re.compile(r'<desc class="[^"]*">.*?</desc>', re.S)
_HEAD = re.compile(r"<title>(.*?)</title><desc>(.*?)</desc>", re.S)


@cache
def print_css() -> str:
    """chart_css() without what only a chart on screen uses."""
    kept = []
    for selectors, body in _RULE.findall(chart_css()):
        chosen = [s for s in selectors.split(",") if not any(x in s for x in _INTERACTIVE)]
        declarations = [
            d for d in body.split(";") if d.strip() and not d.strip().startswith(_SCREEN_ONLY)
        ]
        if chosen and declarations:
            kept.append(f"{','.join(chosen)}{{{';'.join(declarations)}}}")
    return "".join(kept)


_SCREEN_ONLY = ("-webkit-", "-moz-", "transition")


_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
# A stylesheet property that is no SVG presentation attribute; WeasyPrint ignores it.
_NOT_ATTRIBUTES = {"background-color"}


@cache
def _print_matcher():
    """print_css() compiled once for cssselect2: every selector with its declarations."""
    import cssselect2
    import tinycss2

    matcher = cssselect2.Matcher()
    rules = tinycss2.parse_stylesheet(print_css(), skip_comments=True, skip_whitespace=True)
    for rule in rules:
        declarations = [
            (d.lower_name, tinycss2.serialize(d.value).strip(), d.important)
            for d in tinycss2.parse_blocks_contents(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            if d.type == "declaration" and d.lower_name not in _NOT_ATTRIBUTES
        ]
        for selector in cssselect2.compile_selector_list(rule.prelude):
            matcher.add_selector(selector, declarations)
    return matcher


def _computed(matches) -> dict[str, str]:
    """The declarations that win on one element: by importance, specificity, then order."""
    found: dict[str, tuple] = {}
    for specificity, order, _pseudo, declarations in matches:
        for name, value, important in declarations:
            rank = (important, specificity, order)
            if name not in found or found[name][0] <= rank:
                found[name] = (rank, value)
    return {name: value for name, (_rank, value) in found.items()}


def flat_tree(svg: str) -> ElementTree.Element:
    """The chart with its print stylesheet applied as attributes, for a PDF (the tree).

    Each element gets the declarations print_css() gives it as presentation attributes,
    and the stylesheet, the class names and what is drawn invisible (opacity 0) go. The
    picture is the same; WeasyPrint then neither parses a stylesheet per chart nor
    matches its selectors against every node (matched here, with selectors compiled once).
    """
    import cssselect2

    ElementTree.register_namespace("", _SVG_NS)
    ElementTree.register_namespace("xlink", _XLINK_NS)
    root = ElementTree.fromstring(_VALUE_DESC.sub("", str(svg)))
    matcher = _print_matcher()
    hidden = []
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        element = wrapper.etree_element
        style = _computed(matcher.match(wrapper) or ())
        if style.get("opacity") == "0":
            hidden.append((wrapper.parent.etree_element, element))
            continue
        for name, value in style.items():
            element.set(name, value)
    for parent, element in hidden:
        parent.remove(element)
    for element in root.iter():
        element.attrib.pop("class", None)
    return root


def flat_svg(svg: str) -> str:
    """flat_tree(svg) as SVG text."""
    return ElementTree.tostring(flat_tree(svg), encoding="unicode")


def as_image(svg: str) -> SafeString:
    """A chart as its title and an <img> for a PDF: pixels at print resolution.

    WeasyPrint applies the HTML document's stylesheet to the HTML only: an inline chart
    lost pygal's fills and printed as a black box. The chart's print styles are set on
    its nodes (flat_svg), then committee.raster draws it as a JPEG in the PDFs' face, at
    257 dpi; WeasyPrint embeds that as it is, where an SVG cost it a text layout per
    letter. The title is set as the document's text above the picture (searchable and
    copied with the text); a chart raster cannot draw stays an SVG image. The same chart
    (the same figures) is drawn once per process: pygal's random id, which nothing
    printed refers to, is left out.
    """
    markup, data, content_type = _image(_ROOT_ID.sub("", str(svg), count=1))
    return mark_safe(markup.replace(_SRC, pdf.drawn_url(data, content_type)))  # noqa: S308


_ROOT_ID = re.compile(r' id="chart-[0-9a-f-]{36}"')
_SRC = "{src}"


def clear_cache() -> None:
    """Forget the kept and converted charts (benchmarks time a first drawing)."""
    _kept_charts.clear()
    _image.cache_clear()


@lru_cache(maxsize=48)  # ~170 kB a chart: a few reports' charts
def _image(svg: str) -> tuple[str, bytes, str]:
    from committee import raster

    found = _HEAD.search(str(svg))
    # The title and description were escaped when the chart was drawn (_render).
    title, alt = (found.group(1), f"{found.group(1)}: {found.group(2)}") if found else ("", "")
    flat = flat_tree(svg)  # drawn as it is: not written out and read again
    try:
        data, titled = raster.draw(flat, title=html.unescape(title))
        content_type, title = "image/jpeg", title if titled else ""
    except raster.Unsupported:
        data = ElementTree.tostring(flat, encoding="unicode").encode()
        content_type, title = "image/svg+xml", ""
    caption = f'<p class="chart-title">{title}</p>' if title else ""
    return f'{caption}<img class="chart-image" alt="{alt}" src="{_SRC}">', data, content_type
