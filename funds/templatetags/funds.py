"""Template filters of the funds pages: {% load funds %}."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """A Decimal share (0.4) as 40 %; a dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('1'), rounding=ROUND_HALF_UP)} %"


@register.filter
def negate(value):
    """−x, so a deduction is printed as −¥9,000.00 rather than ¥-9,000.00."""
    return -value
