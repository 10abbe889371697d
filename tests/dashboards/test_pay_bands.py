"""The districts' pay bands give the same medians as the person-months (issue 15).

Random pay records are written, changed and deleted inside a service (the bands are kept
by the rebuild the hook runs); then for a whole district, a whole district with another
district's community, and a part of a district, the medians walked from the bands equal
the medians sorted from the person-months, for the kinds and per month, over a year, a
quarter and a month; and `rollups check` finds the bands equal to a fresh count.
"""

from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from committee.models import Community
from committee.services import service
from dashboards import rollup_metrics, rollups
from dashboards.models import PayBand
from staff.models import StaffMember
from tests.examples import examples
from tests.factories import CommunityFactory, DepartmentFactory, StaffMemberFactory
from tests.staff.factories import make_pay

PERIODS = [
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 2, 1), date(2026, 2, 28)),
]
# Few amounts, so that person-months tie and an even count's two middles differ by a fen.
amounts = st.sampled_from(["3000.00", "3000.01", "3000.02", "4200.50", "5100.00"])
pay = st.lists(
    st.fixed_dictionaries(
        {
            "community": st.integers(0, 3),
            "month": st.integers(1, 3),
            "assistant": st.booleans(),
            "basic": amounts,
            "changed_to": st.one_of(st.none(), amounts),
            "deleted": st.booleans(),
        }
    ),
    min_size=1,
    max_size=10,
)


def write(world, other, specs) -> None:
    communities = [world.community_a, world.community_a2, world.community_b, other]
    for s in specs:
        community = communities[s["community"]]
        employer = DepartmentFactory(district=community.street_office.district)
        kind = StaffMember.Kind.ASSISTANT if s["assistant"] else StaffMember.Kind.FULLTIME
        member = StaffMemberFactory(
            community=community, kind=kind, employer=employer if s["assistant"] else None
        )
        record = make_pay(member, date(2026, s["month"], 1), s["basic"])
        if s["changed_to"]:
            record.basic_pay = Decimal(s["changed_to"])
            record.net = record.net + record.basic_pay - Decimal(s["basic"])
            record.save()
        if s["deleted"]:
            record.delete()


@settings(
    max_examples=examples(8),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=pay)
def test_the_medians_from_the_bands_equal_the_medians_of_the_person_months(world, specs):
    other = CommunityFactory()  # in a district of its own
    scopes = [
        Community.objects.filter(street_office__district=world.district),
        Community.objects.filter(pk__in=[c.pk for c in (world.community_a, other)]),
        Community.objects.filter(street_office=world.street_a),
    ]
    with transaction.atomic():
        service(write)(world, other, specs)
        assert rollups.drift() == []
        for communities in scopes:
            for start, end in PERIODS:
                for group in rollup_metrics.BANDED:
                    banded = rollup_metrics._medians(communities, start, end, group)
                    live = rollup_metrics._medians_live(communities, start, end, group)
                    assert banded == live, (group, start, end)
        transaction.set_rollback(True)


def test_check_reports_bands_that_differ_from_the_person_months(world):
    member = StaffMemberFactory(community=world.community_a)
    service(make_pay)(member, date(2026, 5, 1), "3000")
    assert rollups.drift() == []
    PayBand.objects.filter(district=world.district).update(months=2)
    assert rollups.drift() == [f"district {world.district.pk}: pay bands"]
    call_command("rollups", "rebuild", "--community", world.community_a.code, "--year", "2026")
    assert rollups.drift() != []  # one community's rebuild adds only what it changed
    call_command("rollups", "rebuild", "--year", "2026")  # a whole district's: counted again
    assert rollups.drift() == []
    assert rollup_metrics._medians_by_kind(Community.objects.all(), *PERIODS[0]) == {
        ("fulltime",): Decimal("3000.00")
    }
