"""Factories of the tasks app's models (the hierarchy's are in tests/factories.py)."""

from datetime import date
from decimal import Decimal

import factory

from tasks import workdays
from tasks.models import CatalogueItem, Category, Nature, Outcome, Status, Task, TimeEntry
from tests.factories import CommunityFactory, DepartmentFactory, StaffMemberFactory


class CatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogueItem

    district = factory.SubFactory("tests.factories.DistrictFactory")
    list = "duty"
    category = "民主自治"
    item = factory.Sequence(lambda n: f"事项{n}")
    basis = "城市居民委员会组织法"
    valid_from = date(2020, 1, 1)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"任务{n}")
    department = factory.LazyAttribute(
        lambda o: DepartmentFactory(district=o.community.street_office.district)
    )
    received_on = date(2026, 3, 2)
    category = Category.FORMS
    nature = Nature.ADMINISTRATIVE
    outcome = Outcome.PENDING
    status = Status.PENDING
    decision_due = factory.LazyAttribute(lambda o: workdays.decision_due(o.received_on).day)
    money_promised = Decimal("0")
    money_received = Decimal("0")


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    staff_member = factory.SubFactory(StaffMemberFactory)
    date = date(2026, 3, 3)
    hours = Decimal("2")
    resident_work = "culture"
