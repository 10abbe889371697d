"""Template filters of the pay pages: {% load pay %}."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A Decimal fraction as a whole percentage: 0.5134 → "51 %"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)} %"
