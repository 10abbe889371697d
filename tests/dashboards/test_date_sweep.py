"""The demo tells its story on the hard days of the calendar, not only on the day it was written.

Each case loads the demo with the clock moved to that day and checks, as the users would
see it: 爱国社区 is red on administrative share, usable money and pay for this year, last
year and the last twelve months; the street office's page puts it first; and every task in
the approval queue is due 15 working days (China's official calendar) after it came in.
On PostgreSQL only the days at a year's edge are swept (EDGES below).
"""

from datetime import date, timedelta

import chinese_calendar
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from committee.models import Community
from dashboards.flags import Severity, flags
from dashboards.models import FlagKind
from tests import snapshots
from tests.conftest import RUN_DAY, TEST_TODAY

STORY = (FlagKind.ADMIN_SHARE, FlagKind.USABLE_VS_COSTS, FlagKind.PAY_VS_MINIMUM)

# The days at a year's edges: where the periods' bounds, which the database filters and
# groups by, are hardest. Swept on both databases.
EDGES = {
    date(2027, 1, 1),  # New Year's Day: this year is one day old
    date(2027, 12, 31),  # the year's last day
    date(2028, 2, 29),  # a leap day: twelve months back from it
}
# The days whose difficulty is the working-day calendar, which Python keeps: swept on SQLite
# only (each costs a load of the demo, ten seconds on PostgreSQL).
CALENDAR = {
    date(2027, 2, 11),  # inside the Spring Festival holiday
    TEST_TODAY,  # the day the rest of the suite runs on
    RUN_DAY,  # the day this suite is run: the day a user would load the demo
}
DAYS = sorted(EDGES | CALENDAR if connection.vendor == "sqlite" else EDGES)


def is_working_day(day: date) -> bool:
    """China's official calendar where it is published; Monday to Friday beyond it."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def fifteen_working_days_after(day: date) -> date:
    counted = 0
    while counted < 15:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


def working_days_left(today: date, due: date) -> int:
    if due >= today:
        return sum(
            is_working_day(today + timedelta(days=n)) for n in range(1, (due - today).days + 1)
        )
    return -sum(is_working_day(due + timedelta(days=n)) for n in range(1, (today - due).days + 1))


def periods(today: date) -> dict[str, tuple[date, date]]:
    eleven_months_back = today.year * 12 + today.month - 1 - 11
    return {
        "this year": (date(today.year, 1, 1), date(today.year, 12, 31)),
        "last year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "last twelve months": (
            date(eleven_months_back // 12, eleven_months_back % 12 + 1, 1),
            today,
        ),
    }


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_tells_its_story_on_this_day(today, client, django_user_model, db):
    with time_machine.travel(f"{today.isoformat()} 09:30 +08:00", tick=True):
        if today == TEST_TODAY:  # what the rest of the suite loads today (tests/snapshots.py)
            snapshots.demo_in_transaction()
        else:
            call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        aiguo = Community.objects.filter(code="XX-01-01")

        for name, (first, last) in periods(today).items():
            found = {f.kind: f.severity for f in flags(aiguo, first, last)}
            assert [found[kind] for kind in STORY] == [Severity.RED] * 3, (name, first, last)

        client.force_login(django_user_model.objects.get(username="street"))
        page = client.get(reverse("home"), follow=True)
        assert next(iter(page.context["table"].rows)).record["name"] == "爱国社区"

        table = client.get(reverse("tasks:approval_queue")).context["table"]
        waiting = [row.record for row in table.rows]
        assert waiting, "the demo always has tasks waiting for the street office"
        header, *shown = table.as_values()
        days_left = header.index(str(table.columns["days_left"].header))
        for task, values in zip(waiting, shown, strict=True):
            assert task.decided_on is None
            assert task.decision_due == fifteen_working_days_after(task.received_on), task
            assert is_working_day(task.decision_due)
            assert values[days_left] == working_days_left(today, task.decision_due), task
