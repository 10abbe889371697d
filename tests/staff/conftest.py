from datetime import date
from decimal import Decimal

import pytest

from committee.periods import add_months, month_start
from staff.models import StaffMember
from tests.conftest import TEST_TODAY
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.staff.factories import VALID_ID, InsuranceRatesFactory, WageBenchmarkFactory, make_pay

# The pay months, counted back from the suite's day (tests/conftest.py's TEST_TODAY), so the
# tests mean the same on any day: the fixtures pay the month before last, the payroll grid
# (started from the month before) is for last month, and this month is the one after it.
# None lies ahead of today, and every one falls in the last 12 full months the pages show.
THIS_MONTH = month_start(TEST_TODAY)
LAST_MONTH = add_months(THIS_MONTH, -1)
MONTH_BEFORE_LAST = add_months(THIS_MONTH, -2)
# The years of those months: one, or two when TEST_TODAY is in January or February. Rates
# and benchmarks are a year's, so the fixtures give each of these years the same ones.
YEARS = range(MONTH_BEFORE_LAST.year, THIS_MONTH.year + 1)


def typed(month: date) -> str:
    """A month as the forms and the pay pages' ?start=/?end=/?month= take it: 2026-05."""
    return f"{month:%Y-%m}"


@pytest.fixture
def rates(world):
    """The rates of the month before last (the fixtures' pay), the same in each of YEARS."""
    made = {year: InsuranceRatesFactory(district=world.district, year=year) for year in YEARS}
    return made[MONTH_BEFORE_LAST.year]


@pytest.fixture
def benchmark(world):
    """The benchmark of the month before last's year, the same in each of YEARS."""
    made = {year: WageBenchmarkFactory(district=world.district, year=year) for year in YEARS}
    return made[MONTH_BEFORE_LAST.year]


@pytest.fixture
def worker_a(world):
    return StaffMemberFactory(
        community=world.community_a,
        name="张敏",
        kind=StaffMember.Kind.FULLTIME,
        national_id=VALID_ID,
        phone="13812345678",
    )


@pytest.fixture
def assistant_a(world):
    return StaffMemberFactory(
        community=world.community_a,
        name="李协",
        kind=StaffMember.Kind.ASSISTANT,
        employer=DepartmentFactory(district=world.district),
        grade=None,
        national_id="",
        phone="13900001111",
    )


@pytest.fixture
def worker_b(world):
    return StaffMemberFactory(community=world.community_b, name="乙职工", phone="13711112222")


@pytest.fixture
def pay_a(worker_a, rates):
    return make_pay(worker_a, MONTH_BEFORE_LAST, Decimal("2000"), rates=rates)


@pytest.fixture
def pay_b(worker_b, rates):
    return make_pay(worker_b, MONTH_BEFORE_LAST, Decimal("5000"), rates=rates)
