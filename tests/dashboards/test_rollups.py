"""The monthly rollups equal the live figures, kept current by every write (issue 15).

Random records are written the way the apps write them (saved, changed and deleted inside
a service, so the hook of committee/rollups.py refreshes the touched months before the
transaction ends); then every rollup-read figure must equal the live metric over the
records, for a year, a quarter and a month, per community and for the communities together.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from committee.models import Community
from committee.periods import month_end, month_start
from committee.services import service
from dashboards import rollup_metrics, rollups
from dashboards.flags import flags_by_community
from dashboards.models import MonthlyRollup, PendingDueRollup
from funds.models import Income
from staff.models import StaffMember
from tasks.models import CatalogueList, Nature, Outcome
from tests.conftest import TEST_TODAY
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.funds.factories import ExpenseFactory, IncomeFactory
from tests.staff.factories import make_pay
from tests.tasks.factories import CatalogueItemFactory, TaskFactory, TimeEntryFactory

YEAR = TEST_TODAY.year  # records of this year (and its eve), some after today
PERIODS = [
    (date(YEAR, 1, 1), date(YEAR, 12, 31)),
    (date(YEAR, 4, 1), date(YEAR, 6, 30)),
    (date(YEAR, 5, 1), date(YEAR, 5, 31)),
]
days = st.dates(date(YEAR - 1, 12, 1), date(YEAR, 12, 31))
money = st.integers(0, 90_000).map(lambda c: Decimal(c) / 100)
records = st.lists(
    st.fixed_dictionaries(
        {
            "community": st.integers(0, 1),
            "department": st.integers(0, 1),
            "day": days,
            "moved_to": st.one_of(st.none(), days),
            "nature": st.sampled_from(Nature.values),
            "outcome": st.sampled_from(Outcome.values),
            "worked": st.booleans(),
            "due": st.one_of(st.none(), days),
            "decided": st.one_of(st.none(), days),
            "negative": st.booleans(),
            "promised": money,
            "hours": st.integers(1, 16).map(lambda q: Decimal(q) / 4),
            "income": st.sampled_from(Income.Kind.values),
            "amount": money.map(lambda m: m + 1),
            "net": st.integers(200_000, 900_000).map(lambda c: Decimal(c) / 100),
            "assistant": st.booleans(),
            "insured": st.booleans(),
            "deleted": st.booleans(),
        }
    ),
    min_size=1,
    max_size=8,
)


def write(world, specs) -> None:
    """Save, change and delete records as the services do (inside one service)."""
    communities = [world.community_a, world.community_a2]
    negative = CatalogueItemFactory(district=world.district, list=CatalogueList.NEGATIVE)
    bureau = DepartmentFactory(district=world.district)
    departments = [bureau, DepartmentFactory(district=world.district)]
    for s in specs:
        community = communities[s["community"]]
        kind = StaffMember.Kind.ASSISTANT if s["assistant"] else StaffMember.Kind.FULLTIME
        member = StaffMemberFactory(
            community=community, kind=kind, employer=bureau if s["assistant"] else None
        )
        task = TaskFactory(
            community=community,
            received_on=s["day"],
            nature=s["nature"],
            outcome=s["outcome"],
            worked_while_pending=s["worked"],
            decision_due=s["due"],
            decided_on=s["decided"],
            catalogue_item=negative if s["negative"] else None,
            department=departments[s["department"]],
            money_promised=s["promised"],
        )
        on_task = TimeEntryFactory(
            staff_member=member, task=task, resident_work="", date=s["day"], hours=s["hours"]
        )
        TimeEntryFactory(staff_member=member, date=s["day"], hours=s["hours"])
        funding = s["income"] == Income.Kind.TASK_FUNDING
        income = IncomeFactory(
            community=community,
            date=s["day"],
            kind=s["income"],
            amount=s["amount"],
            task=task if funding else None,
        )
        ExpenseFactory(community=community, date=s["day"], amount=s["amount"])
        pay = make_pay(member, s["day"].replace(day=1), s["net"])
        if s["insured"]:  # the employer paid both contributions (make_pay leaves them out)
            pay.pension_employer = pay.medical_employer = Decimal("100.00")
            pay.save()
        if s["moved_to"]:  # a change moves figures out of one month into another
            task.received_on = s["moved_to"]
            task.department = departments[1 - s["department"]]
            task.nature = (
                Nature.COMMUNITY if s["nature"] == Nature.ADMINISTRATIVE else Nature.ADMINISTRATIVE
            )
            task.save()
            income.date = s["moved_to"]
            income.save()
        if s["deleted"] and not funding:
            on_task.delete()  # the hours first (they protect their task), then the task
            task.delete()


def assert_rollups_equal_live(communities) -> None:
    for start, end in PERIODS:
        for live, rolled in rollup_metrics.INSTEAD.items():
            assert rolled(communities, start, end) == live(communities, start, end), (
                live.__name__,
                start,
                end,
            )


@pytest.mark.django_db
@settings(
    max_examples=5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=records)
def test_rollups_kept_by_the_writes_equal_the_live_figures(world, specs):
    communities = Community.objects.filter(street_office=world.street_a)
    with transaction.atomic():
        service(write)(world, specs)
        assert rollups.drift(communities) == []
        assert_rollups_equal_live(communities)
        transaction.set_rollback(True)


def test_a_rebuild_restores_what_a_bulk_write_left_out_and_check_reports_it(world):
    communities = Community.objects.filter(pk=world.community_a.pk)
    member = StaffMemberFactory(community=world.community_a)
    service(lambda: TimeEntryFactory(staff_member=member, date=date(YEAR, 5, 4)))()
    MonthlyRollup.objects.filter(community=world.community_a).update(hours=Decimal("99"))
    with pytest.raises(CommandError, match="1 rollups differ"):
        call_command("rollups", "check", "--community", world.community_a.code)
    call_command("rollups", "rebuild", "--community", world.community_a.code, "--year", str(YEAR))
    call_command("rollups", "check")
    assert rollup_metrics.administrative_share(communities, *PERIODS[2]) is not None


def test_an_unauthorised_pending_task_counts_once_its_decision_is_overdue(world):
    """The rollup keeps the decision date, so the count follows the day it is read."""
    communities = Community.objects.filter(pk=world.community_a.pk)
    due = TEST_TODAY + timedelta(days=5)
    service(
        lambda: TaskFactory(
            community=world.community_a,
            received_on=month_start(TEST_TODAY),
            outcome=Outcome.PENDING,
            decision_due=due,
        )
    )()
    assert PendingDueRollup.objects.filter(community=world.community_a).count() == 1
    this_month = (month_start(TEST_TODAY), month_end(TEST_TODAY))
    assert rollup_metrics.unauthorised_peak_month(communities, *this_month).count == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rollup_metrics.timezone, "localdate", lambda: due + timedelta(days=1))
        assert rollup_metrics.unauthorised_peak_month(communities, *this_month).count == 1


def test_a_custom_period_reads_the_records(world):
    """Part months cannot come from monthly rollups: the live metric answers them."""
    from tasks import metrics

    metric = metrics.administrative_share_by_community
    assert rollup_metrics.instead_of(metric, date(YEAR, 1, 15), date(YEAR, 2, 20)) is metric
    assert rollup_metrics.instead_of(metric, *PERIODS[1]) is not metric
    assert flags_by_community(
        Community.objects.filter(pk=world.community_a.pk), date(YEAR, 1, 15), date(YEAR, 2, 20)
    )
