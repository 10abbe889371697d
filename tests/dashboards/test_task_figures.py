"""Every tasks figure of the dashboards equals a count or sum computed here from the records.

Random tasks (several departments, every outcome, pending ones due before and after
today, some on the negative list) and hours, inside the year shown and before it, in the
street office's two communities and in one of another street office that must never
count. The expectations below read only the generated records, never tasks.metrics.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from urllib.parse import parse_qs, urlparse

import chinese_calendar
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.models import FlagKind
from dashboards.rollups import rebuild_rollups
from tasks.models import ASSIST_OUTCOMES, CatalogueList, Nature, Outcome, Task, TimeEntry
from tests.examples import examples
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.tasks.factories import CatalogueItemFactory

YEAR = 2026
FIRST_DAY = date(2025, 10, 1)  # a quarter before the year shown, on purpose
MONTHS = [date(YEAR, month, 1) for month in range(1, 13)]
ZERO = Decimal("0")
NEGATIVE = (CatalogueList.NEGATIVE, CatalogueList.CERT_BANNED)
QUERY = {"period": "year", "at": YEAR}

cents = st.one_of(st.just(0), st.integers(1, 5_000_000)).map(lambda c: Decimal(c) / 100)
quarters = st.integers(1, 32).map(lambda q: Decimal(q) / 4)
task_specs = st.lists(
    st.fixed_dictionaries(
        {
            "community": st.integers(0, 2),  # 2: another street office's community
            "department": st.integers(0, 3),
            "month": st.one_of(st.integers(0, 14), st.just(7)),  # 2025-10 … 2026-12; May 2026
            "day": st.integers(1, 28),
            "nature": st.sampled_from(Nature.values),
            "outcome": st.one_of(st.just(Outcome.PENDING), st.sampled_from(Outcome.values)),
            "worked": st.booleans(),
            # days from today, often either side of it (overdue is "due before today")
            "due": st.one_of(st.none(), st.integers(-40, 40), st.integers(-1, 1)),
            "catalogue": st.sampled_from((None, *CatalogueList.values)),
            "promised": cents,
            "received": cents,
        }
    ),
    min_size=10,
    max_size=30,
)
task_hours = st.dictionaries(  # (task index, day) → hours
    keys=st.tuples(st.integers(0, 29), st.integers(0, 455)),
    values=quarters,
    min_size=10,
    max_size=40,
)
resident_hours = st.dictionaries(  # (community index, day) → hours on resident work
    keys=st.tuples(st.integers(0, 2), st.integers(0, 455)), values=quarters, max_size=10
)


def random_records(test):
    """Run the test on ten random sets of records (`specs`, `on_tasks`, `on_resident`; five
    on PostgreSQL: tests/examples.py)."""
    return settings(
        max_examples=examples(10),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )(given(specs=task_specs, on_tasks=task_hours, on_resident=resident_hours)(test))


@dataclass(frozen=True)
class Rec:
    """A generated task as the expectations see it."""

    index: int
    community: int
    department: int
    received_on: date
    nature: str
    outcome: str
    worked: bool
    due: date | None
    catalogue: str | None
    promised: Decimal
    received: Decimal


@dataclass(frozen=True)
class Hours:
    """A generated time entry as the expectations see it."""

    community: int
    task: int | None  # index into the records; None for resident work
    day: date
    hours: Decimal


@dataclass
class Records:
    """One example's records, and the day they were judged on."""

    tasks: list[Rec]
    hours: list[Hours]
    departments: list[str]
    today: date

    def unauthorised(self, t: Rec) -> bool:
        """Worked on while pending, or still pending past the decision date."""
        return t.worked or (
            t.outcome == Outcome.PENDING and t.due is not None and t.due < self.today
        )

    def in_year(self, communities) -> list[Rec]:
        return [t for t in self.tasks if t.community in communities and t.received_on.year == YEAR]


@contextmanager
def saved(world, specs, on_tasks, on_resident) -> Iterator[Records]:
    """The records of one example, saved for its checks and rolled back after them."""
    with transaction.atomic():
        yield build(world, specs, on_tasks, on_resident)
        transaction.set_rollback(True)


def build(world, specs, on_tasks, on_resident) -> Records:
    """Save the generated records; return them as plain values for the expectations."""
    communities = [world.community_a, world.community_a2, world.community_b]
    departments = [DepartmentFactory(district=world.district) for _ in range(4)]
    items = {
        kind: CatalogueItemFactory(district=world.district, list=kind)
        for kind in CatalogueList.values
    }
    staff = [StaffMemberFactory(community=c) for c in communities]
    today = timezone.localdate()
    records = [
        Rec(
            index=i,
            community=s["community"],
            department=s["department"],
            received_on=date(2025 + (9 + s["month"]) // 12, (9 + s["month"]) % 12 + 1, s["day"]),
            nature=s["nature"],
            outcome=s["outcome"],
            worked=s["worked"],
            due=None if s["due"] is None else today + timedelta(days=s["due"]),
            catalogue=s["catalogue"],
            promised=s["promised"],
            received=s["received"],
        )
        for i, s in enumerate(specs)
    ]
    tasks = Task.objects.bulk_create(
        Task(
            community=communities[r.community],
            title=f"任务{r.index}",
            department=departments[r.department],
            received_on=r.received_on,
            category="forms",
            nature=r.nature,
            outcome=r.outcome,
            worked_while_pending=r.worked,
            decision_due=r.due,
            catalogue_item=items[r.catalogue] if r.catalogue else None,
            money_promised=r.promised,
            money_received=r.received,
        )
        for r in records
    )
    hours = {}
    for (i, offset), h in on_tasks.items():
        if records:
            task = records[i % len(records)]
            hours[(task.index, offset)] = Hours(
                task.community, task.index, FIRST_DAY + timedelta(days=offset), h
            )
    entries = [
        TimeEntry(
            staff_member=staff[e.community],
            date=e.day,
            hours=e.hours,
            task=tasks[e.task],
        )
        for e in hours.values()
    ]
    resident = [
        Hours(c, None, FIRST_DAY + timedelta(days=offset), h)
        for (c, offset), h in on_resident.items()
    ]
    entries += [
        TimeEntry(
            staff_member=staff[e.community], date=e.day, hours=e.hours, resident_work="safety"
        )
        for e in resident
    ]
    TimeEntry.objects.bulk_create(entries)
    rebuild_rollups()  # written in bulk, past the services: rebuilt as the demo does
    return Records(records, [*hours.values(), *resident], [d.name for d in departments], today)


def close(a: Decimal | None, b: Fraction | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(Fraction(a) - b) <= Fraction(1, 10_000)


def share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def number(text: str) -> Decimal:
    """A figure as the page shows it (¥1,234.50 · 1234.50 · 37 %) read back."""
    return Decimal(re.sub(r"[^\d.-]", "", text))


def shows_percent(text: str, part: Decimal, whole: Decimal) -> bool:
    """The page shows part/whole as a whole percent, or "—" when there is nothing to divide."""
    if not whole:
        return text == "—"
    return abs(Fraction(number(text)) - Fraction(part) * 100 / Fraction(whole)) < 1


def panel(response, key: str):
    return next(p for p in response.context["panels"] if p.key == key)


def column(response, found, label: str) -> int:
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return found.headers.index(gettext(label))


# --- the flags ------------------------------------------------------------------------


def peak_month(records: Records, tasks: list[Rec]) -> tuple[int, set[date]]:
    """The most tasks without admission received in one month of the year, and which months."""
    months = Counter(t.received_on.replace(day=1) for t in tasks if records.unauthorised(t))
    most = max(months.values(), default=0)
    return most, {m for m, n in months.items() if n == most and most}


def negative_worked(records: Records, tasks: list[Rec]) -> int:
    worked = {e.task for e in records.hours if e.task is not None}  # hours on any day
    return sum(1 for t in tasks if t.catalogue in NEGATIVE and t.index in worked)


def funded_share(tasks: list[Rec]) -> Fraction | None:
    assist = [t for t in tasks if t.outcome in ASSIST_OUTCOMES]
    return share(sum(1 for t in assist if t.promised > 0), len(assist))


def check_flags(client, found: dict, records: Records, tasks: list[Rec]) -> None:
    """The three task flags of one unit; the unauthorised link lists exactly its count."""
    most, months = peak_month(records, tasks)
    flag = found[FlagKind.UNAUTHORISED]
    assert flag.value == most
    shown_from = date.fromisoformat(parse_qs(urlparse(flag.url).query)["received_on_after"][0])
    if most:
        assert shown_from in months
        assert f"{shown_from:%Y-%m}" in flag.explanation
    else:
        assert shown_from == date(YEAR, 1, 1)
    assert len(client.get(flag.url).context["table"].rows) == most
    assert found[FlagKind.NEGATIVE_LIST].value == negative_worked(records, tasks)
    assert close(found[FlagKind.FUNDED_SHARE].value, funded_share(tasks))


@random_records
def test_the_street_dashboards_task_flags_match_the_records(
    as_user, world, official_a, specs, on_tasks, on_resident
):
    with saved(world, specs, on_tasks, on_resident) as records:
        client = as_user(official_a)
        response = client.get(reverse("dashboards:street_office", args=[world.street_a.pk]), QUERY)
        rows = {r.record["pk"]: r.record["flags"] for r in response.context["table"].rows}
        for i, community in enumerate((world.community_a, world.community_a2)):
            check_flags(client, rows[community.pk], records, records.in_year({i}))
        check_flags(client, response.context["table"].totals, records, records.in_year({0, 1}))


# --- the panels -----------------------------------------------------------------------


def league(records: Records, tasks: list[Rec]) -> list[tuple]:
    """Per department with tasks received in the year: the league's figures, most tasks first.

    Hours are all the hours logged on those tasks, whatever their date (the league's
    definition: what the tasks pushed down in the period cost).
    """
    hours_on = defaultdict(lambda: ZERO)
    for e in records.hours:
        if e.task is not None:
            hours_on[e.task] += e.hours
    by_department = defaultdict(list)
    for t in tasks:
        by_department[t.department].append(t)
    rows = [
        (
            records.departments[d],
            len(mine),
            sum(1 for t in mine if records.unauthorised(t)),
            sum(1 for t in mine if t.outcome == Outcome.REFUSED),
            sum((hours_on[t.index] for t in mine), ZERO),
            sum((t.promised for t in mine), ZERO),
            sum((t.received for t in mine), ZERO),
        )
        for d, mine in by_department.items()
    ]
    return sorted(rows, key=lambda row: (-row[1], -row[4], row[0]))


def shown_league(response) -> list[tuple]:
    return [
        (
            row[0].text,
            int(row[1].text),
            int(row[2].text),
            int(row[3].text),
            number(row[4].text),
            number(row[5].text),
            number(row[6].text),
        )
        for row in panel(response, "departments").rows
    ]


def admin_hours(records: Records, communities, month: date) -> tuple[Decimal, Decimal]:
    """Hours logged in a month: on administrative tasks, and all of them."""
    nature = {t.index: t.nature for t in records.tasks}
    mine = [
        e for e in records.hours if e.community in communities and e.day.replace(day=1) == month
    ]
    admin = sum(
        (e.hours for e in mine if e.task is not None and nature[e.task] == Nature.ADMINISTRATIVE),
        ZERO,
    )
    return admin, sum((e.hours for e in mine), ZERO)


@random_records
def test_the_street_dashboards_task_panels_match_the_records(
    as_user, world, official_a, specs, on_tasks, on_resident
):
    with saved(world, specs, on_tasks, on_resident) as records:
        response = as_user(official_a).get(
            reverse("dashboards:street_office", args=[world.street_a.pk]), QUERY
        )
        street = {0, 1}
        assert shown_league(response) == league(records, records.in_year(street))

        queue = [t for t in records.tasks if t.community in street and t.outcome == Outcome.PENDING]
        overdue = [t for t in queue if t.due is not None and t.due < records.today]
        [[waiting_cell, overdue_cell]] = panel(response, "approval_queue").rows
        assert (int(waiting_cell.text), int(overdue_cell.text)) == (len(queue), len(overdue))

        trends = panel(response, "trends")
        share_at = column(response, trends, "Administrative share")
        count_at = column(response, trends, "Tasks without admission")
        without = Counter(
            t.received_on.replace(day=1) for t in records.in_year(street) if records.unauthorised(t)
        )
        assert [row[0].text for row in trends.rows] == [f"{m:%Y-%m}" for m in MONTHS]
        for month, row in zip(MONTHS, trends.rows, strict=True):
            assert shows_percent(row[share_at].text, *admin_hours(records, street, month)), month
            assert row[count_at].text == str(without[month]), month


@random_records
def test_the_community_dashboards_task_figures_match_the_records(
    as_user, world, staff_a, specs, on_tasks, on_resident
):
    with saved(world, specs, on_tasks, on_resident) as records:
        client = as_user(staff_a)
        response = client.get(reverse("dashboards:community", args=[world.community_a.pk]), QUERY)
        mine = records.in_year({0})
        check_flags(client, {f.kind: f for f in response.context["flags"]}, records, mine)
        assert shown_league(response) == league(records, mine)

        rows = panel(response, "hours_by_nature").rows
        assert [row[0].text for row in rows] == [f"{m:%Y-%m}" for m in MONTHS]
        for month, row in zip(MONTHS, rows, strict=True):
            admin, every = admin_hours(records, {0}, month)
            assert (number(row[1].text), number(row[2].text)) == (admin, every), month
            assert shows_percent(row[3].text, admin, every), month


def working_days_between(today: date, due: date) -> int:
    """Official working days from today to the due date, negative once it has passed."""
    step = 1 if due >= today else -1
    days = range(1, abs((due - today).days) + 1)
    return step * sum(1 for n in days if workday(today + timedelta(days=step * n)))


def workday(day: date) -> bool:
    """The official calendar's answer; Monday to Friday for a year it does not cover yet."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@random_records
def test_the_community_dashboards_pending_tasks_show_their_working_days_left(
    as_user, world, staff_a, specs, on_tasks, on_resident
):
    with saved(world, specs, on_tasks, on_resident) as records:
        response = as_user(staff_a).get(
            reverse("dashboards:community", args=[world.community_a.pk]), QUERY
        )
        waiting = sorted(
            (t for t in records.tasks if t.community == 0 and t.outcome == Outcome.PENDING),
            key=lambda t: (t.due is None, t.due or t.received_on, t.received_on, t.index),
        )[:20]
        rows = panel(response, "pending").rows
        assert [row[0].text for row in rows] == [f"任务{t.index}" for t in waiting]
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            for task, row in zip(waiting, rows, strict=True):
                assert row[3].text == (f"{task.due:%Y-%m-%d}" if task.due else "—")
                if task.due is None:
                    assert row[4].text == "—"
                    continue
                left = working_days_between(records.today, task.due)
                expected = (
                    gettext("%(days)d working days overdue") % {"days": -left}
                    if left < 0
                    else gettext("%(days)d working days left") % {"days": left}
                )
                assert row[4].text == expected, task
