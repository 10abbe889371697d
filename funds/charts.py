"""A floating-bar waterfall drawn on the server as SVG: from the allocation to the balance.

Readable without colour (totals solid, additions grey, deductions hatched, every value
printed with its sign), so the same picture prints in grey and goes into a PDF.
committee/charts.waterfall draws plain bars; a waterfall needs bars that float.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from committee.charts import FONT
from committee.tables import format_money


@dataclass(frozen=True)
class Step:
    """One bar: a signed change, or (total=True) the running total at that point."""

    label: str
    amount: Decimal
    total: bool = False


def _whole_yuan(amount: Decimal, signed: bool) -> str:
    text = format_money(abs(amount)).removesuffix(".00")
    if not signed:
        return ("−" if amount < 0 else "") + text
    return ("−" if amount < 0 else "+") + text


def waterfall_svg(
    title: str, steps: Sequence[Step], *, width: int = 760, height: int = 380
) -> SafeString:
    """The steps as floating bars; totals stand on zero, changes float from the running sum."""
    bars, running = [], Decimal(0)
    for step in steps:
        if step.total:
            running = step.amount
            bars.append((step, Decimal(0), step.amount))
        else:
            bars.append((step, running, running + step.amount))
            running += step.amount
    levels = [Decimal(0)] + [v for _, a, b in bars for v in (a, b)]
    low, high = min(levels), max(levels)
    span = (high - low) or Decimal(1)
    left, right, top, bottom = 16, 16, 56, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(bars), 1)

    def y(value: Decimal) -> float:
        # Pixel positions only; the figures printed come from the Decimal amounts.
        return top + plot_h * (1 - int((value - low) * 10000 / span) / 10000)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="waterfall" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{escape(FONT)}" aria-label="{escape(title)}">',
        "<defs>"
        '<pattern id="wf-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1f2933" stroke-width="1.5"/></pattern>'
        "</defs>",
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2:.1f}" y="24" text-anchor="middle" font-size="16" '
        f'fill="#1f2933">{escape(title)}</text>',
        f'<line x1="{left}" x2="{width - right}" y1="{y(Decimal(0)):.1f}" '
        f'y2="{y(Decimal(0)):.1f}" stroke="#1f2933" stroke-width="1"/>',
    ]
    previous_end = None
    for index, (step, start, end) in enumerate(bars):
        x = left + slot * index + slot * 0.15
        w = slot * 0.7
        y1, y2 = sorted((y(start), y(end)))
        if step.total:
            fill, css = "#1f2933", "total"
        elif step.amount < 0:
            fill, css = "url(#wf-hatch)", "down"
        else:
            fill, css = "#b8c0cc", "up"
        if previous_end is not None:
            parts.append(
                f'<line x1="{x - slot * 0.3:.1f}" x2="{x:.1f}" y1="{y(previous_end):.1f}" '
                f'y2="{y(previous_end):.1f}" stroke="#5f6b7a" stroke-dasharray="3 2"/>'
            )
        previous_end = end
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y1:.1f}" width="{w:.1f}" '
            f'height="{max(y2 - y1, 1):.1f}" fill="{fill}" stroke="#1f2933" stroke-width="1"/>'
        )
        value = _whole_yuan(step.amount, signed=not step.total)
        label_y = y1 - 6 if end >= start else y2 + 15
        if end < start and y2 + 15 > height - bottom + 20:
            label_y = y1 - 6  # no room below: print it above the bar
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="12" '
            f'font-weight="{700 if step.total else 400}" fill="#1f2933">{escape(value)}</text>'
        )
        parts.append(
            f'<text x="{x + w / 2:.1f}" y="{height - bottom + 36:.1f}" text-anchor="middle" '
            f'font-size="12" fill="#1f2933">{escape(step.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
