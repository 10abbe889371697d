"""Working days with China's official holiday calendar (chinesecalendar).

The calendar knows only the years the State Council has published. Outside them we
count Monday to Friday and say so (``known=False``), so the page can tell the user.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

DECISION_WORKING_DAYS = 15


@lru_cache(maxsize=4096)
def is_workday(day: date) -> tuple[bool, bool]:
    """(is it a working day, does the official calendar know this date)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def calendar_knows(day: date) -> bool:
    return is_workday(day)[1]


@dataclass(frozen=True)
class DueDate:
    day: date
    known: bool  # False when part of the count fell outside the official calendar


def add_working_days(start: date, days: int) -> DueDate:
    """The date `days` working days after `start` (start itself not counted)."""
    known = True
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        working, day_known = is_workday(day)
        known = known and day_known
        if working:
            counted += 1
    return DueDate(day, known)


def decision_due(received_on: date) -> DueDate:
    """When the street office's decision is due: 15 working days after receipt."""
    return add_working_days(received_on, DECISION_WORKING_DAYS)


@lru_cache(maxsize=8192)
def working_days_left(today: date, due: date) -> tuple[int, bool]:
    """Working days from today to the due date; negative once overdue. Also whether known.

    Counted day by day, so kept: the approval queue asks it for each row, and a long
    overdue task is hundreds of days away.
    """
    if today == due:
        return 0, calendar_knows(today)
    step = 1 if due > today else -1
    known = True
    count = 0
    day = today
    while day != due:
        day += timedelta(days=step)
        working, day_known = is_workday(day)
        known = known and day_known
        if working:
            count += step
    return count, known
