"""Hours, pooling and department counts of the street-office dashboard, summed from the records.

The other figures have their own modules: test_task_figures (tasks), test_pay_figures (pay),
test_money_survey_figures (money, residents' view, the district).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.models import FlagKind
from funds.models import Income
from tasks.models import Nature, ResidentWork, Task, TimeEntry
from tests.conftest import cold_figures
from tests.examples import examples
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.rounding import half_up, whole_percent

YEAR = 2026
FIRST_DAY = date(2025, 11, 1)  # some records fall before the period on purpose
KINDS = ("admin", "community", "resident")
ZERO = Decimal("0")

entries = st.dictionaries(
    keys=st.tuples(st.integers(0, 1), st.sampled_from(KINDS), st.integers(0, 500)),
    values=st.integers(1, 32).map(lambda quarters: Decimal(quarters) / 4),
    max_size=25,
)
incomes = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.sampled_from((Income.Kind.ALLOCATION, Income.Kind.POOLING)),
        st.integers(0, 500),
        st.integers(1, 2_000_000).map(lambda cents: Decimal(cents) / 100),
    ),
    max_size=10,
)


def close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= Decimal("0.0001")


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    return part / whole if whole else None


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=entries, incomes=incomes)
def test_the_street_dashboard_matches_sums_of_the_records(
    as_user, world, official_a, entries, incomes
):
    cold_figures()
    TimeEntry.objects.all().delete()
    Task.objects.all().delete()
    Income.objects.all().delete()
    communities = [world.community_a, world.community_a2]
    department = DepartmentFactory(district=world.district)
    staff, tasks = [], []
    for c in communities:
        staff.append(StaffMemberFactory(community=c))
        tasks.append(
            {
                nature: Task.objects.create(
                    community=c,
                    title="t",
                    department=department,
                    category="forms",
                    nature=nature,
                    received_on=date(YEAR, 1, 5),
                )
                for nature in (Nature.ADMINISTRATIVE, Nature.COMMUNITY)
            }
        )
    admin = [Decimal("0")] * 2
    total = [Decimal("0")] * 2
    for (i, kind, offset), hours in entries.items():
        day = FIRST_DAY + timedelta(days=offset)
        task = {"admin": tasks[i][Nature.ADMINISTRATIVE], "community": tasks[i][Nature.COMMUNITY]}
        TimeEntry.objects.create(
            staff_member=staff[i],
            date=day,
            hours=hours,
            task=task.get(kind),
            resident_work="" if kind in task else ResidentWork.values[0],
        )
        if day.year == YEAR:
            total[i] += hours
            if kind == "admin":
                admin[i] += hours
    allocated = [Decimal("0")] * 2
    pooled = [Decimal("0")] * 2
    by_month = defaultdict(lambda: {Income.Kind.ALLOCATION: ZERO, Income.Kind.POOLING: ZERO})
    for i, kind, offset, amount in incomes:
        day = FIRST_DAY + timedelta(days=offset)
        Income.objects.create(
            community=communities[i], date=day, kind=kind, amount=amount, payer="区"
        )
        if day.year == YEAR:
            (allocated if kind == Income.Kind.ALLOCATION else pooled)[i] += amount
            by_month[day.month][kind] += amount

    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    response = as_user(official_a).get(url, {"period": "year", "at": YEAR})
    rows = {r.record["pk"]: r.record["flags"] for r in response.context["table"].rows}
    totals = response.context["table"].totals
    for i, c in enumerate(communities):
        assert close(rows[c.pk][FlagKind.ADMIN_SHARE].value, share(admin[i], total[i]))
        assert close(rows[c.pk][FlagKind.POOLED_SHARE].value, share(pooled[i], allocated[i]))
    assert close(totals[FlagKind.ADMIN_SHARE].value, share(sum(admin), sum(total)))
    assert close(totals[FlagKind.POOLED_SHARE].value, share(sum(pooled), sum(allocated)))
    league = next(p for p in response.context["panels"] if p.key == "departments")
    assert [row[1].text for row in league.rows] == [str(2 * len(communities))]

    trends = next(p for p in response.context["panels"] if p.key == "trends")
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        pooled_at = trends.headers.index(gettext("Pooled share"))
    for month, row in enumerate(trends.rows, start=1):
        assert row[0].text == f"{YEAR}-{month:02d}"
        money = by_month[month]
        expected = share(money[Income.Kind.POOLING], money[Income.Kind.ALLOCATION])
        assert row[pooled_at].text == shown_percent(expected), month


def shown_percent(value: Decimal | None) -> str:
    """A share as the trend prints it: kept to four places, then a whole percent."""
    return whole_percent(None if value is None else half_up(value, 4))
