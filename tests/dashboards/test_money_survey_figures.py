"""The money, survey and district figures equal sums computed here from the records (#7).

Each test builds random records with hypothesis, works out in plain Python, from those
records alone (never through an app's metrics), what every figure must be, and reads
the figures off the pages: the flags, the tables' totals and the panels' rows. Pages are
asked for in English so that rows can be found by their labels.

Rounding is the one in use for published figures (四舍五入, half up): shares to four
places, averages to two, percentages shown to the whole percent, money to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from committee.models import Community
from dashboards.models import FlagKind
from funds.models import Category, Expense, Income
from surveys.models import Answer, Choice, Question, Response, Survey
from tasks.models import Nature, ResidentWork, Task, TimeEntry
from tests.conftest import cold_figures
from tests.examples import examples
from tests.factories import CommunityFactory, DepartmentFactory, StaffMemberFactory
from tests.rounding import half_up, share, whole_percent

YEAR = 2026
FIRST_DAY = date(2025, 11, 1)  # records from here to 500 days on: before, in and after 2026
DAYS = 500
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
FOUR_PLACES = Decimal("0.0001")
FEN = Decimal("0.01")
ZERO = Decimal("0.00")

few_examples = settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def day_of(offset: int) -> date:
    return FIRST_DAY + timedelta(days=offset)


def at_ten(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


ratio = share  # part / whole to four places, half up; None without a whole


def percent_text(part, whole) -> str:
    """A share as the panels show it: the whole percent of the exact fraction, half up."""
    return whole_percent(Fraction(part) / Fraction(whole) if whole else None)


def yuan(amount: Decimal) -> str:
    """¥1,234.50, or -¥1,234.50."""
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


def panel(response, key: str):
    return next(p for p in response.context["panels"] if p.key == key)


def flag_value(found: dict, kind: str) -> Decimal | None:
    flag = found.get(kind)
    return flag.value if flag else None


def close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= FOUR_PLACES


def street_page(client, world, period: dict):
    """The street office's page, its figures computed for this request (a page asked for
    twice in one example would be the kept one, with no figures in its context)."""
    cold_figures()
    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    return client.get(url, period, **ENGLISH)


def community_page(client, community, period: dict):
    cold_figures()
    url = reverse("dashboards:community", args=[community.pk])
    return client.get(url, period, **ENGLISH)


# --- money ------------------------------------------------------------------------------

INCOME_KINDS = [kind for kind, _label in Income.Kind.choices]
cents = st.integers(1, 2_000_000).map(lambda n: Decimal(n) / 100)
incomes = st.lists(
    st.tuples(st.integers(0, 2), st.sampled_from(INCOME_KINDS), st.integers(0, DAYS), cents),
    max_size=14,
)
expenses = st.lists(
    st.tuples(st.integers(0, 2), st.booleans(), st.integers(0, DAYS), cents), max_size=10
)


@dataclass
class Books:
    """One community's money in the period, added up here from the records."""

    income: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(INCOME_KINDS, ZERO))
    essential: Decimal = ZERO

    def __add__(self, other: Books) -> Books:
        return Books(
            {kind: self.income[kind] + other.income[kind] for kind in INCOME_KINDS},
            self.essential + other.essential,
        )

    @property
    def usable(self) -> Decimal:
        i = self.income
        return i["allocation"] - i["pooling"] + i["contribution"] + i["service"] + i["other"]

    @property
    def usable_vs_costs(self) -> Decimal | None:
        return ratio(self.usable, self.essential)

    @property
    def pooled_share(self) -> Decimal | None:
        return ratio(self.income["pooling"], self.income["allocation"])

    def money_rows(self) -> list[tuple[str, str]]:
        """The money panel's rows: label and amount, or none when every figure is zero."""
        i = self.income
        figures = [
            ("Allocated", i["allocation"]),
            ("Pooled by the street office", -i["pooling"]),
            ("Contributions", i["contribution"]),
            ("Services", i["service"]),
            ("Other income", i["other"]),
            ("Usable", self.usable),
            ("Essential running costs", -self.essential),
            ("Gap (costs not covered)", self.essential - self.usable),
            ("Money that came with tasks (earmarked for them, not usable)", i["task_funding"]),
        ]
        if not any(amount for _label, amount in figures):
            return []
        return [(label, yuan(amount)) for label, amount in figures]


def save_money(communities, incomes, expenses) -> None:
    """Save the generated income (task money with a task of its own) and expenses."""
    Income.objects.all().delete()
    Expense.objects.all().delete()
    Task.objects.all().delete()
    for i, kind, offset, amount in incomes:
        day, community = day_of(offset), communities[i]
        task = None
        if kind == Income.Kind.TASK_FUNDING:
            task = Task.objects.create(
                community=community,
                title="人口普查",
                department=DepartmentFactory(district=community.street_office.district),
                category="statistics",
                received_on=day,
            )
        Income.objects.create(
            community=community, date=day, kind=kind, amount=amount, payer="区", task=task
        )
    for i, essential, offset, amount in expenses:
        community = communities[i]
        category = Category.objects.get(
            district=community.street_office.district, code="utilities" if essential else "meetings"
        )
        Expense.objects.create(
            community=community, date=day_of(offset), category=category, amount=amount
        )


def books_of(incomes, expenses, start: date, end: date, communities: int = 3) -> list[Books]:
    """Each community's books for [start, end], added up from the generated records."""
    books = [Books() for _c in range(communities)]
    for i, kind, offset, amount in incomes:
        if start <= day_of(offset) <= end:
            books[i].income[kind] += amount
    for i, essential, offset, amount in expenses:
        if start <= day_of(offset) <= end and essential:
            books[i].essential += amount
    return books


def shown_money(response) -> list[tuple[str, str]]:
    return [(row[0].text, row[1].text) for row in panel(response, "money").rows]


@few_examples
@given(incomes=incomes, expenses=expenses)
@example(incomes=[(0, Income.Kind.TASK_FUNDING, 100, Decimal("800.00"))], expenses=[])
def test_the_money_figures_are_the_sums_of_income_and_expenses(
    as_user, world, official_a, incomes, expenses
):
    cold_figures()
    save_money([world.community_a, world.community_a2, world.community_b], incomes, expenses)
    a, a2, _b = books_of(incomes, expenses, date(YEAR, 1, 1), date(YEAR, 12, 31))
    client = as_user(official_a)

    response = street_page(client, world, {"period": "year", "at": YEAR})
    rows = {r.record["pk"]: r.record["flags"] for r in response.context["table"].rows}
    totals = response.context["table"].totals
    for community, books in ((world.community_a, a), (world.community_a2, a2)):
        assert flag_value(rows[community.pk], FlagKind.USABLE_VS_COSTS) == books.usable_vs_costs
        assert flag_value(rows[community.pk], FlagKind.POOLED_SHARE) == books.pooled_share
    both = a + a2
    assert flag_value(totals, FlagKind.USABLE_VS_COSTS) == both.usable_vs_costs
    assert flag_value(totals, FlagKind.POOLED_SHARE) == both.pooled_share
    assert shown_money(response) == both.money_rows()

    for period, (start, end) in (
        ({"period": "year", "at": YEAR}, (date(YEAR, 1, 1), date(YEAR, 12, 31))),
        ({"period": "quarter", "at": f"{YEAR}-Q2"}, (date(YEAR, 4, 1), date(YEAR, 6, 30))),
    ):
        own = books_of(incomes, expenses, start, end)[0]
        response = community_page(client, world.community_a, period)
        found = {f.kind: f for f in response.context["flags"]}
        assert flag_value(found, FlagKind.USABLE_VS_COSTS) == own.usable_vs_costs
        assert shown_money(response) == own.money_rows()


# --- surveys ----------------------------------------------------------------------------

NATURE_KEYS = (Choice.GOVERNMENT, Choice.RESIDENTS, Choice.UNKNOWN)
answer = st.tuples(
    st.integers(0, DAYS),  # submitted on
    st.sampled_from((*NATURE_KEYS, None)),  # the committee's nature, or left out
    st.none() | st.integers(1, 5),  # satisfaction, or left out
)
survey = st.fixed_dictionaries(
    {
        "opens": st.none() | st.integers(0, DAYS),
        "created": st.integers(0, DAYS),
        "answers": st.lists(answer, max_size=8),
    }
)
surveys_of_three = st.tuples(
    st.lists(survey, min_size=2, max_size=3),
    st.lists(survey, min_size=2, max_size=3),
    st.lists(survey, max_size=2),
)


@dataclass
class Asked:
    """A generated survey as saved: when it counts from, and its answers."""

    pk: int
    title: str
    day: date  # its opening, or the day it was created
    created_at: datetime
    answers: list[tuple[date, str | None, int | None]]

    def nature(self, end: date) -> list[str]:
        return [key for day, key, _rating in self.answers if key and day <= end]

    def ratings(self, end: date) -> list[int]:
        return [rating for day, _key, rating in self.answers if rating and day <= end]


def record_surveys(world, generated) -> list[list[Asked]]:
    """Save the generated surveys (and a street office's own, to be left out)."""
    Answer.objects.all().delete()
    Response.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.all().delete()
    Survey.objects.all().delete()
    communities = [world.community_a, world.community_a2, world.community_b]
    saved: list[list[Asked]] = []
    for c, (community, specs) in enumerate(zip(communities, generated, strict=True)):
        saved.append([])
        for s, spec in enumerate(specs):
            asked = save_survey(f"调查{c}-{s}", spec, community=community)
            saved[c].append(asked)
    street_survey = {"opens": 190, "created": 190, "answers": [(200, Choice.RESIDENTS, 5)]}
    save_survey("街道调查", street_survey, street_office=world.street_a)
    return saved


def save_survey(title: str, spec: dict, **owner) -> Asked:
    created_at = at_ten(day_of(spec["created"]))
    opens = None if spec["opens"] is None else day_of(spec["opens"])
    survey = Survey.objects.create(title=title, opens=opens, created_at=created_at, **owner)
    nature = Question.objects.create(
        survey=survey,
        order=1,
        text="您认为居委会是什么性质的组织？",
        kind=Question.Kind.SINGLE,
        purpose=Question.Purpose.COMMITTEE_NATURE,
    )
    options = {
        key: Choice.objects.create(question=nature, order=n, text=key, key=key)
        for n, key in enumerate(NATURE_KEYS, start=1)
    }
    rating = Question.objects.create(
        survey=survey,
        order=2,
        text="总体满意度",
        kind=Question.Kind.RATING,
        purpose=Question.Purpose.SATISFACTION,
    )
    answers = []
    for offset, key, stars in spec["answers"]:
        response = Response.objects.create(survey=survey, submitted_at=at_ten(day_of(offset)))
        if key:
            Answer.objects.create(response=response, question=nature, choice=options[key])
        if stars:
            Answer.objects.create(response=response, question=rating, number=stars)
        answers.append((day_of(offset), key, stars))
    return Asked(survey.pk, title, opens or day_of(spec["created"]), created_at, answers)


def latest(surveys: list[Asked], end: date, reads) -> Asked | None:
    """The survey opened last among those with an answer the figure reads by ``end``."""
    answered = [s for s in surveys if reads(s, end)]
    return max(answered, key=lambda s: (s.day, s.created_at, s.pk), default=None)


@dataclass
class View:
    """What the residents' view must show for some communities as of a day."""

    nature: list[Asked]  # each community's latest survey that asked what the committee is
    satisfaction: list[Asked]
    end: date

    @classmethod
    def of(cls, surveys_by_community: list[list[Asked]], end: date) -> View:
        nature = [latest(s, end, Asked.nature) for s in surveys_by_community]
        rated = [latest(s, end, Asked.ratings) for s in surveys_by_community]
        return cls([s for s in nature if s], [s for s in rated if s], end)

    def count(self, key: str | None = None) -> int:
        return sum(1 for s in self.nature for k in s.nature(self.end) if key in (None, k))

    @property
    def represented(self) -> Decimal | None:
        return ratio(self.count(Choice.RESIDENTS), self.count())

    def rows(self) -> list[tuple[str, str, str]]:
        total = self.count()
        ratings = [r for s in self.satisfaction for r in s.ratings(self.end)]
        mean = half_up(Fraction(sum(ratings), len(ratings)), 2) if ratings else "—"
        return [
            (label, str(self.count(key)), percent_text(self.count(key), total))
            for label, key in (
                ("represents the government", Choice.GOVERNMENT),
                ("represents residents", Choice.RESIDENTS),
                ("don't know", Choice.UNKNOWN),
            )
        ] + [("Average satisfaction (1–5)", str(mean), "")]


def shown_view(response) -> list[tuple[str, str, str]]:
    return [tuple(cell.text for cell in row) for row in panel(response, "survey").rows]


def results_link(survey: Asked, end: date) -> str:
    url = reverse("surveys:survey_results", args=[survey.pk])
    return f'<a href="{url}?end={end.isoformat()}">{survey.title}</a>'


def monthly_represented(surveys: list[Asked], month: date) -> str:
    """The trend's cell: every answer of the month, whichever survey it went to."""
    keys = [
        key
        for s in surveys
        for day, key, _rating in s.answers
        if key and (day.year, day.month) == (month.year, month.month)
    ]
    return percent_text(keys.count(Choice.RESIDENTS), len(keys))


PERIODS = [
    ({"period": "year", "at": YEAR}, date(YEAR, 12, 31)),
    ({"period": "month", "at": f"{YEAR}-06"}, date(YEAR, 6, 30)),
]
# Eight ratings averaging 3.125 and two of three residents for the government: the half-up
# rounding of an average and of a share shown as a percentage, whatever hypothesis draws.
ROUNDING = (
    [
        {"opens": 10, "created": 10, "answers": [(20, Choice.GOVERNMENT, 3)] * 5},
        {
            "opens": 40,
            "created": 40,
            "answers": [(50, Choice.GOVERNMENT, 3), (50, Choice.GOVERNMENT, 3)]
            + [(50, None, 3)] * 5
            + [(50, Choice.RESIDENTS, 4)],  # 2 of 3 for the government; ratings 25 / 8
        },
    ],
    [
        {"opens": None, "created": 5, "answers": [(30, Choice.UNKNOWN, 1)]},
        {"opens": 400, "created": 0, "answers": [(450, Choice.RESIDENTS, 5)]},
    ],
    [],
)


@few_examples
@given(generated=surveys_of_three)
@example(generated=ROUNDING)
def test_the_residents_view_comes_from_each_communitys_latest_survey(
    as_user, world, official_a, generated
):
    cold_figures()
    surveys = record_surveys(world, generated)
    client = as_user(official_a)
    for period, end in PERIODS:
        response = street_page(client, world, period)
        rows = {r.record["pk"]: r.record["flags"] for r in response.context["table"].rows}
        for c, community in enumerate((world.community_a, world.community_a2)):
            expected = View.of([surveys[c]], end).represented
            assert flag_value(rows[community.pk], FlagKind.REPRESENTED_SHARE) == expected
        street = View.of(surveys[:2], end)
        totals = response.context["table"].totals
        assert flag_value(totals, FlagKind.REPRESENTED_SHARE) == street.represented
        assert shown_view(response) == street.rows()

        response = community_page(client, world.community_a, period)
        own = View.of(surveys[:1], end)
        found = {f.kind: f for f in response.context["flags"]}
        assert flag_value(found, FlagKind.REPRESENTED_SHARE) == own.represented
        assert shown_view(response) == own.rows()
        note = str(panel(response, "survey").note)
        for named in own.nature + own.satisfaction:
            assert results_link(named, end) in note
            assert f"(opened {named.day.isoformat()})" in note
        if not own.nature and not own.satisfaction:
            assert f"No survey answered by {end.isoformat()}." in note

    response = street_page(client, world, {"period": "year", "at": YEAR})
    trends = panel(response, "trends")
    column = trends.headers.index("Residents who feel represented")
    for row in trends.rows:
        month = date.fromisoformat(row[0].text + "-01")
        assert row[column].text == monthly_represented(surveys[0] + surveys[1], month)


# --- the district -----------------------------------------------------------------------

HOURS_KINDS = ("admin", "community", "resident")
hours = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(HOURS_KINDS),
        st.integers(0, DAYS),
        st.integers(1, 32).map(lambda quarters: Decimal(quarters) / 4),
    ),
    max_size=20,
    unique_by=lambda entry: entry[:3],  # one entry a day per staff member and task
)
money_of_four = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from([Income.Kind.ALLOCATION, Income.Kind.POOLING, Income.Kind.SERVICE]),
        st.integers(0, DAYS),
        cents,
    ),
    max_size=14,
)
costs_of_four = st.lists(
    st.tuples(st.integers(0, 3), st.booleans(), st.integers(0, DAYS), cents), max_size=8
)


def record_hours(communities, entries, start: date, end: date) -> list[tuple[Decimal, Decimal]]:
    """Save the generated hours; (administrative, all) hours of each community in the period."""
    TimeEntry.objects.all().delete()
    found = [(Decimal(0), Decimal(0)) for _c in communities]
    for c, community in enumerate(communities):
        staff = StaffMemberFactory(community=community)
        tasks = {
            kind: Task.objects.create(
                community=community,
                title="t",
                department=DepartmentFactory(district=community.street_office.district),
                category="forms",
                nature=nature,
                received_on=FIRST_DAY,
            )
            for kind, nature in (("admin", Nature.ADMINISTRATIVE), ("community", Nature.COMMUNITY))
        }
        for i, kind, offset, amount in entries:
            if i != c:
                continue
            day = day_of(offset)
            TimeEntry.objects.create(
                staff_member=staff,
                date=day,
                hours=amount,
                task=tasks.get(kind),
                resident_work="" if kind in tasks else ResidentWork.SAFETY,
            )
            if start <= day <= end:
                admin, total = found[c]
                found[c] = (admin + (amount if kind == "admin" else 0), total + amount)
    return found


@few_examples
@given(entries=hours, incomes=money_of_four, expenses=costs_of_four)
def test_the_district_shows_each_street_office_on_its_own_totals_and_the_worst_communities(
    as_user, world, district_officer, entries, incomes, expenses
):
    cold_figures()
    b2 = Community.objects.filter(street_office=world.street_b).exclude(
        pk=world.community_b.pk
    ).first() or CommunityFactory(street_office=world.street_b, name="乙二社区")
    communities = [world.community_a, world.community_a2, world.community_b, b2]
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    TimeEntry.objects.all().delete()  # before their tasks go
    save_money(communities, incomes, expenses)
    books = books_of(incomes, expenses, start, end, communities=4)
    worked = record_hours(communities, entries, start, end)

    url = reverse("dashboards:district", args=[world.district.pk])
    response = as_user(district_officer).get(url, {"period": "year", "at": YEAR}, **ENGLISH)
    rows = {r.record["pk"]: r.record for r in response.context["table"].rows}
    for office, (c1, c2) in ((world.street_a, (0, 1)), (world.street_b, (2, 3))):
        # The office's own sums, not the worst of its communities.
        admin = worked[c1][0] + worked[c2][0]
        logged = worked[c1][1] + worked[c2][1]
        own = books[c1] + books[c2]
        shown = rows[office.pk]["flags"]
        assert close(flag_value(shown, FlagKind.ADMIN_SHARE), admin / logged if logged else None)
        assert flag_value(shown, FlagKind.POOLED_SHARE) == own.pooled_share, office.name
        assert flag_value(shown, FlagKind.USABLE_VS_COSTS) == own.usable_vs_costs, office.name

    # Beneath, every community (fewer than twenty here) with its own figures.
    listed = {r.record["pk"]: r.record for r in response.context["worst_table"].rows}
    assert set(listed) == {c.pk for c in communities}
    for c, community in enumerate(communities):
        admin, logged = worked[c]
        shown = listed[community.pk]["flags"]
        assert close(flag_value(shown, FlagKind.ADMIN_SHARE), admin / logged if logged else None)
        assert flag_value(shown, FlagKind.POOLED_SHARE) == books[c].pooled_share
        assert listed[community.pk]["street_office"] == community.street_office.name

    totals = response.context["table"].totals
    admin = sum(a for a, _t in worked)
    logged = sum(t for _a, t in worked)
    district = books[0] + books[1] + books[2] + books[3]
    assert close(flag_value(totals, FlagKind.ADMIN_SHARE), admin / logged if logged else None)
    assert flag_value(totals, FlagKind.POOLED_SHARE) == district.pooled_share
    assert flag_value(totals, FlagKind.USABLE_VS_COSTS) == district.usable_vs_costs
