"""A district ranks every community without making each one's flags (dashboards/flags.py
``Judged``): the standing it gives each community is the one its flags give
(``tables.worst_key``), and the flags it makes for the communities shown are theirs."""

from datetime import date

import pytest
from django.utils import timezone

from committee.models import Community
from committee.periods import last_twelve_months
from dashboards.flags import Severity, flags_by_community, judged_by_community
from dashboards.models import Threshold
from dashboards.specs import SPECS
from dashboards.tables import worst_key

pytestmark = pytest.mark.usefixtures("demo_books")


def periods() -> list[tuple[date, date]]:
    today = timezone.localdate()
    return [
        (date(today.year, 1, 1), date(today.year, 12, 31)),
        (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        last_twelve_months(today),
        (date(today.year, today.month, 1), today),  # part of a month: the live figures
    ]


@pytest.mark.parametrize("period", range(4), ids=["this year", "last year", "12 months", "month"])
def test_each_communitys_standing_is_the_one_its_flags_give(period, db):
    start, end = periods()[period]
    communities = Community.objects.order_by("code")
    flags_of = flags_by_community(communities, start, end)
    colours = {f.severity for found in flags_of.values() for f in found}
    assert {Severity.RED, Severity.GREEN} <= colours  # the demo's story: some of each

    judged = judged_by_community(communities, start, end)
    for kinds in (list(SPECS), list(SPECS)[:3], list(reversed(SPECS))):
        assert judged.ranks(kinds) == {
            pk: worst_key(found, kinds) for pk, found in flags_of.items()
        }
    shown = [c.pk for c in communities][:2]
    assert judged.flags(shown) == {pk: flags_of[pk] for pk in shown}
    assert [f.label for f in judged.flags(shown)[shown[0]]] == [f.label for f in flags_of[shown[0]]]


def test_a_district_threshold_moves_the_standing_as_it_moves_the_flags(db):
    start, end = periods()[0]
    communities = Community.objects.order_by("code")
    district = communities.first().street_office.district
    spec = SPECS["admin_share"]
    Threshold.objects.update_or_create(
        district=district, kind=spec.kind, defaults={"amber": None, "red": "0.01"}
    )
    flags_of = flags_by_community(communities, start, end)
    shares = [f for found in flags_of.values() for f in found if f.kind == spec.kind]
    assert {f.severity for f in shares if f.value} == {Severity.RED}
    kinds = list(SPECS)
    ranks = judged_by_community(communities, start, end).ranks(kinds)
    assert ranks == {pk: worst_key(found, kinds) for pk, found in flags_of.items()}
