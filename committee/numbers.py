"""One rounding rule for every published figure: half up (四舍五入), as a clerk does by hand.

Money is kept to the fen, shares and ratios to four places (so a whole percent rounds from
them), averages to two places. Every app rounds through these functions, and the
template filters in ``committee/templatetags/juwei.py`` print from them, so one figure
reads the same on every page, in the PDF and in the workbook.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
WHOLE = Decimal("1")
NO_FIGURE = "—"


def exact(value) -> Decimal:
    """A number as a Decimal, through its shortest decimal form when it is a float.

    SQLite sums and averages decimals in binary floating point: 629 / 200 comes back as
    3.145 in shortest form (not 3.14499…), and so rounds as on PostgreSQL.
    """
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def round_half_up(value, places: Decimal = CENT) -> Decimal | None:
    """`value` to `places` (0.01, 0.0001, 1 …), half up; None stays None."""
    if value is None:
        return None
    return exact(value).quantize(places, rounding=ROUND_HALF_UP)


def cents(value) -> Decimal | None:
    """Yuan to the fen: ¥1,234.565 is ¥1,234.57."""
    return round_half_up(value, CENT)


def share(part, whole, places: Decimal = SHARE) -> Decimal | None:
    """part / whole to four places, half up; None when either is missing or whole is 0.

    The same rule serves a share (part of a whole) and a ratio (one figure against another).
    """
    if part is None or not whole:
        return None
    return round_half_up(exact(part) / exact(whole), places)


def percent(value) -> str:
    """A share (0..1) as a whole percentage: 0.6667 reads 67 %, not 66 %; None reads —."""
    if value is None or value == "":
        return NO_FIGURE
    return number_format(round_half_up(exact(value) * 100, WHOLE), 0) + "\u00a0%"


def percent_of(part, whole) -> str:
    """part / whole as a whole percentage, rounded once from the exact fraction."""
    if part is None or not whole:
        return NO_FIGURE
    return percent(exact(part) / exact(whole))
