"""Template filters of the funds pages: {% load funds %}."""

from django import template

register = template.Library()


@register.filter
def negate(value):
    """−x, so a deduction is printed as −¥9,000.00 rather than ¥-9,000.00."""
    return -value
