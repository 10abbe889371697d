"""Personas every app's tests share (Healthchecks style: an owner, a colleague, an outsider).

Two communities A and B in different street offices of one district:
staff_a, chair_a (A's committee), staff_b (B's), official_a (A's street office),
official_b (B's street office), district_officer (the district), anonymous.
"""

import os
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import Phase, settings

from committee import filters, rollups
from committee.models import Community, District, StreetOffice
from committee.roles import Role
from tests import snapshots, writes
from tests.factories import CommunityFactory, DistrictFactory, StreetOfficeFactory, member

# HYPOTHESIS_PROFILE=quick reports a failing example at once instead of spending minutes
# shrinking it (to find which test fails; the default profile shrinks, for a small example).
# HYPOTHESIS_PROFILE=repeatable (make test, so CI) draws the same examples on every run,
# so a red build is never a matter of luck; a plain pytest run explores new ones.
settings.register_profile("quick", phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# Tests never read the real clock. The whole run, fixtures of every scope and the live
# server's thread included, starts at 10:00 Beijing time on TEST_TODAY (default below) and
# the clock runs on from there. `TEST_TODAY=2027-01-01 make pytest` runs the suite on
# another day; tests/dashboards/test_date_sweep.py loads the demo on the hard days itself.
TEST_TODAY = date.fromisoformat(os.environ.get("TEST_TODAY", "2026-06-15"))
# The one reading of the real clock: the date sweep also loads the demo on the day the
# suite is run, since that is the day a user would load it.
RUN_DAY = date.today()


def pytest_configure(config):
    time_machine.travel(f"{TEST_TODAY.isoformat()} 10:00 +08:00", tick=True).start()


# Files that take minutes on one worker: started first, so the other worker takes the many
# short files meanwhile instead of waiting for them at the end. The walk of every page is
# two files (Chinese, English), so each worker starts with one language's walk.
LONGEST_FIRST = ("tests/e2e/test_every_page", "tests/e2e/")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        found = [i for i, start in enumerate(LONGEST_FIRST) if path.startswith(start)]
        return found[0] if found else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each file keeps its tests in order


@dataclass
class World:
    district: District
    street_a: StreetOffice
    street_b: StreetOffice
    community_a: Community
    community_a2: Community
    community_b: Community


@pytest.fixture
def world(db) -> World:
    district = DistrictFactory(name="测试区")
    street_a = StreetOfficeFactory(district=district, name="甲街道")
    street_b = StreetOfficeFactory(district=district, name="乙街道")
    return World(
        district=district,
        street_a=street_a,
        street_b=street_b,
        community_a=CommunityFactory(street_office=street_a, name="甲社区"),
        community_a2=CommunityFactory(street_office=street_a, name="甲二社区"),
        community_b=CommunityFactory(street_office=street_b, name="乙社区"),
    )


@pytest.fixture
def staff_a(world):
    return member(Role.STAFF, world.community_a, username="staff_a")


@pytest.fixture
def chair_a(world):
    return member(Role.CHAIR, world.community_a, username="chair_a")


@pytest.fixture
def staff_b(world):
    return member(Role.STAFF, world.community_b, username="staff_b")


@pytest.fixture
def official_a(world):
    return member(Role.STREET_OFFICIAL, world.street_a, username="official_a")


@pytest.fixture
def official_b(world):
    return member(Role.STREET_OFFICIAL, world.street_b, username="official_b")


@pytest.fixture
def district_officer(world):
    return member(Role.DISTRICT_OFFICER, world.district, username="district_officer")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_user():
    """as_user(user) → a test client logged in as that user."""
    return logged_in


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs ~1 s a user on these machines; tests check who logs in, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Production serves hashed files after collectstatic; tests serve them as they are."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _writes_go_through_services(monkeypatch):
    """Every request's writes go through a service (tests/writes.py)."""
    writes.install(monkeypatch)
    yield
    writes.uninstall()


@pytest.fixture(scope="module")
def demo_books(django_db_setup, django_db_blocker):
    """The demo, loaded once for a module's tests and rolled back after its last one.

    Each test still runs in its own savepoint (ask for ``db`` too), so what one test
    writes is gone before the next. Only for tests that need no other connection (no
    live server, no second thread): the demo is never committed. The first module of a
    test process loads it; the others get a copy of its rows (tests/snapshots.py).
    """
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        snapshots.demo_in_transaction()
        yield
        transaction.set_rollback(True)
    snapshots.after_rollback(copied=True)


@pytest.fixture(autouse=True)
def _content_types_of_the_database():
    """A test that copied the demo in (tests/snapshots.py) leaves no content type cached
    from the copy once its transaction is rolled back."""
    yield
    snapshots.after_rollback()


@pytest.fixture(autouse=True)
def _no_filter_form_kept_from_another_test():
    """A filter form drawn in an earlier test drew communities rolled back with it."""
    filters.forget_kept()


def cold_figures() -> None:
    """The dashboards compute their figures afresh from here on: a property test's example
    that repeats an earlier example's records would otherwise be served the page kept for
    it, with no figures in its context to check (tests/dashboards/test_figure_cache.py
    checks the kept pages)."""
    from dashboards import figure_cache

    figure_cache.salt = uuid.uuid4().hex


@pytest.fixture(autouse=True)
def _figure_cache_of_this_test_only():
    """Each test's dashboards keep their figures apart: another test's records had the same
    ids and revisions (dashboards/figure_cache.py)."""
    from dashboards import figure_cache

    figure_cache.salt = uuid.uuid4().hex
    yield


@pytest.fixture(autouse=True)
def _rollup_marks_of_this_test_only():
    """Marks left by an earlier test's factories name records rolled back with it."""
    rollups.forget()
    yield
    rollups.forget()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: one that switched to English and did not
    switch back must not change what the next test's `str()` of a choice reads."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
