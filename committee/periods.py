"""Periods and the month/year arithmetic every app uses: one month end, one pair of bounds.

The period a dashboard shows: a month, a quarter, a year or custom dates, kept in the URL.

``?period=month&at=2026-03`` · ``?period=quarter&at=2026-Q1`` · ``?period=year&at=2026`` ·
``?period=custom&start=2026-01-15&end=2026-02-20``. Anything unreadable falls back to the
current year, so a shared link never breaks.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = (
    ("month", gettext_lazy("Month")),
    ("quarter", gettext_lazy("Quarter")),
    ("year", gettext_lazy("Year")),
    ("custom", gettext_lazy("Custom")),
)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @classmethod
    def from_query(cls, query, today: date) -> Period:
        kind = query.get("period", "year")
        at = query.get("at", "")
        try:
            if kind == "month":
                year, month = (int(x) for x in re.fullmatch(r"(\d{4})-(\d{1,2})", at).groups())
                return cls.month(year, month)
            if kind == "quarter":
                year, quarter = (int(x) for x in re.fullmatch(r"(\d{4})-Q([1-4])", at).groups())
                return cls.quarter(year, quarter)
            if kind == "year":
                return cls.year(int(at))
            if kind == "custom":
                start = date.fromisoformat(query.get("start", ""))
                end = date.fromisoformat(query.get("end", ""))
                if start <= end:
                    return cls("custom", start, end)
        except (AttributeError, ValueError):
            pass
        if kind == "month":
            return cls.month(today.year, today.month)
        if kind == "quarter":
            return cls.quarter(today.year, (today.month - 1) // 3 + 1)
        return cls.year(today.year)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        return cls("month", first, month_end(first))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(
            "quarter",
            date(year, first, 1),
            month_end(date(year, first + 2, 1)),
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @property
    def at(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def query(self) -> str:
        """The URL query that brings this period back."""
        if self.kind == "custom":
            return urlencode(
                {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}
            )
        return urlencode({"period": self.kind, "at": self.at})

    def shifted(self, step: int) -> Period:
        """The period before (-1) or after (+1) this one, of the same kind."""
        if self.kind == "month":
            index = self.start.year * 12 + self.start.month - 1 + step
            return Period.month(index // 12, index % 12 + 1)
        if self.kind == "quarter":
            index = self.start.year * 4 + (self.start.month - 1) // 3 + step
            return Period.quarter(index // 4, index % 4 + 1)
        if self.kind == "year":
            return Period.year(self.start.year + step)
        length = (self.end - self.start).days + 1
        offset = timedelta(days=length * step)
        return Period("custom", self.start + offset, self.end + offset)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("%(year)d") % {"year": self.start.year}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def month_start(day: date) -> date:
    """The first day of the month `day` falls in: how a month is stored."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of the month `day` falls in."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` away from the month of `day` (negative: back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from the month of `start` to `end`, oldest first."""
    return list(_months(start, end))


def _months(start: date, end: date) -> Iterator[date]:
    month = month_start(start)
    while month <= end:
        yield month
        month = add_months(month, 1)


def year_bounds(year: int) -> tuple[date, date]:
    """1 January and 31 December of `year`: a budget year."""
    return date(year, 1, 1), date(year, 12, 31)


def last_twelve_months(end: date) -> tuple[date, date]:
    """The twelve whole months ending with the month of `end` (for trends)."""
    return add_months(end, -11), month_end(end)


def last_full_months(today: date, count: int = 12) -> tuple[date, date]:
    """The `count` whole months before the month of `today` (this month is not over yet)."""
    first = month_start(today)
    return add_months(first, -count), first - timedelta(days=1)


def year_to(on: date) -> tuple[date, date]:
    """The 365 (or 366) days ending on `on`, inclusive: "the last 12 months" of actual spending."""
    try:
        start = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        start = on.replace(year=on.year - 1, day=28)
    return start + timedelta(days=1), on
