"""Rounding as a clerk does it by hand (四舍五入), in the tests' own words.

The app rounds with Decimal.quantize (committee/numbers.py); the tests say the same rule
another way, on exact fractions: add half a unit of the last place and cut off the rest.
Every figure here is zero or more, so "halves up" and "halves away from zero" agree.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def half_up(value, places: int) -> Decimal:
    """`value` (a Fraction, Decimal or int, ≥ 0) to `places` decimals, halves up."""
    exact = Fraction(value)
    assert exact >= 0, "the figures rounded here are never negative"
    units = math.floor(exact * 10**places + Fraction(1, 2))
    return Decimal(units).scaleb(-places)


def share(part, whole) -> Decimal | None:
    """part / whole to four places, as every share and ratio is kept; None without a whole."""
    if part is None or not whole:
        return None
    return half_up(Fraction(part) / Fraction(whole), 4)


def cents(value) -> Decimal:
    """Yuan to the fen."""
    return half_up(value, 2)


def whole_percent(value) -> str:
    """A share as the pages print it: a whole percent and a non-breaking space; — for none."""
    if value is None:
        return "—"
    return f"{half_up(Fraction(value) * 100, 0)}\u00a0%"
