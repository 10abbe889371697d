"""Factories for the staff app's pay models (StaffMemberFactory lives in tests/factories.py)."""

from datetime import date
from decimal import Decimal

import factory

from staff.models import InsuranceRates, PayRecord, WageBenchmark
from staff.services import apply_calculation
from tests.conftest import TEST_TODAY
from tests.factories import DistrictFactory, StaffMemberFactory  # noqa: F401 -- re-exported

VALID_ID = "11010519491231002X"  # GB 11643's published example, valid check digit


class WageBenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WageBenchmark

    district = factory.SubFactory(DistrictFactory)
    year = TEST_TODAY.year
    minimum_wage = Decimal("2420.00")
    average_wage = Decimal("8600.00")
    disposable_income = Decimal("52800.00")
    source = "测试"


class InsuranceRatesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuranceRates

    district = factory.SubFactory(DistrictFactory)
    year = TEST_TODAY.year
    base_minimum = Decimal("4000.00")
    base_maximum = Decimal("30000.00")
    pension_individual = Decimal("0.08")
    pension_employer = Decimal("0.16")
    medical_individual = Decimal("0.02")
    medical_employer = Decimal("0.09")
    unemployment_individual = Decimal("0.005")
    unemployment_employer = Decimal("0.005")
    injury_individual = Decimal("0")
    injury_employer = Decimal("0.004")
    maternity_individual = Decimal("0")
    maternity_employer = Decimal("0.008")
    housing_fund_individual = Decimal("0.12")
    housing_fund_employer = Decimal("0.12")


def make_pay(staff_member, month: date, basic, *, rates=None, kind=PayRecord.Kind.MONTHLY, **parts):
    """A saved pay record whose figures the calculator filled (no rates: no contributions)."""
    record = PayRecord(
        staff_member=staff_member, month=month, kind=kind, basic_pay=Decimal(basic), **parts
    )
    apply_calculation(record, rates=rates, given={})
    record.full_clean()
    record.save()
    return record
