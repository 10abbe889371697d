"""The roster's checks and the pay record's arithmetic, refused with a message."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staff.models import PayRecord, StaffMember
from staff.services import apply_calculation, calculate_pay, income_tax
from staff.validators import mask_national_id, mask_phone, validate_national_id
from tests.conftest import TEST_TODAY
from tests.factories import StaffMemberFactory
from tests.staff.conftest import LAST_MONTH
from tests.staff.factories import VALID_ID, InsuranceRatesFactory, make_pay


def test_it_accepts_a_national_id_with_the_right_check_digit():
    validate_national_id(VALID_ID)


def test_it_refuses_a_national_id_with_a_wrong_check_digit():
    with pytest.raises(ValidationError) as error:
        validate_national_id(VALID_ID[:-1] + "5")
    assert error.value.code == "id_check_digit"


def test_it_masks_id_numbers_and_phones():
    assert mask_national_id("110105194912310021") == "110105********0021"
    assert mask_phone("13812345678") == "138****5678"


def test_it_refuses_a_grade_outside_the_posts_range(world):
    person = StaffMemberFactory.build(
        community=world.community_a, post=StaffMember.Post.MEMBER, grade=14
    )
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert "grade" in error.value.message_dict


def test_the_calculator_takes_contributions_on_the_lowest_base_for_low_pay(world):
    rates = InsuranceRatesFactory.build(district=world.district)
    calc = calculate_pay(gross=Decimal("2000.00"), rates=rates, kind=PayRecord.Kind.MONTHLY)
    # 22.5 % of the ¥4,000 lowest base: a low-paid worker pays ¥900.
    individual = sum(calc.figures[f] for f in PayRecord.INDIVIDUAL)
    assert individual == Decimal("900.00")
    assert calc.figures["income_tax"] == 0
    assert calc.net == Decimal("1100.00")
    assert calc.figures["pension_employer"] == Decimal("640.00")


def test_the_calculator_withholds_income_tax_above_the_standard_deduction():
    assert income_tax(
        gross=Decimal("10000"), individual=Decimal("2000"), kind="monthly"
    ) == Decimal("90.00")
    assert income_tax(gross=Decimal("36000"), individual=Decimal("0"), kind="bonus") == Decimal(
        "1080.00"
    )


def test_it_refuses_a_net_that_is_not_gross_minus_contributions_and_tax(world):
    person = StaffMemberFactory(community=world.community_a)
    record = PayRecord(staff_member=person, month=LAST_MONTH, basic_pay=Decimal("3000"))
    apply_calculation(record, rates=None, given={"net": Decimal("2999.00")})
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "net" in error.value.message_dict
    assert not PayRecord.objects.exists()


def test_it_refuses_a_second_record_for_the_same_person_and_month(world):
    person = StaffMemberFactory(community=world.community_a)
    make_pay(person, LAST_MONTH, "3000")
    again = PayRecord(staff_member=person, month=LAST_MONTH, basic_pay=Decimal("3000"))
    apply_calculation(again, rates=None, given={})
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert "此人本月已有同类工资记录" in str(error.value)
    assert PayRecord.objects.count() == 1


def test_a_year_end_bonus_is_its_own_record_beside_the_months_pay(world):
    person = StaffMemberFactory(community=world.community_a)
    january = date(TEST_TODAY.year, 1, 1)  # this year's January, when the bonus is paid
    make_pay(person, january, "3000")
    bonus = make_pay(
        person, january, "0", kind=PayRecord.Kind.BONUS, other_allowances=Decimal("3000")
    )
    assert bonus.gross == Decimal("3000.00") and bonus.income_tax == Decimal("90.00")
    assert PayRecord.objects.filter(staff_member=person).count() == 2
