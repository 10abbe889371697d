"""Tables of the staff pages; each list's Excel export follows the same columns."""

from decimal import Decimal

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from committee.tables import BaseTable, MoneyColumn, NumberColumn
from staff.models import InsuranceRates, PayRecord, PayScale, StaffMember, WageBenchmark
from staff.validators import mask_national_id, mask_phone


class RateColumn(tables.Column):
    """A contribution rate kept as a fraction: 8 % on screen, a percentage cell in Excel."""

    excel_number_format = "0.0%"
    export_raw = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return f"{(value * 100).normalize():f} %"

    def value(self, value):
        return value


SOURCE_ATTRS = {"td": {"class": "source"}}


class PersonalDataColumn(tables.Column):
    """National ID or phone: whole only where the viewer may see personal data.

    The table carries ``personal_ids``, the communities whose personal data the viewer
    may see; the Excel export reads ``value()``, so it is masked the same way.
    """

    def __init__(self, *args, mask, **kwargs):
        self.mask = mask
        super().__init__(*args, **kwargs)

    def _shown(self, value, record, table) -> str:
        if record.community_id in getattr(table, "personal_ids", ()):
            return value
        return self.mask(value)

    def render(self, value, record, table):
        return self._shown(value, record, table)

    def value(self, value, record, table):
        return self._shown(value, record, table)


class PersonalDataTable(BaseTable):
    def __init__(self, *args, personal_ids=frozenset(), **kwargs):
        self.personal_ids = personal_ids
        super().__init__(*args, **kwargs)


class StaffMemberTable(PersonalDataTable):
    name = tables.Column(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    employer = tables.Column(accessor="employer__name", verbose_name=_("employing department"))
    grade = NumberColumn()
    national_id = PersonalDataColumn(mask=mask_national_id, orderable=False)
    phone = PersonalDataColumn(mask=mask_phone, orderable=False)

    default_columns = (
        "name",
        "community",
        "kind",
        "employer",
        "post",
        "grade",
        "start_date",
        "national_id",
        "phone",
    )

    class Meta(BaseTable.Meta):
        model = StaffMember
        fields = (
            "name",
            "community",
            "kind",
            "employer",
            "post",
            "grade",
            "entry",
            "start_date",
            "end_date",
            "certificate",
            "national_id",
            "phone",
        )
        sequence = fields


def money_sum(parts) -> Decimal:
    """As PayRecord's totals add them: an empty part counts as nothing."""
    return sum((part or Decimal(0) for part in parts), Decimal("0.00"))


class PayRecordTable(BaseTable):
    month = tables.DateColumn(format="Y-m", linkify=True)
    staff_member = tables.Column(
        accessor="staff_member__name",
        verbose_name=_("staff member"),
        linkify=("staff:staff_detail", {"pk": tables.A("staff_member_id")}),
    )
    community = tables.Column(accessor="staff_member__community__name", verbose_name=_("community"))
    staff_kind = tables.Column(
        accessor="staff_member__kind", verbose_name=_("kind of staff"), orderable=True
    )
    basic_pay = MoneyColumn()
    post_allowance = MoneyColumn()
    seniority_pay = MoneyColumn()
    performance_pay = MoneyColumn()
    other_allowances = MoneyColumn()
    gross = MoneyColumn()
    pension_individual = MoneyColumn()
    medical_individual = MoneyColumn()
    unemployment_individual = MoneyColumn()
    injury_individual = MoneyColumn()
    maternity_individual = MoneyColumn()
    housing_fund_individual = MoneyColumn()
    income_tax = MoneyColumn()
    net = MoneyColumn()
    pension_employer = MoneyColumn()
    medical_employer = MoneyColumn()
    unemployment_employer = MoneyColumn()
    injury_employer = MoneyColumn()
    maternity_employer = MoneyColumn()
    housing_fund_employer = MoneyColumn()
    individual_total = MoneyColumn(verbose_name=_("individual contributions"), orderable=False)
    employer_total = MoneyColumn(verbose_name=_("employer contributions"), orderable=False)

    default_columns = (
        "month",
        "staff_member",
        "community",
        "staff_kind",
        "kind",
        "gross",
        "individual_total",
        "income_tax",
        "net",
        "employer_total",
        "paid_on",
    )

    class Meta(BaseTable.Meta):
        model = PayRecord
        fields = (
            "month",
            "staff_member",
            "community",
            "staff_kind",
            "kind",
            *PayRecord.PAY_PARTS,
            "gross",
            *PayRecord.INDIVIDUAL,
            "individual_total",
            "income_tax",
            "net",
            *PayRecord.EMPLOYER,
            "employer_total",
            "paid_on",
            "override_reason",
        )
        sequence = fields

    # The export reads the contribution totals from the fields they add up, not from each
    # record (the kind of staff is read as a field, with its label).
    export_values = {
        "individual_total": (PayRecord.INDIVIDUAL, lambda *parts: money_sum(parts)),
        "employer_total": (PayRecord.EMPLOYER, lambda *parts: money_sum(parts)),
    }

    def render_staff_kind(self, record):
        return record.staff_member.get_kind_display()


class WageBenchmarkTable(BaseTable):
    year = tables.Column(linkify=True)
    minimum_wage = MoneyColumn()
    average_wage = MoneyColumn()
    disposable_income = MoneyColumn()
    source = tables.Column(attrs=SOURCE_ATTRS)

    default_columns = (
        "district",
        "year",
        "minimum_wage",
        "average_wage",
        "disposable_income",
        "source",
    )

    class Meta(BaseTable.Meta):
        model = WageBenchmark
        fields = (
            "district",
            "year",
            "minimum_wage",
            "average_wage",
            "disposable_income",
            "source",
        )


class PayScaleTable(BaseTable):
    year = tables.Column(linkify=True)
    base_amount = MoneyColumn()
    source = tables.Column(attrs=SOURCE_ATTRS)

    default_columns = ("district", "year", "base_amount", "source")

    class Meta(BaseTable.Meta):
        model = PayScale
        fields = ("district", "year", "base_amount", "source")


class InsuranceRatesTable(BaseTable):
    year = tables.Column(linkify=True)
    base_minimum = MoneyColumn()
    base_maximum = MoneyColumn()
    pension_individual = RateColumn()
    pension_employer = RateColumn()
    medical_individual = RateColumn()
    medical_employer = RateColumn()
    unemployment_individual = RateColumn()
    unemployment_employer = RateColumn()
    injury_individual = RateColumn()
    injury_employer = RateColumn()
    maternity_individual = RateColumn()
    maternity_employer = RateColumn()
    housing_fund_individual = RateColumn()
    housing_fund_employer = RateColumn()
    source = tables.Column(attrs=SOURCE_ATTRS)

    default_columns = (
        "year",
        "base_minimum",
        "base_maximum",
        "pension_individual",
        "pension_employer",
        "medical_individual",
        "medical_employer",
        "housing_fund_individual",
        "housing_fund_employer",
        "source",
    )

    class Meta(BaseTable.Meta):
        model = InsuranceRates
        fields = (
            "district",
            "year",
            "base_minimum",
            "base_maximum",
            "pension_individual",
            "pension_employer",
            "medical_individual",
            "medical_employer",
            "unemployment_individual",
            "unemployment_employer",
            "injury_individual",
            "injury_employer",
            "maternity_individual",
            "maternity_employer",
            "housing_fund_individual",
            "housing_fund_employer",
            "source",
        )
        sequence = fields
