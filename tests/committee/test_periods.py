from datetime import date

from django.http import QueryDict

from committee.periods import (
    Period,
    add_months,
    last_full_months,
    last_twelve_months,
    month_end,
    months_between,
    year_to,
)

TODAY = date(2026, 11, 29)


def period(query: str) -> Period:
    return Period.from_query(QueryDict(query), TODAY)


def test_it_reads_a_month_a_quarter_a_year_and_custom_dates():
    assert (period("period=month&at=2026-02").start, period("period=month&at=2026-02").end) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
    )
    q = period("period=quarter&at=2026-Q4")
    assert (q.start, q.end) == (date(2026, 10, 1), date(2026, 12, 31))
    y = period("period=year&at=2025")
    assert (y.start, y.end) == (date(2025, 1, 1), date(2025, 12, 31))
    c = period("period=custom&start=2026-01-15&end=2026-02-20")
    assert (c.kind, c.start, c.end) == ("custom", date(2026, 1, 15), date(2026, 2, 20))


def test_it_falls_back_to_the_current_period_on_nonsense():
    assert period("").start == date(2026, 1, 1)
    assert period("period=month&at=garbage").start == date(2026, 11, 1)
    assert period("period=custom&start=2026-05-01&end=2026-04-01").kind == "year"


def test_the_url_brings_the_same_period_back():
    for query in ("period=month&at=2026-03", "period=quarter&at=2026-Q2", "period=year&at=2024"):
        p = period(query)
        assert period(p.query()) == p
    c = period("period=custom&start=2026-01-15&end=2026-02-20")
    assert period(c.query()) == c


def test_it_steps_to_the_previous_and_next_period():
    assert period("period=month&at=2026-01").shifted(-1).start == date(2025, 12, 1)
    assert period("period=quarter&at=2026-Q4").shifted(1).start == date(2027, 1, 1)
    assert period("period=year&at=2026").shifted(-1).end == date(2025, 12, 31)


def test_the_trend_covers_twelve_whole_months():
    assert last_twelve_months(date(2026, 11, 29)) == (date(2025, 12, 1), date(2026, 11, 30))


def test_the_last_12_months_of_spending_are_the_days_since_this_day_last_year():
    assert year_to(date(2026, 11, 29)) == (date(2025, 11, 30), date(2026, 11, 29))
    assert year_to(date(2024, 2, 29)) == (date(2023, 3, 1), date(2024, 2, 29))


def test_pay_pages_default_to_the_twelve_months_before_this_one():
    assert last_full_months(date(2026, 1, 15)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_month_arithmetic_crosses_years_and_leap_days():
    assert add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert add_months(date(2025, 12, 5), 1) == date(2026, 1, 1)
    assert month_end(date(2024, 2, 3)) == date(2024, 2, 29)
    assert months_between(date(2025, 11, 20), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
