"""``InList``: a column among a list of ids, one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from committee.lookups import InList
from committee.models import Community


@pytest.mark.django_db
def test_it_selects_the_rows_whose_column_is_in_the_list(world):
    a, b = world.community_a.pk, world.community_b.pk
    chosen = Community.objects.filter(InList(F("pk"), [a, b, 10**9]))
    assert sorted(chosen.values_list("pk", flat=True)) == sorted([a, b])
    assert not Community.objects.filter(InList(F("pk"), [])).exists()
    with CaptureQueriesContext(connection) as queries:
        list(Community.objects.filter(InList(F("pk"), list(range(1, 2001)))))
    if connection.vendor == "postgresql":  # one parameter, not two thousand
        assert "ANY" in queries[0]["sql"]
