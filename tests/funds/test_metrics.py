"""funds.metrics: the figures the dashboards compose, from the database."""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from committee.models import Community
from funds import metrics
from funds.models import BudgetLine, Expense, Income
from tests.examples import examples
from tests.funds.factories import (
    BudgetLineFactory,
    ExpenseFactory,
    IncomeFactory,
    category,
    make_task,
)

D = Decimal
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def books(community, *, allocated="15000", pooled="9000", essential=(), other=()):
    IncomeFactory(community=community, amount=D(allocated))
    if D(pooled):
        IncomeFactory(community=community, kind=Income.Kind.POOLING, amount=D(pooled))
    for code, amount in essential:
        ExpenseFactory(community=community, category=category(community, code), amount=D(amount))
    for code, amount in other:
        ExpenseFactory(community=community, category=category(community, code), amount=D(amount))


def test_the_report_numbers_give_the_report_gap(world):
    books(
        world.community_a,
        essential=[
            ("utilities", "4000"),
            ("phone", "2000"),
            ("internet", "3000"),
            ("consumables", "2000"),
            ("signboards", "4000"),
        ],
        other=[("meetings", "800")],
    )
    a = Community.objects.filter(pk=world.community_a.pk)
    s = metrics.summary(a, *YEAR)
    assert s.allocated == D("15000.00") and s.pooled == D("9000.00")
    assert s.usable == D("6000.00")
    assert s.essential_costs == D("15000.00")
    assert s.spent == D("15800.00")
    assert s.funding_gap == D("9000.00")
    assert s.pooled_share == D("0.6000")
    assert s.usable_essential_ratio == D("0.4000")
    assert metrics.funding_gap(a, *YEAR) == D("9000.00")
    assert metrics.usable(a, *YEAR) == D("6000.00")
    assert metrics.pooled_share(a, *YEAR) == D("0.6000")


def test_shares_are_none_when_there_is_nothing_to_divide_by(world):
    a = Community.objects.filter(pk=world.community_a.pk)
    assert metrics.pooled_share(a, *YEAR) is None
    assert metrics.usable_essential_ratio(a, *YEAR) is None
    assert metrics.funding_gap(a, *YEAR) == D("0.00")


def test_usable_money_counts_running_income_and_deducts_pooling(world):
    c = world.community_a
    task = make_task(c)
    for kind, amount in [
        (Income.Kind.ALLOCATION, "15000"),
        (Income.Kind.POOLING, "9000"),
        (Income.Kind.CONTRIBUTION, "500"),
        (Income.Kind.SERVICE, "250.50"),
        (Income.Kind.OTHER, "100"),
    ]:
        IncomeFactory(community=c, kind=kind, amount=D(amount))
    IncomeFactory(community=c, kind=Income.Kind.TASK_FUNDING, task=task, amount=D("1000"))
    one = Community.objects.filter(pk=c.pk)
    # Task funding is earmarked for its task: not usable running money, but in the balance.
    assert metrics.usable(one, *YEAR) == D("6850.50")
    assert metrics.task_funding(one, *YEAR) == D("1000.00")
    assert metrics.summary(one, *YEAR).balance == D("7850.50")


def test_the_period_is_inclusive_and_other_communities_stay_out(world):
    IncomeFactory(community=world.community_a, date=date(2025, 1, 1), amount=D("1"))
    IncomeFactory(community=world.community_a, date=date(2025, 12, 31), amount=D("2"))
    IncomeFactory(community=world.community_a, date=date(2026, 1, 1), amount=D("4"))
    IncomeFactory(community=world.community_b, date=date(2025, 6, 1), amount=D("8"))
    a = Community.objects.filter(pk=world.community_a.pk)
    assert metrics.allocated(a, *YEAR) == D("3.00")
    assert metrics.allocated(Community.objects.all(), *YEAR) == D("11.00")


def test_summing_ten_fen_a_thousand_times_gives_exactly_one_hundred_yuan(world):
    c = world.community_a
    Income.objects.bulk_create(
        [
            Income(community=c, date=date(2025, 5, 1), year=2025, kind="other", amount=D("0.10"))
            for _ in range(1000)
        ]
    )
    Expense.objects.bulk_create(
        [
            Expense(
                community=c,
                date=date(2025, 5, 1),
                year=2025,
                category=category(c),
                amount=D("0.10"),
            )
            for _ in range(1000)
        ]
    )
    qs = Community.objects.filter(pk=c.pk)
    s = metrics.summary(qs, *YEAR)
    assert s.other == D("100.00") and str(s.other) == "100.00"
    assert s.spent == D("100.00") and str(s.spent) == "100.00"
    assert s.balance == D("0.00")
    by_community = metrics.summary_by_community(qs, *YEAR)[c.pk]
    assert str(by_community.other) == "100.00" and str(by_community.spent) == "100.00"
    assert str(metrics.summary_by_month(qs, *YEAR)[date(2025, 5, 1)].other) == "100.00"


def test_no_float_in_the_funds_code():
    from pathlib import Path

    import funds

    for path in Path(funds.__file__).parent.rglob("*.py"):
        assert "float(" not in path.read_text(encoding="utf-8"), path


def test_by_community_has_every_community_in_one_query(world, django_assert_num_queries):
    books(world.community_a, essential=[("utilities", "10000")])
    books(world.community_b, allocated="20000", pooled="0")
    with django_assert_num_queries(1):
        found = metrics.summary_by_community(Community.objects.all(), *YEAR)
    assert set(found) == {world.community_a.pk, world.community_a2.pk, world.community_b.pk}
    assert found[world.community_a.pk].funding_gap == D("4000.00")
    assert found[world.community_b.pk].usable == D("20000.00")
    assert found[world.community_a2.pk].usable == D("0.00")
    gaps = metrics.funding_gap_by_community(Community.objects.all(), *YEAR)
    assert gaps[world.community_a.pk] == D("4000.00")
    # B's surplus does not fill A's gap.
    assert metrics.funding_gap(Community.objects.all(), *YEAR) == D("-16000.00")
    assert metrics.funding_shortfall(Community.objects.all(), *YEAR) == D("4000.00")


def test_the_number_of_queries_does_not_grow_with_communities(world, django_assert_num_queries):
    from tests.factories import CommunityFactory

    for community in CommunityFactory.create_batch(8, street_office=world.street_a):
        books(community, essential=[("phone", "100")])
    everyone = Community.objects.all()
    with django_assert_num_queries(2):
        metrics.summary(everyone, *YEAR)
    with django_assert_num_queries(2):
        metrics.summary_by_month(everyone, *YEAR)
    with django_assert_num_queries(2):
        metrics.budget_vs_actual(everyone, *YEAR)
    with django_assert_num_queries(3):
        metrics.scenario(everyone, *YEAR)


def test_by_month_covers_every_month(world):
    IncomeFactory(community=world.community_a, date=date(2025, 2, 10), amount=D("100"))
    ExpenseFactory(community=world.community_a, date=date(2025, 2, 11), amount=D("40"))
    months = metrics.summary_by_month(Community.objects.all(), *YEAR)
    assert list(months) == [date(2025, m, 1) for m in range(1, 13)]
    assert months[date(2025, 2, 1)].allocated == D("100.00")
    assert months[date(2025, 2, 1)].spent == D("40.00")
    assert months[date(2025, 3, 1)].spent == D("0.00")


def test_budget_against_actual_per_category(world):
    c = world.community_a
    BudgetLineFactory(community=c, category=category(c, "utilities"), planned=D("6000"))
    BudgetLineFactory(community=c, category=category(c, "training"), planned=D("500"))
    ExpenseFactory(community=c, category=category(c, "utilities"), amount=D("6500"))
    ExpenseFactory(community=c, category=category(c, "repairs"), amount=D("300"))
    rows = {r.code: r for r in metrics.budget_vs_actual(Community.objects.all(), *YEAR)}
    assert (rows["utilities"].planned, rows["utilities"].actual) == (D("6000.00"), D("6500.00"))
    assert rows["utilities"].variance == D("-500.00")
    assert rows["training"].variance == D("500.00")
    assert rows["repairs"].planned == D("0.00")
    assert metrics.essential_costs_planned(Community.objects.all(), *YEAR) == D("6000.00")
    planned = metrics.essential_costs_planned_by_community(Community.objects.all(), *YEAR)
    assert planned == {
        world.community_a.pk: D("6000.00"),
        world.community_a2.pk: D("0.00"),
        world.community_b.pk: D("0.00"),
    }
    assert BudgetLine.objects.count() == 2


def test_spending_by_category_puts_essential_costs_first(world):
    c = world.community_a
    ExpenseFactory(community=c, category=category(c, "meetings"), amount=D("10"))
    ExpenseFactory(community=c, category=category(c, "internet"), amount=D("20"))
    ExpenseFactory(community=c, category=category(c, "internet"), amount=D("5"))
    rows = metrics.spent_by_category(Community.objects.all(), *YEAR)
    assert [(r.code, r.amount, r.essential) for r in rows] == [
        ("internet", D("25.00"), True),
        ("meetings", D("10.00"), False),
    ]


def test_money_spent_on_tasks_that_came_without_money(world):
    c = world.community_a
    funded, unfunded = make_task(c), make_task(c, title="挂牌")
    IncomeFactory(community=c, kind=Income.Kind.TASK_FUNDING, task=funded, amount=D("100"))
    funded.money_received = D("100")
    funded.save()
    ExpenseFactory(community=c, task=funded, amount=D("80"))
    ExpenseFactory(community=c, task=unfunded, amount=D("4000"))
    ExpenseFactory(community=c, amount=D("1"))
    everyone = Community.objects.all()
    spending = metrics.task_spending(everyone, *YEAR)
    assert spending.on_tasks == D("4080.00")
    assert spending.on_unfunded_tasks == D("4000.00")
    assert metrics.unfunded_task_spending(everyone, *YEAR) == D("4000.00")
    by_community = metrics.unfunded_task_spending_by_community(everyone, *YEAR)
    assert by_community[c.pk] == D("4000.00") and by_community[world.community_b.pk] == D("0.00")


def test_projection_follows_the_pace_of_spending(world):
    c = world.community_a
    IncomeFactory(community=c, date=date(2025, 1, 2), amount=D("7300"))
    ExpenseFactory(community=c, date=date(2025, 3, 1), amount=D("1800"))
    p = metrics.projection(Community.objects.all(), *YEAR, on=date(2025, 4, 10))
    # 1,800 in 100 days → 6,570 in 365 days.
    assert p.spent_so_far == D("1800.00")
    assert p.projected_spending == D("6570.00")
    assert p.projected_balance == D("730.00")
    assert p.balance_so_far == D("5500.00")


def test_scenarios_show_the_gap_that_would_remain(world):
    books(world.community_a, essential=[("utilities", "15000")])
    s = metrics.scenario(Community.objects.filter(pk=world.community_a.pk), *YEAR)
    assert s.gap_now == D("9000.00")
    # ¥30,000 with 60 % still pooled → 12,000 usable.
    assert s.gap_with_allocation == D("3000.00")
    assert s.gap_without_pooling == D("0.00")
    assert s.gap_with_allocation_without_pooling == D("-15000.00")
    by_community = metrics.scenario_by_community(Community.objects.all(), *YEAR, D("20000"))
    assert by_community[world.community_a.pk].gap_with_allocation == D("7000.00")


amounts = st.lists(
    st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2), min_size=1, max_size=15
)


@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(incomes=amounts, spending=amounts)
def test_the_metrics_equal_sums_computed_independently(world, incomes, spending):
    c = world.community_a
    Income.objects.all().delete()
    Expense.objects.all().delete()
    Income.objects.bulk_create(
        [
            Income(community=c, date=date(2025, 6, 1), year=2025, kind="service", amount=a)
            for a in incomes
        ]
    )
    Expense.objects.bulk_create(
        [
            Expense(community=c, date=date(2025, 6, 1), year=2025, category=category(c), amount=a)
            for a in spending
        ]
    )
    s = metrics.summary(Community.objects.all(), *YEAR)
    assert s.service == sum(incomes, D("0"))
    assert s.essential_costs == s.spent == sum(spending, D("0"))
    assert s.funding_gap == sum(spending, D("0")) - sum(incomes, D("0"))
