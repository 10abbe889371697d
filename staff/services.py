"""The writes that carry a pay rule: the pay calculator, one pay record, a month's payroll.

The calculator reads a district's InsuranceRates for the year; contributions are
the rate times the contribution base (gross pay held between the district's lowest
and highest base). Income tax follows the national individual income tax law
(个人所得税法, monthly withholding after the ¥5,000 standard deduction; a year-end
bonus taxed on its own at the rate for bonus ÷ 12). Those are national law, not
local settings, so they live here; every local figure comes from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import audit, rollups, scoping, versions
from committee.numbers import cents
from committee.periods import month_start
from committee.roles import Action
from committee.services import check_right, save_record, service
from staff.models import (
    INSURANCE_KINDS,
    InsuranceRates,
    PayGrade,
    PayRecord,
    PayRecordChange,
    PayScale,
    StaffMember,
    WageBenchmark,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# 个人所得税法 (2018 amendment), monthly: (upper bound of taxable income, rate, quick deduction).
TAX_FREE_PER_MONTH = Decimal("5000")
MONTHLY_TAX_TABLE = (
    (Decimal("3000"), Decimal("0.03"), Decimal("0")),
    (Decimal("12000"), Decimal("0.10"), Decimal("210")),
    (Decimal("25000"), Decimal("0.20"), Decimal("1410")),
    (Decimal("35000"), Decimal("0.25"), Decimal("2660")),
    (Decimal("55000"), Decimal("0.30"), Decimal("4410")),
    (Decimal("80000"), Decimal("0.35"), Decimal("7160")),
    (None, Decimal("0.45"), Decimal("15160")),
)

CALCULATED = (*PayRecord.INDIVIDUAL, "income_tax", "net", *PayRecord.EMPLOYER)


def _bracket(amount: Decimal) -> tuple[Decimal, Decimal]:
    for upper, rate, deduction in MONTHLY_TAX_TABLE:
        if upper is None or amount <= upper:
            return rate, deduction
    raise AssertionError("the last bracket has no upper bound")


def income_tax(*, gross: Decimal, individual: Decimal, kind: str) -> Decimal:
    """Tax withheld on one payment (national law, see the module docstring)."""
    if kind == PayRecord.Kind.BONUS:
        rate, deduction = _bracket(gross / 12)
        return max(ZERO, cents(gross * rate - deduction))
    taxable = gross - individual - TAX_FREE_PER_MONTH
    if taxable <= 0:
        return ZERO
    rate, deduction = _bracket(taxable)
    return max(ZERO, cents(taxable * rate - deduction))


@dataclass(frozen=True)
class PayCalculation:
    """What the calculator proposes for one payment, by PayRecord field name."""

    gross: Decimal
    figures: dict[str, Decimal]

    @property
    def net(self) -> Decimal:
        return self.figures["net"]


def calculate_pay(*, gross: Decimal, rates: InsuranceRates | None, kind: str) -> PayCalculation:
    """Contributions, tax and net for a gross amount under a district's rates.

    A year-end bonus carries no contributions; without rates for the year there are none
    to calculate, and the clerk enters them by hand.
    """
    figures = dict.fromkeys(CALCULATED, ZERO)
    if rates is not None and kind == PayRecord.Kind.MONTHLY and gross > 0:
        base = min(max(gross, rates.base_minimum), rates.base_maximum)
        for insurance in INSURANCE_KINDS:
            for payer in ("individual", "employer"):
                figures[f"{insurance}_{payer}"] = cents(base * rates.rate(insurance, payer))
    individual = sum((figures[f] for f in PayRecord.INDIVIDUAL), ZERO)
    figures["income_tax"] = income_tax(gross=gross, individual=individual, kind=kind)
    figures["net"] = gross - individual - figures["income_tax"]
    return PayCalculation(gross=gross, figures=figures)


def rates_for(staff_member: StaffMember, month: date) -> InsuranceRates | None:
    """The rates in force for the staff member's district in that month's year."""
    district_id = staff_member.community.street_office.district_id
    return InsuranceRates.objects.for_year(district_id, month.year)


def apply_calculation(
    record: PayRecord, *, rates: InsuranceRates | None, given: dict[str, Decimal | None]
) -> list[str]:
    """Fill gross and the calculated figures on an unsaved record; return the overridden ones.

    ``given`` holds the figures the clerk typed (None: use the calculation). A net that
    was typed is a check figure: it must equal gross − contributions − tax.
    """
    record.gross = record.parts_total
    calc = calculate_pay(gross=record.gross, rates=rates, kind=record.kind)
    overridden = []
    for field in CALCULATED:
        if field == "net":
            continue
        value = given.get(field)
        if value is None:
            value = calc.figures[field]
        elif value != calc.figures[field]:
            overridden.append(field)
        setattr(record, field, value)
    expected_net = record.gross - record.individual_total - record.income_tax
    typed_net = given.get("net")
    record.net = expected_net if typed_net is None else typed_net
    return overridden


def check_override_reason(record: PayRecord, overridden: list[str]) -> None:
    """A figure that differs from the calculation needs a reason; none clears the reason."""
    if overridden and not record.override_reason.strip():
        labels = ", ".join(str(PayRecord._meta.get_field(f).verbose_name) for f in overridden)
        raise ValidationError(
            {
                "override_reason": _(
                    "These figures differ from the calculation; say why: %(fields)s."
                )
                % {"fields": labels}
            }
        )
    if not overridden:
        record.override_reason = ""


@service
def save_pay_record(
    *, record: PayRecord, given: dict[str, Decimal | None], user, rates: InsuranceRates | None
) -> PayRecord:
    """Calculate, check and save one pay record; refuse it whole if anything is wrong."""
    check_right(user, Action.PAY, record)
    versions.claim(record, user=user)
    record.month = month_start(record.month)
    overridden = apply_calculation(record, rates=rates, given=given)
    check_override_reason(record, overridden)
    record.recorded_by = user
    record.full_clean()
    record.save()
    PayRecordChange.snapshot(record, user).save()
    return record


@service
def delete_pay_record(*, record: PayRecord, user) -> None:
    """Delete a pay record (the chair or the district); its values stay in the history, so
    it can be restored. Its list of saved figures goes with it and starts again there."""
    check_right(user, Action.PAY, record)
    audit.check_delete(record)
    record.changes.all().delete()
    record.delete()


def note_restored(record: PayRecord, *, user) -> None:
    """A restored pay record's list of saved figures starts with the figures it came back with."""
    PayRecordChange.snapshot(record, user).save()


@dataclass(frozen=True)
class PayrollRow:
    """One line of the payroll grid: a person and the pay parts typed for them."""

    staff_member: StaffMember
    parts: dict[str, Decimal]
    net: Decimal | None = None
    paid_on: date | None = None
    # The version of this month's record the row was drawn from (None: there was none yet);
    # ``drawn`` False: the row carried no version (a script), so it is not checked.
    version: int | None = None
    drawn: bool = False


def _check_communities(user, community_ids: set[int]) -> None:
    """PermissionDenied unless the user may enter pay in all these communities (1 query)."""
    if user is None or not community_ids:
        return
    allowed = scoping.communities(user, Action.PAY).filter(pk__in=community_ids).count()
    if allowed != len(community_ids):
        raise PermissionDenied(_("You may not change this record."))


@service
def record_payroll(
    *,
    month: date,
    rows: list[PayrollRow],
    existing: dict[int, PayRecord],
    rates: InsuranceRates | None,
    user,
) -> list[PayRecord]:
    """Save a community's monthly pay for everyone in the grid at once, or nothing.

    ``existing`` maps staff member ids to their saved monthly record for the month
    (updated in place). Every row is calculated and checked first; one bad row raises a
    ValidationError naming the person, and no row is written.
    """
    _check_communities(user, {row.staff_member.community_id for row in rows})
    month = month_start(month)
    before = PayRecord.objects.in_bulk([r.pk for r in existing.values() if r.pk])
    now = timezone.now()
    to_create, to_update, errors = [], [], []
    seen: dict[int, int | None] = {}
    for row in rows:
        record = existing.get(row.staff_member.pk) or PayRecord(
            staff_member=row.staff_member, month=month, kind=PayRecord.Kind.MONTHLY
        )
        if record.pk and row.drawn:
            seen[record.pk] = row.version
        for field, value in row.parts.items():
            setattr(record, field, value)
        record.paid_on = row.paid_on
        record.override_reason = ""
        apply_calculation(record, rates=rates, given={"net": row.net})
        record.recorded_by = user
        record.recorded_at = now
        try:
            record.clean_fields(exclude=["staff_member", "recorded_by"])
            record.clean()
        except ValidationError as error:
            messages = "; ".join(m for msgs in error.message_dict.values() for m in msgs)
            errors.append(f"{row.staff_member.name}: {messages}")
            continue
        (to_update if record.pk else to_create).append(record)
    if errors:
        raise ValidationError(errors)
    versions.claim_many([r for r in to_update if r.pk in seen], seen, user=user)
    for record in to_create + [r for r in to_update if r.pk not in seen]:
        versions.claim(record, user=user)
    PayRecord.objects.bulk_create(to_create)
    rollups.touch_all((row.staff_member.community_id, month) for row in rows)
    PayRecordChange.objects.bulk_create(
        PayRecordChange.snapshot(record, user) for record in to_create + to_update
    )
    if to_update:
        PayRecord.objects.bulk_update(
            to_update,
            [*PayRecord.PAY_PARTS, "gross", *CALCULATED, "paid_on", "override_reason"]
            + ["recorded_by", "recorded_at", "version", "edited_by", "edited_at"],
        )
    audit.log_created(to_create)
    audit.log_changed((before[r.pk], r) for r in to_update if r.pk in before)
    return to_create + to_update


@service
def create_pay_scale(*, district, year: int, base_amount: Decimal, source: str = "", user):
    """A district's pay scale for a year, with the 18 grades copied from the latest one before."""
    previous = PayScale.objects.for_year(district.pk, year - 1)
    coefficients = (
        dict(previous.grades.values_list("grade", "coefficient")) if previous is not None else {}
    )
    scale = PayScale(district=district, year=year, base_amount=base_amount, source=source)
    save_record(scale, user=user)
    grades = PayGrade.objects.bulk_create(
        PayGrade(scale=scale, grade=g, coefficient=coefficients.get(g, Decimal("1.000")))
        for g in range(1, 19)
    )
    audit.log_created(grades)
    return scale


@service
def change_pay_scale(scale: PayScale, *, grades, user) -> PayScale:
    """The scale and its 18 grade coefficients (a valid PayGradeFormSet), together or not at all."""
    save_record(scale, user=user)
    grades.save()
    return scale


@service
def save_staff_member(member: StaffMember, *, user) -> StaffMember:
    """Add someone to a community's roster, or change their entry (the community's staff)."""
    return save_record(member, user=user)


@service
def save_wage_benchmark(benchmark: WageBenchmark, *, user) -> WageBenchmark:
    """The district's minimum and average wage for a year (its district officers only)."""
    return save_record(benchmark, user=user)


@service
def save_insurance_rates(rates: InsuranceRates, *, user) -> InsuranceRates:
    """The district's social-insurance rates and bases (its district officers only)."""
    return save_record(rates, user=user)
