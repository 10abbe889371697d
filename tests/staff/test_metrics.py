"""Pay metrics: equal to figures computed independently, in a fixed number of queries."""

import statistics
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committee.models import Community
from committee.periods import month_end
from staff import metrics
from staff.models import PayRecord, StaffMember
from staff.services import rates_for
from tests.conftest import TEST_TODAY
from tests.examples import examples
from tests.factories import CommunityFactory, DepartmentFactory, StaffMemberFactory
from tests.rounding import cents, share
from tests.staff.conftest import LAST_MONTH, MONTH_BEFORE_LAST, THIS_MONTH
from tests.staff.factories import WageBenchmarkFactory, make_pay

# A period of two months, the month before last and last month (tests/staff/conftest.py);
# the benchmarks in force are those of its last month's year.
FIRST, SECOND = MONTH_BEFORE_LAST, LAST_MONTH
PERIOD = (FIRST, month_end(SECOND))
YEAR = PERIOD[1].year


def people(world, community, kind, n):
    extra = {"employer": DepartmentFactory(district=world.district), "grade": None}
    return StaffMemberFactory.create_batch(
        n, community=community, kind=kind, **(extra if kind == "assistant" else {})
    )


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fulltime=st.lists(st.integers(500, 9000), min_size=1, max_size=7),
    assistants=st.lists(st.integers(500, 9000), min_size=0, max_size=4),
)
def test_medians_and_ranges_equal_pythons(world, fulltime, assistants):
    PayRecord.objects.all().delete()
    StaffMember.objects.all().delete()
    nets = {}
    for kind, amounts in (("fulltime", fulltime), ("assistant", assistants)):
        nets[kind] = [
            make_pay(person, FIRST, amount).net
            for person, amount in zip(
                people(world, world.community_a, kind, len(amounts)), amounts, strict=True
            )
        ]
    fulltime, assistants = nets["fulltime"], nets["assistant"]
    only_a = Community.objects.filter(pk=world.community_a.pk)
    summary = metrics.net_pay_summary(only_a, *PERIOD)
    expected = cents(statistics.median(fulltime))
    assert summary["fulltime"].median == expected
    assert summary["fulltime"].lowest == min(fulltime)
    assert summary["fulltime"].highest == max(fulltime)
    assert summary["fulltime"].people == len(fulltime)
    if assistants:
        assert summary["assistant"].median == cents(statistics.median(assistants))
    else:
        assert summary["assistant"].median is None
    by_community = metrics.net_pay_summary_by_community(Community.objects.all(), *PERIOD)
    assert by_community[world.community_a.pk]["fulltime"].median == expected
    # the pay-by-community page's one read gives the same medians and office summaries
    together = metrics.pay_by_community_and_office(Community.objects.all(), *PERIOD)
    assert together.medians == {
        pk: {kind: found.median for kind, found in summaries.items()}
        for pk, summaries in by_community.items()
    }
    by_office = metrics.net_pay_summary_by_street_office(Community.objects.all(), *PERIOD)
    assert together.offices == by_office and by_office[world.street_a.pk]["fulltime"].months


def test_the_ratios_compare_full_time_pay_with_benchmarks_and_assistants(world):
    WageBenchmarkFactory(
        district=world.district,
        year=YEAR,
        minimum_wage=Decimal("2000"),
        average_wage=Decimal("8600"),
    )
    for person in people(world, world.community_a, "fulltime", 3):
        make_pay(person, FIRST, "1500")
    for person in people(world, world.community_a, "assistant", 2):
        make_pay(person, FIRST, "3000")
    communities = Community.objects.filter(pk=world.community_a.pk)
    assert metrics.fulltime_to_minimum_wage(communities, *PERIOD) == share(1500, 2000)
    assert metrics.fulltime_to_assistants(communities, *PERIOD) == share(1500, 3000)
    # 1,500 / 8,600 = 0.174418…, kept to four places.
    assert metrics.fulltime_to_average_wage(communities, *PERIOD) == share(1500, 8600)
    ratios = metrics.pay_ratios_by_community(Community.objects.all(), *PERIOD)
    assert ratios[world.community_a.pk].to_minimum_wage == Decimal("0.75")
    assert ratios[world.community_b.pk].fulltime_median is None
    assert ratios[world.community_b.pk].to_minimum_wage is None


def test_a_bonus_and_months_outside_the_period_do_not_count(world):
    person = people(world, world.community_a, "fulltime", 1)[0]
    make_pay(person, FIRST, "2000")
    make_pay(person, THIS_MONTH, "9000")  # after the period
    make_pay(person, FIRST, "0", kind="bonus", other_allowances=Decimal("9000"))
    summary = metrics.net_pay_summary(Community.objects.all(), *PERIOD)
    assert summary["fulltime"].median == Decimal("2000.00") and summary["fulltime"].months == 1


def test_it_counts_months_without_the_employers_pension_or_medical(world, rates):
    person = people(world, world.community_a, "fulltime", 1)[0]
    make_pay(person, FIRST, "3000", rates=rates)
    unpaid = make_pay(person, SECOND, "3000", rates=rates_for(person, SECOND))  # its year's
    PayRecord.objects.filter(pk=unpaid.pk).update(medical_employer=0)
    communities = Community.objects.all()
    assert metrics.months_without_employer_insurance(communities, *PERIOD) == 1
    by_community = metrics.months_without_employer_insurance_by_community(communities, *PERIOD)
    assert by_community == {
        world.community_a.pk: 1,
        world.community_a2.pk: 0,
        world.community_b.pk: 0,
    }
    found = metrics.pay_by_community_and_office(communities, *PERIOD)
    assert found.uninsured == {world.community_a.pk: 1}


def test_staffing_follows_the_households_rule(world):
    sizes = {1999: 3, 2000: 4, 3500: 5, 4999: 6, 5000: 6, 5001: 7, 5600: 8, 20000: 17}
    made = {h: CommunityFactory(street_office=world.street_a, households=h) for h in sizes}
    people(world, made[5600], "fulltime", 5)
    found = metrics.staffing_by_community(
        Community.objects.filter(pk__in=[c.pk for c in made.values()]), *PERIOD
    )
    assert {c.households: found[c.pk].required for c in made.values()} == sizes
    assert found[made[5600].pk].fulltime == 5 and found[made[5600].pk].shortfall == 3
    total = metrics.staffing(
        Community.objects.filter(pk__in=[made[1999].pk, made[5600].pk]), *PERIOD
    )
    assert (total.required, total.fulltime, total.households) == (11, 5, 7599)


def test_the_cost_of_lifting_full_time_pay_to_a_share_of_the_average_wage(world):
    WageBenchmarkFactory(district=world.district, year=YEAR, average_wage=Decimal("8000"))
    low, high = people(world, world.community_a, "fulltime", 2)
    make_pay(low, FIRST, "2000")
    make_pay(low, SECOND, "3000")  # average gross 2,500
    make_pay(high, FIRST, "7000")
    communities = Community.objects.all()
    # 60 % of 8,000 = 4,800: (4,800 − 2,500) × 12 = 27,600; the other is above it.
    assert metrics.cost_to_lift_fulltime(communities, *PERIOD, Decimal("0.6")) == Decimal(
        "27600.00"
    )
    by_community = metrics.cost_to_lift_fulltime_by_community(communities, *PERIOD, Decimal("1"))
    assert by_community[world.community_a.pk] == Decimal("78000.00")  # 5,500×12 + 1,000×12
    assert by_community[world.community_b.pk] == 0


def test_metrics_run_a_fixed_number_of_queries(world, django_assert_num_queries):
    WageBenchmarkFactory(district=world.district, year=YEAR)

    def run():
        communities = Community.objects.all()
        metrics.net_pay_summary_by_community(communities, *PERIOD)
        metrics.net_pay_summary_by_street_office(communities, *PERIOD)
        metrics.pay_ratios_by_community(communities, *PERIOD)
        metrics.median_net_pay_by_month(communities, *PERIOD)
        metrics.months_without_employer_insurance_by_community(communities, *PERIOD)
        metrics.pay_by_community_and_office(communities, *PERIOD)
        metrics.staffing_by_community(communities, *PERIOD)
        metrics.cost_to_lift_fulltime_by_community(communities, *PERIOD)

    for person in people(world, world.community_a, "fulltime", 2):
        make_pay(person, FIRST, "2000")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        run()
    for community in CommunityFactory.create_batch(8, street_office=world.street_b):
        for person in people(world, community, "fulltime", 3) + people(
            world, community, "assistant", 2
        ):
            make_pay(person, FIRST, "3000")
            make_pay(person, SECOND, "3100")
    with django_assert_num_queries(len(few.captured_queries)):
        run()


def test_the_monthly_trend_uses_each_years_benchmarks(world):
    # The last turn of the year: December of last year and January of this one.
    year = TEST_TODAY.year
    december, january = date(year - 1, 12, 1), date(year, 1, 1)
    WageBenchmarkFactory(district=world.district, year=year - 1, minimum_wage=Decimal("2000"))
    WageBenchmarkFactory(district=world.district, year=year, minimum_wage=Decimal("2500"))
    person = people(world, world.community_a, "fulltime", 1)[0]
    make_pay(person, december, "2000")
    make_pay(person, january, "2000")
    trend = metrics.pay_ratios_by_month(Community.objects.all(), december, month_end(january))
    assert [r.to_minimum_wage for r in trend.values()] == [Decimal("1"), Decimal("0.8")]
    assert list(trend) == [december, january]
