"""Small helpers the staff pages share."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from committee.periods import last_full_months


def chart_yuan(value: float) -> str:
    """A chart axis label in whole yuan: ¥4,200."""
    return f"¥{value:,.0f}"


def default_period() -> tuple[date, date]:
    """The 12 full months before this one: what the pay pages show unless asked otherwise."""
    return last_full_months(timezone.localdate())
