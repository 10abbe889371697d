"""Factories for the funds app's records (the hierarchy's come from tests/factories.py)."""

from datetime import date
from decimal import Decimal

import factory

from funds.models import BudgetLine, Category, Expense, Income
from tests.factories import CommunityFactory, DepartmentFactory


def category(community, code: str = "utilities") -> Category:
    """One of the district's default categories (every district gets them when created)."""
    return Category.objects.get(district=community.street_office.district, code=code)


class IncomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Income

    community = factory.SubFactory(CommunityFactory)
    date = date(2025, 3, 1)
    kind = Income.Kind.ALLOCATION
    payer = "区民政局"
    amount = Decimal("15000.00")


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    community = factory.SubFactory(CommunityFactory)
    date = date(2025, 4, 1)
    category = factory.LazyAttribute(lambda o: category(o.community))
    payee = "供电公司"
    amount = Decimal("500.00")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    community = factory.SubFactory(CommunityFactory)
    year = 2025
    category = factory.LazyAttribute(lambda o: category(o.community))
    planned = Decimal("6000.00")


def make_task(community, **kwargs):
    """A task pushed down to the community (the tasks app's own factories may differ)."""
    from tasks.models import Task

    defaults = {
        "title": "人口普查入户登记",
        "department": DepartmentFactory(district=community.street_office.district),
        "category": "statistics",
    }
    return Task.objects.create(community=community, **{**defaults, **kwargs})
