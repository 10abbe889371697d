"""What a date or an amount may be, wherever it is typed: forms, imports and services alike.

Dates fall within ``settings.DATE_MIN_YEAR``–``DATE_MAX_YEAR`` (2000–2099 unless the
environment says otherwise): a year 0001 or 2173 is a typo, and one such row would make
every yearly figure wrong. Amounts fit their column (12 digits, 2 decimals) and a sane
bound for a residents' committee: no single money record reaches ten million yuan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# One record of a committee's books (an income, an expense, money promised with a task).
MONEY_MAX = Decimal("9999999.99")
# One part of one person's monthly pay.
PAY_MAX = Decimal("999999.99")


def date_range() -> tuple[dt.date, dt.date]:
    """The first and last day a date may be."""
    return dt.date(settings.DATE_MIN_YEAR, 1, 1), dt.date(settings.DATE_MAX_YEAR, 12, 31)


def date_message(value: dt.date | None = None) -> str:
    first, last = date_range()
    if value is None:
        return _("Dates must fall between %(first)s and %(last)s.") % {
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
    return _("%(value)s is outside the dates allowed, %(first)s to %(last)s.") % {
        "value": value.isoformat(),
        "first": first.isoformat(),
        "last": last.isoformat(),
    }


def check_date(value: dt.date | None, field: str | None = None) -> dt.date | None:
    """The date itself, or a ValidationError (on ``field`` when given) naming the range."""
    if value is None:
        return value
    day = value.date() if isinstance(value, dt.datetime) else value
    first, last = date_range()
    if not first <= day <= last:
        message = date_message(day)
        raise ValidationError({field: message} if field else message, code="date_range")
    return value


def money_message(low: Decimal, high: Decimal) -> str:
    return _("Amounts must be between %(low)s and %(high)s yuan.") % {
        "low": f"{low:,.2f}",
        "high": f"{high:,.2f}",
    }


def check_money(
    value: Decimal | None,
    field: str | None = None,
    *,
    low: Decimal = CENT,
    high: Decimal = MONEY_MAX,
) -> Decimal | None:
    """The amount itself, or a ValidationError naming the range it must fall in."""
    if value is None:
        return value
    if not low <= value <= high:
        message = money_message(low, high)
        raise ValidationError({field: message} if field else message, code="money_range")
    return value


@deconstructible(path="committee.bounds.DateInRange")
class DateInRange:
    """Validator for a DateField: reads the bounds when it runs, so settings can change them."""

    def __call__(self, value) -> None:
        check_date(value)

    def __eq__(self, other) -> bool:
        return isinstance(other, DateInRange)

    def __hash__(self) -> int:
        return hash(DateInRange)


@deconstructible(path="committee.bounds.AmountInRange")
class AmountInRange:
    """Validator for an amount: between ``low`` and ``high`` yuan."""

    def __init__(self, low: Decimal = CENT, high: Decimal = MONEY_MAX):
        self.low = low
        self.high = high

    def __call__(self, value) -> None:
        check_money(value, low=self.low, high=self.high)

    def __eq__(self, other) -> bool:
        return isinstance(other, AmountInRange) and (self.low, self.high) == (
            other.low,
            other.high,
        )

    def __hash__(self) -> int:
        return hash((self.low, self.high))
