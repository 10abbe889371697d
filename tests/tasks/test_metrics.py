"""The burden metrics equal sums computed independently from the records, for random data."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committee.models import Community
from tasks import metrics
from tasks.models import Category, Nature, Outcome, Task, TimeEntry
from tests.examples import examples
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.rounding import share as rounded_share
from tests.tasks.factories import CatalogueItemFactory

BASE = date(2026, 1, 5)
ZERO = Decimal("0")

task_spec = st.fixed_dictionaries(
    {
        "community": st.integers(0, 2),
        "department": st.integers(0, 1),
        "nature": st.sampled_from(Nature.values),
        "category": st.sampled_from(["forms", "statistics", "meeting", "inspection", "other"]),
        "outcome": st.sampled_from(Outcome.values),
        "day": st.integers(0, 70),
        "promised": st.integers(0, 500000),
        "received": st.integers(0, 500000),
        "worked": st.booleans(),
        "due": st.integers(-5, 40),
        "decided": st.one_of(st.none(), st.integers(0, 40)),
        "negative": st.booleans(),
    }
)
entry_spec = st.fixed_dictionaries(
    {
        "staff": st.integers(0, 5),
        "day": st.integers(0, 70),
        "quarters": st.integers(1, 32),
        "task": st.one_of(st.none(), st.integers(0, 30)),
        "work": st.sampled_from(["safety", "culture", "mediation"]),
        "pending": st.booleans(),
    }
)


def build(world, task_specs, entry_specs):
    communities = [world.community_a, world.community_a2, world.community_b]
    departments = [DepartmentFactory(district=world.district) for _ in range(2)]
    negative = CatalogueItemFactory(district=world.district, list="negative")
    staff = [StaffMemberFactory(community=communities[i // 2]) for i in range(6)]
    tasks = Task.objects.bulk_create(
        Task(
            community=communities[s["community"]],
            title="t",
            department=departments[s["department"]],
            category=s["category"],
            nature=s["nature"],
            outcome=s["outcome"],
            catalogue_item=negative if s["negative"] else None,
            received_on=BASE + timedelta(days=s["day"]),
            money_promised=Decimal(s["promised"]) / 100,
            money_received=Decimal(s["received"]) / 100,
            worked_while_pending=s["worked"],
            decision_due=BASE + timedelta(days=s["day"] + s["due"]),
            decided_on=None
            if s["decided"] is None
            else BASE + timedelta(days=s["day"] + s["decided"]),
        )
        for s in task_specs
    )
    seen = set()
    entries = []
    for s in entry_specs:
        task = tasks[s["task"] % len(tasks)] if (s["task"] is not None and tasks) else None
        member = staff[s["staff"]]
        if task is not None and task.community_id != member.community_id:
            task = None
        key = (member.pk, s["day"], task.pk if task else s["work"])
        if key in seen:
            continue
        seen.add(key)
        entries.append(
            TimeEntry(
                staff_member=member,
                date=BASE + timedelta(days=s["day"]),
                hours=Decimal(s["quarters"]) / 4,
                task=task,
                resident_work="" if task else s["work"],
                while_pending=s["pending"] and task is not None,
            )
        )
    TimeEntry.objects.bulk_create(entries)
    return communities, tasks, entries


@settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    task_specs=st.lists(task_spec, max_size=25),
    entry_specs=st.lists(entry_spec, max_size=40),
    window=st.tuples(st.integers(0, 70), st.integers(0, 70)),
)
def test_metrics_equal_independent_sums(world, task_specs, entry_specs, window):
    with transaction.atomic():
        communities, tasks, entries = build(world, task_specs, entry_specs)
        check(communities, tasks, entries, window)
        transaction.set_rollback(True)


def check(communities, tasks, entries, window):
    start, end = (BASE + timedelta(days=d) for d in sorted(window))
    scope = Community.objects.filter(pk__in=[communities[0].pk, communities[2].pk])
    in_scope = {communities[0].pk, communities[2].pk}
    today = timezone.localdate()

    by_pk = {t.pk: t for t in tasks}
    period_entries = [
        e for e in entries if start <= e.date <= end and e.staff_member.community_id in in_scope
    ]
    period_tasks = [
        t for t in tasks if start <= t.received_on <= end and t.community_id in in_scope
    ]

    def is_admin(e):
        return e.task_id is not None and by_pk[e.task_id].nature == Nature.ADMINISTRATIVE

    admin = sum((e.hours for e in period_entries if is_admin(e)), ZERO)
    total = sum((e.hours for e in period_entries), ZERO)
    assert metrics.hours_by_nature(scope, start, end) == {
        "administrative": admin,
        "community": total - admin,
    }
    assert metrics.administrative_share(scope, start, end) == rounded_share(admin, total)

    by_community = metrics.hours_by_nature_by_community(scope, start, end)
    assert set(by_community) == in_scope
    for pk in in_scope:
        mine = [e for e in period_entries if e.staff_member.community_id == pk]
        a = sum((e.hours for e in mine if is_admin(e)), ZERO)
        assert by_community[pk]["administrative"] == a
        assert by_community[pk]["community"] == sum((e.hours for e in mine), ZERO) - a

    by_month = metrics.hours_by_nature_by_month(scope, start, end)
    months = defaultdict(lambda: ZERO)
    for e in period_entries:
        months[e.date.replace(day=1)] += e.hours
    assert {m: v["administrative"] + v["community"] for m, v in by_month.items()} == dict(months)

    category = defaultdict(lambda: ZERO)
    outcome = defaultdict(lambda: ZERO)
    department = defaultdict(lambda: ZERO)
    for e in period_entries:
        task = by_pk.get(e.task_id)
        category[task.category if task else "resident_work"] += e.hours
        outcome[task.outcome if task else "resident_work"] += e.hours
        if task:
            department[task.department_id] += e.hours
    assert metrics.hours_by_category(scope, start, end) == dict(category)
    assert metrics.hours_by_outcome(scope, start, end) == dict(outcome)
    assert metrics.hours_by_department(scope, start, end) == dict(department)
    assert metrics.hours_while_pending(scope, start, end) == sum(
        (e.hours for e in period_entries if e.while_pending), ZERO
    )

    def unauthorised(t):
        return t.worked_while_pending or (t.outcome == "pending" and t.decision_due < today)

    def overdue(t):
        late = t.decided_on is not None and t.decided_on > t.decision_due
        return (t.outcome == "pending" and t.decision_due < today) or late

    rows = {r.department_id: r for r in metrics.tasks_by_department(scope, start, end)}
    expected_departments = {t.department_id for t in period_tasks}
    assert set(rows) == expected_departments
    for pk in expected_departments:
        mine = [t for t in period_tasks if t.department_id == pk]
        row = rows[pk]
        assert row.tasks == len(mine)
        assert row.unauthorised == sum(1 for t in mine if unauthorised(t))
        assert row.refused == sum(1 for t in mine if t.outcome == "refused")
        assert row.overdue == sum(1 for t in mine if overdue(t))
        assert row.money_promised == sum((t.money_promised for t in mine), ZERO)
        assert row.money_received == sum((t.money_received for t in mine), ZERO)
        ids = {t.pk for t in mine}
        assert row.hours == sum((e.hours for e in entries if e.task_id in ids), ZERO)

    assert metrics.unauthorised_tasks(scope, start, end) == sum(
        1 for t in period_tasks if unauthorised(t)
    )

    def peak(mine):
        months = defaultdict(int)
        for t in mine:
            months[t.received_on.replace(day=1)] += unauthorised(t)
        count = max(months.values(), default=0)
        month = min((m for m, n in months.items() if n == count), default=None)
        return metrics.PeakMonth(count, month if count else None)

    assert metrics.unauthorised_peak_month(scope, start, end) == peak(period_tasks)
    assert metrics.unauthorised_peak_month_by_community(scope, start, end) == {
        pk: peak([t for t in period_tasks if t.community_id == pk]) for pk in in_scope
    }
    worked = metrics.pending_worked_on_by_community(scope, start, end)
    assert worked == {
        pk: sum(1 for t in period_tasks if t.community_id == pk and t.worked_while_pending)
        for pk in in_scope
    }
    with_hours = {e.task_id for e in entries if e.task_id}
    assert metrics.negative_list_worked_on(scope, start, end) == sum(
        1 for t in period_tasks if t.catalogue_item_id and t.pk in with_hours
    )

    assist = [t for t in period_tasks if t.outcome in ("assist_listed", "assist_authorised")]
    funded = sum(1 for t in assist if t.money_promised > 0)
    assert metrics.assistance_funded_share(scope, start, end) == rounded_share(funded, len(assist))
    money = metrics.money_promised_received_by_community(scope, start, end)
    for pk in in_scope:
        mine = [t for t in period_tasks if t.community_id == pk]
        assert money[pk].promised == sum((t.money_promised for t in mine), ZERO)
        assert money[pk].received == sum((t.money_received for t in mine), ZERO)

    counts = defaultdict(lambda: [0, 0, 0])
    for t in period_tasks:
        month = counts[t.received_on.replace(day=1)]
        month[0] += t.category == Category.MEETING
        month[1] += t.category == Category.INSPECTION
        month[2] += t.category in (Category.FORMS, Category.STATISTICS)
    assert {
        m: [c.meetings, c.inspections, c.returns]
        for m, c in metrics.returns_by_month(scope, start, end).items()
    } == dict(counts)


def test_metrics_run_a_fixed_number_of_queries(world, django_assert_num_queries):
    communities, _tasks, _entries = build(
        world,
        [{**_ONE_TASK, "community": i % 3} for i in range(9)],
        [],
    )
    scope = Community.objects.all()
    start, end = BASE, BASE + timedelta(days=60)
    with django_assert_num_queries(1):
        metrics.hours_by_nature_by_community(scope, start, end)
    with django_assert_num_queries(2):
        metrics.tasks_by_department(scope, start, end)
    with django_assert_num_queries(1):
        metrics.money_promised_received_by_community(scope, start, end)
    with django_assert_num_queries(1):
        metrics.unauthorised_peak_month(scope, start, end)
    with django_assert_num_queries(2):
        metrics.unauthorised_peak_month_by_community(scope, start, end)


_ONE_TASK = {
    "department": 0,
    "nature": "administrative",
    "category": "meeting",
    "outcome": "pending",
    "day": 3,
    "promised": 100,
    "received": 0,
    "worked": True,
    "due": 10,
    "decided": None,
    "negative": False,
}
