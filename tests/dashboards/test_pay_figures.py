"""Every pay figure of the dashboards equals a median computed here from the pay records (#7).

The records are random: full-time workers, assistants and "other" staff in communities A
and A2 of street office A and in B of street office B; monthly pay and year-end bonuses
from 2025 into 2027; wage benchmarks for some of the years 2024–2027. The expected figures
follow staff/metrics.py's definitions in plain Python: a monthly record counts when its
month lies in the period; the median is over person-months (the mean of the two middle
ones when even), half-up to cents; a ratio is half-up to four places, None when a side is
missing; the benchmark in force in a year is the district's latest with year <= it.
A record's net is its own, as the pay calculator saved it; what is checked here is which
records count and how they are combined.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from unittest import mock

from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from committee.tables import format_money
from dashboards.models import FlagKind
from staff import metrics
from staff.models import InsuranceRates, PayRecord, StaffMember, WageBenchmark
from tests.conftest import cold_figures
from tests.examples import examples
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.rounding import cents, share, whole_percent
from tests.staff.factories import InsuranceRatesFactory, WageBenchmarkFactory, make_pay

YEAR = 2026
FIRST_MONTH = date(2025, 1, 1)
MONTHS = 26  # 2025-01 … 2027-02: the year before the period, the period, and after it
SLOTS = ("fulltime", "fulltime", "fulltime", "assistant", "assistant", "other")
STREET_A = (0, 1)  # world.community_a, world.community_a2; 2 is world.community_b
MONTHLY = PayRecord.Kind.MONTHLY

# Half the months drawn fall in the period, so the medians have several values to choose.
some_month = st.one_of(st.integers(12, 23), st.integers(0, MONTHS - 1))
person_month = st.tuples(st.integers(0, 2), st.integers(0, len(SLOTS) - 1), some_month)
# (community, slot, month offset) → (basic pay in cents, insured?)
monthly_pay = st.dictionaries(
    keys=person_month,
    values=st.tuples(st.integers(150_000, 1_200_000), st.booleans()),
    min_size=20,
    max_size=60,
)
# (community, slot, month offset) → year-end bonus in cents
bonuses = st.dictionaries(keys=person_month, values=st.integers(100_000, 5_000_000), max_size=8)
# year → (minimum wage, average wage) in cents
benchmarks = st.dictionaries(
    keys=st.integers(2024, 2027),
    values=st.tuples(st.integers(150_000, 300_000), st.integers(500_000, 1_200_000)),
    max_size=4,
)
SETTINGS = settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Ratios on a rounding edge, against a minimum wage of ¥2,600.00: in A, ¥2,599.87 is
# 0.99995, which rounds to 1.0000, so every place showing it must say 100 %, none 99 %;
# in A2, ¥320.97 is 0.12345 exactly, which rounds half up to 0.1235.
ON_THE_EDGE = {
    "monthly": {(0, 0, 12): (259_987, False), (1, 0, 12): (32_097, False)},
    "bonuses": {},
    "benchmarks": {YEAR: (260_000, 800_000)},
}


@dataclass(frozen=True)
class Paid:
    """One saved pay record, as this test knows it."""

    community: int
    staff_kind: str
    month: date
    kind: str
    net: Decimal


@dataclass(frozen=True)
class Figures:
    """The pay figures a dashboard shows for a group of communities and a period."""

    fulltime: Decimal | None
    assistant: Decimal | None
    minimum_wage: Decimal | None
    average_wage: Decimal | None


def month(offset: int) -> date:
    index = FIRST_MONTH.year * 12 + FIRST_MONTH.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def median(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return cents(ordered[middle])
    return cents((ordered[middle - 1] + ordered[middle]) / 2)


ratio = share  # full-time pay against a benchmark: a share kept to four places
percent = whole_percent


def build(world, monthly, bonuses, benchmarks) -> list[Paid]:
    """Save the generated staff, pay records and benchmarks; return what was paid."""
    PayRecord.objects.all().delete()
    StaffMember.objects.all().delete()
    WageBenchmark.objects.all().delete()
    InsuranceRates.objects.all().delete()
    for year, (minimum, average) in benchmarks.items():
        WageBenchmarkFactory(
            district=world.district,
            year=year,
            minimum_wage=Decimal(minimum) / 100,
            average_wage=Decimal(average) / 100,
        )
    rates = InsuranceRatesFactory(district=world.district, year=2025)
    employer = DepartmentFactory(district=world.district)
    communities = [world.community_a, world.community_a2, world.community_b]
    people = {}
    for i, community in enumerate(communities):
        for slot, kind in enumerate(SLOTS):
            extra = {"employer": employer, "grade": None} if kind == "assistant" else {}
            people[i, slot] = StaffMemberFactory(community=community, kind=kind, **extra)
    paid = []
    payments = [(key, basic, insured, MONTHLY) for key, (basic, insured) in monthly.items()]
    payments += [(key, basic, False, PayRecord.Kind.BONUS) for key, basic in bonuses.items()]
    for (i, slot, offset), basic, insured, kind in payments:
        record = make_pay(
            people[i, slot],
            month(offset),
            Decimal(basic) / 100,
            rates=rates if insured else None,
            kind=kind,
        )
        paid.append(Paid(i, SLOTS[slot], record.month, kind, record.net))
    return paid


def in_force(benchmarks, year: int) -> tuple[Decimal, Decimal] | None:
    years = [y for y in benchmarks if y <= year]
    if not years:
        return None
    minimum, average = benchmarks[max(years)]
    return Decimal(minimum) / 100, Decimal(average) / 100


def median_net(paid, communities, staff_kind, first: date, last: date) -> Decimal | None:
    return median(
        [
            p.net
            for p in paid
            if p.community in communities
            and p.staff_kind == staff_kind
            and p.kind == MONTHLY
            and first <= p.month <= last
        ]
    )


def figures(paid, benchmarks, communities) -> Figures:
    """The pay figures of the year YEAR for a group of communities."""
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 1)
    wages = in_force(benchmarks, YEAR) or (None, None)
    return Figures(
        fulltime=median_net(paid, communities, "fulltime", first, last),
        assistant=median_net(paid, communities, "assistant", first, last),
        minimum_wage=wages[0],
        average_wage=wages[1],
    )


def assert_flags(found: dict, expected: Figures) -> None:
    assert found[FlagKind.PAY_VS_MINIMUM].value == ratio(expected.fulltime, expected.minimum_wage)
    assert found[FlagKind.PAY_VS_ASSISTANTS].value == ratio(expected.fulltime, expected.assistant)


def assert_pay_panel(panels, expected: Figures) -> None:
    panel = next(p for p in panels if p.key == "pay")
    shown = [[cell.text for cell in row[1:]] for row in panel.rows]
    values = (expected.fulltime, expected.assistant, expected.minimum_wage, expected.average_wage)
    assert shown == [
        [format_money(value), percent(ratio(expected.fulltime, value))] for value in values
    ]


def street_dashboard(as_user, world, official_a, query):
    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    return as_user(official_a).get(url, query)


def assert_street_year(as_user, world, official_a, paid, benchmarks) -> None:
    """The street office's year: each community's flags, the office's totals and panel."""
    response = street_dashboard(as_user, world, official_a, {"period": "year", "at": YEAR})

    rows = {r.record["pk"]: r.record["flags"] for r in response.context["table"].rows}
    for i, community in zip(STREET_A, (world.community_a, world.community_a2), strict=True):
        assert_flags(rows[community.pk], figures(paid, benchmarks, {i}))
    assert_flags(response.context["table"].totals, figures(paid, benchmarks, set(STREET_A)))
    assert_pay_panel(response.context["panels"], figures(paid, benchmarks, set(STREET_A)))


def assert_community_years(as_user, world, staff_a, official_a, paid, benchmarks) -> None:
    """Each community's own year, as its staff and as the street office see it."""
    for i, community, viewer in (
        (0, world.community_a, staff_a),
        (1, world.community_a2, official_a),
    ):
        url = reverse("dashboards:community", args=[community.pk])
        response = as_user(viewer).get(url, {"period": "year", "at": YEAR})

        expected = figures(paid, benchmarks, {i})
        assert_flags({f.kind: f for f in response.context["flags"]}, expected)
        assert_pay_panel(response.context["panels"], expected)


def assert_pay_trend(as_user, world, official_a, paid, benchmarks, last_month) -> None:
    """The street office's month: the trend sets each month against its year's minimum."""
    months = [d for d in map(month, range(MONTHS)) if d <= date(YEAR, last_month, 1)][-12:]
    expected = {}
    for m in months:
        fulltime = median_net(paid, set(STREET_A), "fulltime", m, m)
        minimum_wage, _average = in_force(benchmarks, m.year) or (None, None)
        expected[m] = ratio(fulltime, minimum_wage)
    # The cells show whole percents; the ratios the panel printed are checked exactly too.
    printed = {}
    by_month = metrics.pay_ratios_by_month

    def recorded(*args):
        found = by_month(*args)
        printed.update({m: r.to_minimum_wage for m, r in found.items()})
        return found

    query = {"period": "month", "at": f"{YEAR}-{last_month:02d}"}
    with mock.patch.object(metrics, "pay_ratios_by_month", recorded):
        response = street_dashboard(as_user, world, official_a, query)

    trends = next(p for p in response.context["panels"] if p.key == "trends")
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        # The trend's column and the flag share one name.
        column = trends.headers.index(str(FlagKind.PAY_VS_MINIMUM.label))
    assert [row[0].text for row in trends.rows] == [f"{m:%Y-%m}" for m in months]
    assert [row[column].text for row in trends.rows] == [percent(expected[m]) for m in months]
    assert {m: printed.get(m) for m in months} == expected


# One property over the four pages: the records of an example are saved once (most of an
# example's time) and every page that shows pay is checked against them.
@SETTINGS
@given(monthly=monthly_pay, bonuses=bonuses, benchmarks=benchmarks, last_month=st.integers(1, 12))
@example(**ON_THE_EDGE, last_month=1)
def test_every_dashboards_pay_figures_match_medians_of_the_records(
    as_user, world, staff_a, official_a, monthly, bonuses, benchmarks, last_month
):
    cold_figures()
    paid = build(world, monthly, bonuses, benchmarks)

    assert_street_year(as_user, world, official_a, paid, benchmarks)
    assert_community_years(as_user, world, staff_a, official_a, paid, benchmarks)
    assert_pay_trend(as_user, world, official_a, paid, benchmarks, last_month)
