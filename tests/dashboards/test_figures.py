"""Every figure of the street-office dashboard equals a sum computed here from the records."""

from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.models import FlagKind
from funds.models import Income
from tasks.models import Nature, ResidentWork, Task, TimeEntry
from tests.factories import DepartmentFactory, StaffMemberFactory

YEAR = 2026
FIRST_DAY = date(2025, 11, 1)  # some records fall before the period on purpose
KINDS = ("admin", "community", "resident")

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
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=entries, incomes=incomes)
def test_the_street_dashboard_matches_sums_of_the_records(
    as_user, world, official_a, entries, incomes
):
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
    for i, kind, offset, amount in incomes:
        day = FIRST_DAY + timedelta(days=offset)
        Income.objects.create(
            community=communities[i], date=day, kind=kind, amount=amount, payer="区"
        )
        if day.year == YEAR:
            (allocated if kind == Income.Kind.ALLOCATION else pooled)[i] += amount

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


answers = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.sampled_from(("government", "residents", "unknown")),
        st.integers(0, 500),
    ),
    max_size=20,
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers=answers)
def test_the_street_dashboards_residents_view_matches_the_answers(
    as_user, world, official_a, answers
):
    from django.utils import timezone

    from surveys.models import Answer, Choice, Question, Response, Survey
    from tests.surveys.factories import SurveyFactory

    Answer.objects.all().delete()
    Response.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.all().delete()
    Survey.objects.all().delete()
    communities = [world.community_a, world.community_a2]
    questions, choices = [], []
    for c in communities:
        survey = SurveyFactory(community=c)
        q = Question.objects.create(
            survey=survey,
            order=1,
            text="您认为居委会是什么性质的组织？",
            kind=Question.Kind.SINGLE,
            purpose=Question.Purpose.COMMITTEE_NATURE,
            key="committee_nature",
        )
        questions.append(q)
        choices.append(
            {
                key: Choice.objects.create(question=q, order=n, text=key, key=key)
                for n, key in enumerate(("government", "residents", "unknown"), start=1)
            }
        )
    residents = [0, 0]
    counted = [0, 0]
    for i, key, offset in answers:
        day = FIRST_DAY + timedelta(days=offset)
        at = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))
        response = Response.objects.create(survey=questions[i].survey, submitted_at=at)
        Answer.objects.create(response=response, question=questions[i], choice=choices[i][key])
        if day <= date(YEAR, 12, 31):  # the latest survey, its answers up to the period's end
            counted[i] += 1
            residents[i] += key == "residents"

    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    response = as_user(official_a).get(url, {"period": "year", "at": YEAR})
    rows = {r.record["pk"]: r.record["flags"] for r in response.context["table"].rows}
    totals = response.context["table"].totals
    for i, c in enumerate(communities):
        flag = rows[c.pk].get(FlagKind.REPRESENTED_SHARE)
        expected = share(Decimal(residents[i]), Decimal(counted[i]))
        assert close(flag.value if flag else None, expected)
    total_flag = totals.get(FlagKind.REPRESENTED_SHARE)
    assert close(
        total_flag.value if total_flag else None,
        share(Decimal(sum(residents)), Decimal(sum(counted))),
    )
