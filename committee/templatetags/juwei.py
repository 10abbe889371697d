"""Template filters shared by every app: {% load juwei %}."""

from django import template

from committee import numbers
from committee.tables import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """¥1,234.50"""
    return format_money(value)


@register.filter
def percent(value) -> str:
    """A Decimal share (0.4) as 40 %, half up (0.6667 is 67 %); a dash when there is none."""
    return numbers.percent(value)
