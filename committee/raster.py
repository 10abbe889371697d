"""A chart's flattened SVG (``charts.flat_svg``) drawn as pixels by Pillow, for PDFs.

WeasyPrint draws SVG text one Pango layout per letter and parses every node of a chart
in Python: the charts of a yearly report cost it more than a page of text (issue 15).
The charts here use a small part of SVG (``<g transform="translate">``, ``<rect>``,
``<circle>``, ``<path>`` of ``M``/``h``/``v``/``L``, ``<text>`` with ``text-anchor``, and
presentation attributes, set by ``flat_svg``); this draws that part with Pillow at print
resolution, in the PDFs' own face (Noto Sans CJK SC, the file ``fc-match`` finds), as an
image WeasyPrint embeds as it is. Anything outside that part raises ``Unsupported``, so a
chart this cannot draw is left to WeasyPrint as SVG rather than drawn wrong.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from xml.etree import ElementTree

from PIL import Image, ImageColor, ImageDraw, ImageFont

from committee.pdf import font_file

# A chart 720 units wide fills the PDF's 178 mm text width: 2.5 pixels per unit is
# 1,800 pixels, 257 dots per inch on paper.
SCALE = 2.5
# JPEG (high quality) goes into the PDF as it is; a PNG is decoded and encoded again by
# WeasyPrint for every document. Colour at half the resolution (4:2:0, the pixels'
# brightness at full): at 257 dpi no edge or letter differs to the eye from 4:4:4, and
# it is encoded in half the time (3 ms a chart of the 10–15 ms it takes to draw one).
QUALITY = 92
SUBSAMPLING = 2

_NS = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TRANSLATE = re.compile(r"translate\(\s*([-\d.]+)[\s,]+([-\d.]+)\s*\)")
_SKIPPED = {"title", "desc", "defs"}
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


class Unsupported(ValueError):
    """The SVG uses something this module does not draw."""


@dataclass(frozen=True)
class _State:
    """The inherited presentation attributes, and the offset of the enclosing groups."""

    dx: float = 0.0
    dy: float = 0.0
    fill: str = "black"
    stroke: str = "none"
    stroke_width: float = 1.0
    fill_opacity: float = 1.0
    stroke_opacity: float = 1.0
    opacity: float = 1.0
    font_size: float = 16.0
    anchor: str = "start"


_INHERITED = {
    "fill": ("fill", str),
    "stroke": ("stroke", str),
    "stroke-width": ("stroke_width", lambda v: _length(v)),
    "fill-opacity": ("fill_opacity", float),
    "stroke-opacity": ("stroke_opacity", float),
    "font-size": ("font_size", lambda v: _length(v)),
    "text-anchor": ("anchor", str),
}


def _length(value: str) -> float:
    return float(value.removesuffix("px"))


@cache
def _face(size: int) -> ImageFont.FreeTypeFont:
    found = font_file(bold=False)
    if found is None:
        raise Unsupported("the PDFs' face is not installed")
    path, index = found
    return ImageFont.truetype(path, size, index=index)


def _colour(paint: str, alpha: float) -> tuple[int, int, int, int] | None:
    if paint in ("none", "transparent") or alpha <= 0:
        return None
    r, g, b = ImageColor.getrgb(paint)[:3]
    return r, g, b, round(255 * min(alpha, 1.0))


class _Canvas:
    def __init__(self, width: float, height: float, scale: float, title: str):
        self.scale = scale
        self.title = title
        self.top = 0.0  # where the picture starts once the title is left out
        self.image = Image.new("RGB", (round(width * scale), round(height * scale)), "white")
        self.blend = ImageDraw.Draw(self.image, "RGBA")
        self.solid = ImageDraw.Draw(self.image)
        self.blank = True  # nothing drawn yet: a white background need not be

    def drawer(self, colour: tuple[int, int, int, int]) -> tuple[ImageDraw.ImageDraw, tuple]:
        """Who draws `colour`: opaque colours are drawn without blending, faster."""
        self.blank = False
        return (self.solid, colour[:3]) if colour[3] == 255 else (self.blend, colour)

    def xy(self, state: _State, x: float, y: float) -> tuple[float, float]:
        return (x + state.dx) * self.scale, (y + state.dy) * self.scale

    def width(self, state: _State) -> int:
        return max(1, round(state.stroke_width * self.scale))

    def fill(self, state: _State):
        return _colour(state.fill, state.fill_opacity * state.opacity)

    def stroke(self, state: _State):
        return _colour(state.stroke, state.stroke_opacity * state.opacity)


def _inherit(state: _State, element: ElementTree.Element) -> _State:
    changes = {}
    for name, value in element.attrib.items():
        if name in _INHERITED:
            field, parse = _INHERITED[name]
            changes[field] = parse(value)
        elif name == "opacity":
            changes["opacity"] = state.opacity * float(value)
        elif name == "transform":
            found = _TRANSLATE.fullmatch(value.strip())
            if found is None:
                raise Unsupported(value)
            changes["dx"] = state.dx + float(found.group(1))
            changes["dy"] = state.dy + float(found.group(2))
    if not changes:
        return state
    # dataclasses.replace, without its checks (a third of walking a chart's nodes)
    found = object.__new__(_State)
    found.__dict__.update(state.__dict__)
    found.__dict__.update(changes)
    return found


def _number(element: ElementTree.Element, name: str) -> float:
    return float(element.get(name, "0"))


def _rect(canvas: _Canvas, state: _State, element: ElementTree.Element) -> None:
    x, y = canvas.xy(state, _number(element, "x"), _number(element, "y"))
    box = (
        x,
        y,
        x + _number(element, "width") * canvas.scale,
        y + _number(element, "height") * canvas.scale,
    )
    if box[2] <= box[0] or box[3] <= box[1]:
        return
    radius = _number(element, "rx") * canvas.scale
    fill, stroke = canvas.fill(state), canvas.stroke(state)
    if fill == (255, 255, 255, 255) and not stroke and canvas.blank:
        return  # a white background on the white canvas
    if fill:
        draw, colour = canvas.drawer(fill)
        draw.rounded_rectangle(box, radius, fill=colour)
    if stroke:
        draw, colour = canvas.drawer(stroke)
        draw.rounded_rectangle(box, radius, outline=colour, width=canvas.width(state))


def _circle(canvas: _Canvas, state: _State, element: ElementTree.Element) -> None:
    x, y = canvas.xy(state, _number(element, "cx"), _number(element, "cy"))
    r = _number(element, "r") * canvas.scale
    box = (x - r, y - r, x + r, y + r)
    if fill := canvas.fill(state):
        draw, colour = canvas.drawer(fill)
        draw.ellipse(box, fill=colour)
    if stroke := canvas.stroke(state):
        draw, colour = canvas.drawer(stroke)
        draw.ellipse(box, outline=colour, width=canvas.width(state))


def _points(d: str) -> list[tuple[float, float]]:
    """The corners of a path of M, h, v and L (absolute, repeated) commands."""
    points: list[tuple[float, float]] = []
    for command, numbers in re.findall(r"([MLhv])([^MLhv]*)", d):
        values = [float(n) for n in _NUMBER.findall(numbers)]
        if command in "ML":
            if len(values) % 2 or (command == "M" and points):
                raise Unsupported(d)
            points.extend(zip(values[::2], values[1::2], strict=True))
        else:
            for value in values:
                x, y = points[-1]
                points.append((x + value, y) if command == "h" else (x, y + value))
    if not points or re.sub(r"[MLhv\s\d.,eE+-]", "", d):
        raise Unsupported(d)
    return points


def _path(canvas: _Canvas, state: _State, element: ElementTree.Element) -> None:
    points = _points(element.get("d", ""))
    if len(points) > 2 and canvas.fill(state) is not None:
        raise Unsupported("filled path")  # pygal's lines and guides are strokes only
    if stroke := canvas.stroke(state):
        points = [canvas.xy(state, x, y) for x, y in points]
        draw, colour = canvas.drawer(stroke)
        draw.line(points, fill=colour, width=canvas.width(state), joint="curve")


def _text(canvas: _Canvas, state: _State, element: ElementTree.Element) -> None:
    if len(element):
        raise Unsupported("text with children")
    text = element.text or ""
    fill = canvas.fill(state)
    if not text.strip() or fill is None:
        return
    if canvas.title and text == canvas.title:
        # The title is set as HTML text above the picture: the picture starts below it.
        canvas.title = ""
        canvas.top = _number(element, "y") + state.dy + state.font_size * 0.3
        return
    size = round(state.font_size * canvas.scale)
    anchor = _ANCHORS.get(state.anchor, "ls")  # as WeasyPrint: any other value is "start"
    x, y = canvas.xy(state, _number(element, "x"), _number(element, "y"))
    draw, colour = canvas.drawer(fill)
    draw.text((x, y), text, fill=colour, font=_face(size), anchor=anchor)


_DRAW = {"rect": _rect, "circle": _circle, "path": _path, "text": _text}


def _walk(canvas: _Canvas, state: _State, element: ElementTree.Element) -> None:
    for child in element:
        tag = child.tag.removeprefix(_NS)
        if tag in _SKIPPED:
            continue
        inner = _inherit(state, child)
        if tag == "g":
            _walk(canvas, inner, child)
        elif tag in _DRAW:
            _DRAW[tag](canvas, inner, child)
        else:
            raise Unsupported(tag)


def draw(
    svg: str | ElementTree.Element, *, title: str = "", scale: float = SCALE
) -> tuple[bytes, bool]:
    """The flattened chart `svg` (its text or its tree, read only) as a JPEG at `scale`
    pixels per SVG unit, and whether its `title` (a line of text of just that) was found
    and left out, with the room above it."""
    root = ElementTree.fromstring(svg) if isinstance(svg, str) else svg
    width, height = _length(root.get("width", "0")), _length(root.get("height", "0"))
    if width <= 0 or height <= 0:
        raise Unsupported("no size")
    canvas = _Canvas(width, height, scale, title)
    _walk(canvas, _inherit(_State(), root), root)
    image = canvas.image
    if canvas.top > 0:
        image = image.crop((0, round(canvas.top * scale), image.width, image.height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, subsampling=SUBSAMPLING)
    return out.getvalue(), canvas.top > 0
