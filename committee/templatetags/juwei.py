"""Template filters shared by every app: {% load juwei %}."""

from django import template

from committee.tables import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """¥1,234.50"""
    return format_money(value)
