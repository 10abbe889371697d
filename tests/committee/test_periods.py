from datetime import date

from django.http import QueryDict

from committee.periods import Period, last_twelve_months

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
