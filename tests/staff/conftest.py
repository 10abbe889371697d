from datetime import date
from decimal import Decimal

import pytest

from staff.models import StaffMember
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.staff.factories import VALID_ID, InsuranceRatesFactory, WageBenchmarkFactory, make_pay

MAY = date(2026, 5, 1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas get passwords; PBKDF2's real cost is not what these tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rates(world):
    return InsuranceRatesFactory(district=world.district, year=2026)


@pytest.fixture
def benchmark(world):
    return WageBenchmarkFactory(district=world.district, year=2026)


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
    return make_pay(worker_a, MAY, Decimal("2000"), rates=rates)


@pytest.fixture
def pay_b(worker_b, rates):
    return make_pay(worker_b, MAY, Decimal("5000"), rates=rates)
