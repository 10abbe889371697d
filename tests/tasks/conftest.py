from datetime import date

import pytest

from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.tasks.factories import CatalogueItemFactory


@pytest.fixture
def department(world):
    return DepartmentFactory(district=world.district, name="区统计局")


@pytest.fixture
def catalogue(world):
    """One item of each list the admission rule reads."""
    make = CatalogueItemFactory
    return {
        "duty": make(district=world.district, list="duty", item="调解民间纠纷"),
        "assist": make(
            district=world.district,
            list="assist",
            category="统计和普查",
            item="协助开展经批准的统计调查和普查",
        ),
        "negative": make(
            district=world.district,
            list="negative",
            category="摊派指标",
            item="摊派商业保险、报刊订阅",
            basis='湖南"八个不得"',
        ),
        "old": make(
            district=world.district,
            list="duty",
            item="已废止事项",
            valid_from=date(2010, 1, 1),
            valid_to=date(2015, 12, 31),
        ),
    }


@pytest.fixture
def member_a(world):
    return StaffMemberFactory(community=world.community_a, name="张敏", start_date=date(2020, 1, 1))


@pytest.fixture
def member_b(world):
    return StaffMemberFactory(community=world.community_b, name="陈静", start_date=date(2020, 1, 1))


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs about a second a user on these machines; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
