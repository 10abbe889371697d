"""The book rules (issue #5), called as the views, imports and demo call them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.models import Category, Expense, FinancialYear, FundsLogEntry, Income
from tests.funds.factories import IncomeFactory, category, make_task

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    """The services' messages, read in English (the pages test the Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def income(world, user, **fields):
    values = {
        "date": date(2025, 3, 1),
        "kind": Income.Kind.ALLOCATION,
        "amount": "15000",
        "payer": "区民政局",
        "voucher": "",
    }
    return services.record_income(community=world.community_a, user=user, **{**values, **fields})


def expense(world, user, **fields):
    values = {
        "date": date(2025, 4, 1),
        "category": category(world.community_a),
        "amount": "500",
        "payee": "供电公司",
        "voucher": "",
    }
    return services.record_expense(community=world.community_a, user=user, **{**values, **fields})


def test_every_district_gets_the_default_categories(world):
    codes = set(Category.objects.filter(district=world.district).values_list("code", flat=True))
    assert {"utilities", "phone", "internet", "consumables", "signboards", "other"} <= codes
    essential = Category.objects.filter(district=world.district, essential=True)
    assert set(essential.values_list("code", flat=True)) == {
        "utilities",
        "phone",
        "internet",
        "consumables",
        "signboards",
    }


def test_it_records_income_with_who_and_a_log_entry(world, staff_a):
    saved = income(world, staff_a, amount="15000.5")
    saved.refresh_from_db()
    assert saved.amount == D("15000.50")
    assert saved.year == 2025
    assert saved.recorded_by == staff_a
    entry = FundsLogEntry.objects.get()
    assert (entry.user, entry.action, entry.year) == (staff_a, "add", 2025)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("10.005", "two decimals"),
        ("ten", "like 1234.50"),
        ("NaN", "like 1234.50"),
    ],
)
def test_it_refuses_bad_amounts_and_saves_nothing(world, staff_a, amount, message):
    with pytest.raises(ValidationError) as refused:
        income(world, staff_a, amount=amount)
    assert message in str(refused.value.message_dict["amount"])
    assert not Income.objects.exists()
    assert not FundsLogEntry.objects.exists()


def test_it_refuses_a_float_amount(world, staff_a):
    with pytest.raises(ValidationError):
        income(world, staff_a, amount=0.1)


def test_a_voucher_is_used_once_per_community_and_year_across_income_and_expenses(world, staff_a):
    income(world, staff_a, voucher="2025-001")
    with pytest.raises(ValidationError) as refused:
        expense(world, staff_a, voucher="2025-001")
    assert "2025-001" in str(refused.value.message_dict["voucher"])
    assert not Expense.objects.exists()
    # Another year, or another community, may use the same number.
    income(world, staff_a, voucher="2025-001", date=date(2026, 1, 5))
    services.record_income(
        community=world.community_b,
        user=None,
        date=date(2025, 3, 1),
        kind=Income.Kind.ALLOCATION,
        amount="1",
        voucher="2025-001",
    )
    assert Income.objects.filter(voucher="2025-001").count() == 3


def test_changing_a_record_keeps_its_own_voucher(world, staff_a):
    saved = income(world, staff_a, voucher="V1")
    services.change_income(income=saved, user=staff_a, amount="16000", voucher="V1")
    saved.refresh_from_db()
    assert saved.amount == D("16000.00")


def test_an_expense_that_overdraws_the_year_is_saved_and_flagged(world, staff_a):
    income(world, staff_a, amount="1000")
    first = expense(world, staff_a, amount="800")
    second = expense(world, staff_a, amount="300")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.overdraws, second.overdraws) == (False, True)


def test_pooling_counts_against_the_usable_money(world, staff_a):
    income(world, staff_a, amount="1000")
    income(world, staff_a, kind=Income.Kind.POOLING, amount="600", payer="街道")
    assert expense(world, staff_a, amount="500").overdraws is True


def test_an_expense_needs_a_category_of_its_own_district(world, staff_a):
    from tests.factories import DistrictFactory

    elsewhere = Category.objects.filter(district=DistrictFactory()).first()
    with pytest.raises(ValidationError) as refused:
        expense(world, staff_a, category=elsewhere)
    assert "category" in refused.value.message_dict


class TestClosedYears:
    def test_the_chair_closes_a_year_and_nothing_in_it_changes(self, world, chair_a, staff_a):
        saved = income(world, staff_a)
        services.close_year(community=world.community_a, year=2025, user=chair_a)
        with pytest.raises(ValidationError, match="closed"):
            services.change_income(income=saved, user=chair_a, amount="1")
        with pytest.raises(ValidationError, match="closed"):
            services.delete_income(income=saved, user=chair_a)
        with pytest.raises(ValidationError, match="closed"):
            income(world, staff_a, voucher="new")
        with pytest.raises(ValidationError, match="closed"):
            expense(world, staff_a)
        saved.refresh_from_db()
        assert saved.amount == D("15000.00")
        assert Income.objects.count() == 1 and not Expense.objects.exists()

    def test_a_record_cannot_be_moved_into_or_out_of_a_closed_year(self, world, chair_a, staff_a):
        open_one = income(world, staff_a, date=date(2026, 2, 1))
        services.close_year(community=world.community_a, year=2025, user=chair_a)
        with pytest.raises(ValidationError, match="closed"):
            services.change_income(income=open_one, user=staff_a, date=date(2025, 2, 1))
        open_one.refresh_from_db()
        assert open_one.date == date(2026, 2, 1)

    def test_only_the_chair_closes_and_only_the_district_reopens(
        self, world, staff_a, chair_a, official_a, district_officer
    ):
        for user in (staff_a, official_a, district_officer):
            with pytest.raises(PermissionDenied):
                services.close_year(community=world.community_a, year=2025, user=user)
        assert not FinancialYear.objects.filter(closed_at__isnull=False).exists()
        services.close_year(community=world.community_a, year=2025, user=chair_a)
        for user in (staff_a, chair_a, official_a):
            with pytest.raises(PermissionDenied):
                services.reopen_year(community=world.community_a, year=2025, user=user)
        assert services.is_closed(community=world.community_a, year=2025)
        services.reopen_year(
            community=world.community_a, year=2025, user=district_officer, reason="更正"
        )
        assert not services.is_closed(community=world.community_a, year=2025)
        actions = list(FundsLogEntry.objects.order_by("pk").values_list("action", flat=True))
        assert actions == ["close", "reopen"]


class TestTaskMoney:
    def test_task_funding_income_keeps_the_tasks_money_received(self, world, staff_a):
        task = make_task(world.community_a, money_promised=D("2000"))
        first = income(world, staff_a, kind=Income.Kind.TASK_FUNDING, task=task, amount="800")
        income(world, staff_a, kind=Income.Kind.TASK_FUNDING, task=task, amount="700.50")
        task.refresh_from_db()
        assert task.money_received == D("1500.50")
        services.change_income(income=first, user=staff_a, amount="1000")
        task.refresh_from_db()
        assert task.money_received == D("1700.50")
        services.delete_income(income=first, user=staff_a)
        task.refresh_from_db()
        assert task.money_received == D("700.50")

    def test_moving_funding_to_another_task_updates_both(self, world, staff_a):
        one, two = make_task(world.community_a), make_task(world.community_a, title="台账")
        saved = income(world, staff_a, kind=Income.Kind.TASK_FUNDING, task=one, amount="300")
        services.change_income(income=saved, user=staff_a, task=two)
        one.refresh_from_db()
        two.refresh_from_db()
        assert (one.money_received, two.money_received) == (D("0.00"), D("300.00"))

    def test_task_funding_needs_a_task_of_the_same_community(self, world, staff_a):
        with pytest.raises(ValidationError, match="needs the task"):
            income(world, staff_a, kind=Income.Kind.TASK_FUNDING)
        other = make_task(world.community_b)
        with pytest.raises(ValidationError, match="another community"):
            income(world, staff_a, kind=Income.Kind.TASK_FUNDING, task=other)
        mine = make_task(world.community_a)
        with pytest.raises(ValidationError, match="Only money that came with a task"):
            income(world, staff_a, kind=Income.Kind.ALLOCATION, task=mine)
        assert not Income.objects.exists()

    def test_the_database_refuses_task_funding_without_a_task(self, world):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            IncomeFactory(community=world.community_a, kind=Income.Kind.TASK_FUNDING)


def test_the_public_notice_is_published_by_the_chair_only(world, chair_a, staff_a):
    with pytest.raises(PermissionDenied):
        services.publish_notice(community=world.community_a, year=2025, user=staff_a)
    book = services.publish_notice(community=world.community_a, year=2025, user=chair_a)
    assert book.published
    book = services.publish_notice(
        community=world.community_a, year=2025, user=chair_a, publish=False
    )
    book.refresh_from_db()
    assert not book.published
