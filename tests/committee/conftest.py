"""Fixtures of the committee app's tests."""

import pytest

from tests.committee.fresh import empty_database


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database on the same server as the tests' own."""
    with empty_database(tmp_path) as url:
        yield url
