"""A street office's row on the district page is the flags of its communities together.

``flags_by_street_office`` gives, for every office at once and in a fixed number of
queries, what ``flags`` gives for one office's communities (its own sums, shares and
medians, not its worst community's). Held here on generated records (a year of hours,
tasks, money, pay and a survey) plus returns asked twice and a demand without a basis,
for a month, a year and custom dates.
"""

import dataclasses
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import translation

from committee import rollups as hook
from committee.models import Community
from committee.periods import Period
from dashboards import page_figures, read_ahead
from dashboards.flags import flags, flags_by_street_office
from dashboards.rollups import settle_pending
from dashboards.scale import generate
from paperwork.models import CapKind
from staff.models import WageBenchmark
from tests.conftest import TEST_TODAY
from tests.factories import DepartmentFactory
from tests.paperwork.conftest import demand, departments, items, make_return  # noqa: F401
from tests.tasks.factories import CatalogueItemFactory

# The year of the generated records: the latest whose first half (to 15 June, the suite's
# default day) is over on the frozen day, so every record below is dated before today.
YEAR = TEST_TODAY.year if date(TEST_TODAY.year, 6, 15) <= TEST_TODAY else TEST_TODAY.year - 1
PERIODS = [
    (date(YEAR, 5, 1), date(YEAR, 5, 31)),
    (date(YEAR, 1, 1), date(YEAR, 12, 31)),
    (date(YEAR, 2, 10), date(YEAR, 5, 20)),  # custom dates: live figures
]


def shown(found):
    return [(f.kind, f.value, f.severity, f.too_few, f.url) for f in found]


def generated_district(district) -> None:
    """Departments, catalogue items, a wage benchmark and two generated communities."""
    for _ in range(3):
        DepartmentFactory(district=district)
    CatalogueItemFactory(district=district, list="duty")
    CatalogueItemFactory(district=district, list="assist")
    WageBenchmark.objects.create(
        district=district,
        year=YEAR,
        minimum_wage=Decimal("2490"),
        average_wage=Decimal("9000"),
        disposable_income=Decimal("6000"),
    )
    generate(2, YEAR, district)


@pytest.mark.django_db
def test_each_office_is_the_flags_of_its_communities_together(
    world,
    make_return,  # noqa: F811
    demand,  # noqa: F811
):
    district = world.district
    generated_district(district)
    generate(1, YEAR, district, seed=5)
    # One data item asked in both communities of 甲街道: counted once for the office.
    make_return(world.community_a, "区民政局", ["常住人口", "户数"], date(YEAR, 5, 4))
    make_return(world.community_a2, "区统计局", ["常住人口"], date(YEAR, 5, 6))
    make_return(world.community_a2, "区城管局", ["常住人口", "低保户"], date(YEAR, 5, 8))
    demand(world.community_a, CapKind.MEETING, "创卫推进会", date(YEAR, 5, 9), basis="")
    settle_pending()

    communities = Community.objects.filter(street_office__district=district)
    offices = set(communities.values_list("street_office_id", flat=True))
    assert len(offices) == 4
    for start, end in PERIODS:
        by_office = flags_by_street_office(communities, start, end)
        assert set(by_office) == offices
        for office in offices:
            together = flags(communities.filter(street_office=office), start, end)
            assert shown(by_office[office]) == shown(together), (office, start, end)
    year = flags_by_street_office(communities, *PERIODS[1])
    generated = communities.filter(name__startswith="规模").first().street_office_id
    figures = {f.kind: f.value for f in year[generated]}
    for kind in ("admin_share", "usable_vs_costs", "pay_vs_minimum", "pay_vs_assistants"):
        assert figures[kind] is not None, kind  # the comparison above compared something
    may = flags_by_street_office(communities, *PERIODS[0])[world.street_a.pk]
    values = {f.kind: f.value for f in may}
    assert values["duplicate_asks"] is not None and values["over_cap"] == 1


@pytest.mark.django_db
def test_a_district_workbook_lists_the_street_offices_as_the_page_does(world):
    from committee.periods import Period
    from dashboards.workbooks import sheets
    from tests.dashboards.test_views import with_records

    with_records(world.community_b)  # 2 h, all administrative: 乙街道 is red
    communities = Community.objects.filter(street_office__district=world.district)
    period = Period.year(TEST_TODAY.year)  # the page's default: this year, the records' year
    with translation.override("en"):
        built = sheets(communities, period)
        found = {str(title): (columns, list(rows)) for title, columns, rows in built}
    columns, rows = found["Street offices"]
    assert columns[0][0] == "Street office"
    offices = [row[0] for row in rows]
    assert offices[0] == "乙街道" and set(offices) == {"甲街道", "乙街道"}
    admin = {row[0]: row[2] for row in rows if row[1] == "Administrative share of staff hours"}
    assert admin == {"乙街道": Decimal("1"), "甲街道": None}
    one_office = Community.objects.filter(street_office=world.street_a)
    with translation.override("en"):
        titles = {str(title) for title, _c, _r in sheets(one_office, period)}
    assert "Flags" in titles and "Street offices" not in titles


def same_charts(found: dict) -> dict:
    """The page's figures with each chart's own random id taken out."""
    panels = [
        dataclasses.replace(p, chart=p.chart and re.sub(r"chart-[0-9a-f-]{36}", "", p.chart))
        for p in found["panels"]
    ]
    return found | {"panels": panels}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads on a connection of their own")
@pytest.mark.django_db(transaction=True)  # another connection sees only what is committed
def test_a_districts_reads_ahead_give_the_page_it_gives_read_in_line(world, monkeypatch, settings):
    """A district's first visit starts its slowest reads (the pay medians' sort of every
    person-month, the department league, the approval queue) on a connection of their own
    (dashboards/read_ahead.py) and takes their answers when its figures ask: the same
    page as read in line, which is how it reads inside a transaction."""
    generated_district(world.district)
    settle_pending()
    communities = Community.objects.filter(street_office__district=world.district)
    period = Period.year(YEAR)
    with transaction.atomic(), hook.shared():  # a transaction's records: read in line
        in_line, _parts = page_figures.district(world.district, communities, period, 20, None)
    apart = []
    fetch = read_ahead._fetch

    def spy(alias, sql):
        apart.append(sql[0])
        return fetch(alias, sql)

    monkeypatch.setattr(read_ahead, "_fetch", spy)
    with hook.shared():
        ahead, _parts = page_figures.district(world.district, communities, period, 20, None)
    assert len(apart) == 4
    assert any("percentile_disc" in sql for sql in apart)
    assert any("dashboards_departmentmonth" in sql for sql in apart)
    assert same_charts(ahead) == same_charts(in_line)
    settings.READ_AHEAD = False
    with hook.shared():
        off, _parts = page_figures.district(world.district, communities, period, 20, None)
    assert len(apart) == 4  # none more: read in line
    assert same_charts(off) == same_charts(in_line)
    panels = {panel.key: panel for panel in in_line["panels"]}
    assert panels["departments"].rows and panels["approval_queue"].rows[0][0].text != "0"
    assert {f.kind for f in in_line["flags"] if f.value is not None} >= {"pay_vs_minimum"}
