"""Rounding as a clerk does it by hand (四舍五入), in the tests' own words.

The app rounds with Decimal.quantize (committee/numbers.py); the tests say the same rule
another way, on exact fractions: add half a unit of the last place to the size of the
number and cut off the rest, then put the sign back (−0.125 is −0.13, as by hand).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def half_up(value, places: int) -> Decimal:
    """`value` (a Fraction, Decimal or int) to `places` decimals, halves away from zero."""
    exact = Fraction(value)
    units = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    return Decimal(-units if exact < 0 else units).scaleb(-places)


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
