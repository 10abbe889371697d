"""The demo books tell the field report's story, quickly and only once."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from committee.models import Community
from committee.periods import year_bounds
from funds import metrics
from funds.models import BudgetLine, Expense, FinancialYear, Income

D = Decimal


@pytest.fixture
def demo(demo_books, db):
    """The demo of this module (loaded once), each test in its own savepoint."""


def figure(page: str, name: str) -> Decimal:
    found = re.search(rf'data-figure="{name}">−?¥([\d,.-]+)<', page)
    return D(found.group(1).replace(",", ""))


@pytest.mark.parametrize("years_ago", [1, 0])
def test_aiguo_shows_the_report_gap_on_the_page_and_in_the_metrics(demo, client, years_ago):
    year = timezone.localdate().year - years_ago
    aiguo = Community.objects.get(code="XX-01-01")
    s = metrics.summary(Community.objects.filter(pk=aiguo.pk), *year_bounds(year))
    if years_ago:
        # A whole year: the field report's figures.
        assert s.allocated == D("15000.00")
        assert D("4000") <= s.usable <= D("8000")
        assert D("13500") <= s.essential_costs <= D("16500")
        assert D("7000") <= s.funding_gap <= D("11000")
    else:
        # This year so far: the allocation comes ¥1,250 a month, and the gap is already there.
        assert s.allocated == D("1250.00") * timezone.localdate().month
        assert s.usable < s.essential_costs

    client.force_login(get_user_model().objects.get(username="aiguo"))
    page = client.get(reverse("funds:community_year", args=[aiguo.pk, year])).content.decode()
    assert figure(page, "allocated") == s.allocated
    assert figure(page, "usable") == s.usable
    assert figure(page, "essential") == s.essential_costs
    assert figure(page, "gap") == s.funding_gap


def test_every_demo_community_has_two_years_of_books(demo):
    this_year = timezone.localdate().year
    for community in Community.objects.all():
        for year in (this_year - 1, this_year):
            assert Income.objects.filter(community=community, year=year).exists()
            assert Expense.objects.filter(community=community, year=year).exists()
            assert BudgetLine.objects.filter(community=community, year=year).exists()
    assert FinancialYear.objects.filter(year=this_year - 1, closed_at__isnull=False).count() == 6


def test_the_demo_task_money_agrees_with_the_books(demo):
    from tasks.models import Task

    # The demo books cover last year and this year; so do the tasks' money records.
    first_day = timezone.localdate().replace(year=timezone.localdate().year - 1, month=1, day=1)
    for task in Task.objects.filter(money_received__gt=0, received_on__gte=first_day):
        booked = sum(i.amount for i in task.funding.all())
        assert booked == task.money_received


def test_loading_the_demo_again_changes_nothing_and_costs_a_few_queries(
    demo, django_assert_max_num_queries
):
    from committee import demo as committee_demo
    from funds import demo as funds_demo

    counts = (Income.objects.count(), Expense.objects.count(), BudgetLine.objects.count())
    world = committee_demo.load()
    # The books are there already: the funds part only looks (one query for each of
    # the six communities' two years, two to start), it writes nothing.
    with django_assert_max_num_queries(14):
        funds_demo.load(world)
    assert counts == (Income.objects.count(), Expense.objects.count(), BudgetLine.objects.count())
