"""Small helpers the task pages share."""

from __future__ import annotations

from datetime import date


def date_param(value) -> date | None:
    """A date from a query or form value (2026-05-04), or None when it is not one."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
