"""Forms of the staff pages: roster, pay record, payroll grid, district settings."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from committee.bounds import DateInRange
from committee.models import Department
from committee.periods import month_start
from committee.roles import Action
from staff.filters import MONTH_FORMATS, MonthInput
from staff.models import (
    PAY_PART,
    InsuranceRates,
    PayGrade,
    PayRecord,
    PayScale,
    StaffMember,
    WageBenchmark,
)
from staff.services import CALCULATED, apply_calculation, check_override_reason, rates_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_INPUT = {"step": "0.01", "min": "0", "inputmode": "decimal"}


class MonthField(forms.DateField):
    """A pay month: typed as 2026-05, stored as the first day of the month."""

    widget = MonthInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", MONTH_FORMATS)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return month_start(day) if day else day


class StaffMemberForm(forms.ModelForm):
    """The roster entry; national ID and phone only for those who may see them."""

    class Meta:
        model = StaffMember
        fields = [
            "community",
            "name",
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
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, user=None, may_see_personal_data=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_see_personal_data:
            # Editing someone whose personal data this user may not see: leave it untouched.
            del self.fields["national_id"]
            del self.fields["phone"]
        departments = Department.objects.all()
        self.fields["employer"].queryset = (
            departments if user is None else departments.visible_to(user)
        )

    def clean_national_id(self):
        return self.cleaned_data["national_id"].upper()


class PayRecordForm(forms.ModelForm):
    """One payment. Leave contributions, tax and net blank to have them calculated."""

    month = MonthField(label=_("month"))

    class Meta:
        model = PayRecord
        fields = [
            "staff_member",
            "month",
            "kind",
            *PayRecord.PAY_PARTS,
            "paid_on",
            "override_reason",
        ]
        widgets = {"paid_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["staff_member"].queryset = (
            StaffMember.objects.for_action(user, Action.PAY)  # the chair and the district
            .select_related("community")
            .order_by("community__code", "name")
        )
        self.fields["staff_member"].label_from_instance = lambda s: f"{s.community} · {s.name}"
        for name in PayRecord.PAY_PARTS:
            self.fields[name].widget.attrs.update(MONEY_INPUT)
        hand_edited = bool(self.instance.pk and self.instance.override_reason)
        for name in CALCULATED:
            model_field = PayRecord._meta.get_field(name)
            field = forms.DecimalField(
                label=model_field.verbose_name,
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0"),
                required=False,
                help_text=_("Blank: calculated.")
                if name != "net"
                else _("Blank: calculated; if typed, it must equal gross − contributions − tax."),
                widget=forms.NumberInput(attrs=MONEY_INPUT),
            )
            if self.instance.pk:
                field.widget.attrs["placeholder"] = str(getattr(self.instance, name))
                if hand_edited:
                    field.initial = getattr(self.instance, name)
            self.fields[name] = field

    def given(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CALCULATED}

    def _post_clean(self):
        # Gross, contributions, tax and net are calculated before the model checks them.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields)
            person, month = (
                self.instance.staff_member_id and self.instance.staff_member,
                self.instance.month,
            )
            rates = rates_for(person, month) if person and month else None
            overridden = apply_calculation(self.instance, rates=rates, given=self.given())
            check_override_reason(self.instance, overridden)
        except ValidationError as error:
            self._update_errors(error)
        super()._post_clean()


class PayrollRowForm(forms.Form):
    """One person's line in the payroll grid."""

    staff = forms.IntegerField(widget=forms.HiddenInput)
    # The version of the month's saved record this row was drawn from (blank: none yet).
    record_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    basic_pay = forms.DecimalField(max_digits=12, decimal_places=2, validators=PAY_PART)
    post_allowance = forms.DecimalField(max_digits=12, decimal_places=2, validators=PAY_PART)
    seniority_pay = forms.DecimalField(max_digits=12, decimal_places=2, validators=PAY_PART)
    performance_pay = forms.DecimalField(max_digits=12, decimal_places=2, validators=PAY_PART)
    other_allowances = forms.DecimalField(max_digits=12, decimal_places=2, validators=PAY_PART)
    net = forms.DecimalField(max_digits=12, decimal_places=2, required=False, validators=PAY_PART)
    paid_on = forms.DateField(required=False, widget=DATE, validators=[DateInRange()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (*PayRecord.PAY_PARTS, "net"):
            self.fields[name].label = PayRecord._meta.get_field(name).verbose_name
            self.fields[name].widget.attrs.update(MONEY_INPUT)
        self.fields["net"].help_text = _("Blank: calculated.")
        self.fields["paid_on"].label = PayRecord._meta.get_field("paid_on").verbose_name


PayrollFormSet = forms.formset_factory(PayrollRowForm, extra=0)


class WageBenchmarkForm(forms.ModelForm):
    class Meta:
        model = WageBenchmark
        fields = ["district", "year", "minimum_wage", "average_wage", "disposable_income", "source"]


class InsuranceRatesForm(forms.ModelForm):
    class Meta:
        model = InsuranceRates
        fields = [
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
        ]


class PayScaleForm(forms.ModelForm):
    class Meta:
        model = PayScale
        fields = ["district", "year", "base_amount", "source"]


PayGradeFormSet = inlineformset_factory(
    PayScale, PayGrade, fields=["grade", "coefficient"], extra=0, can_delete=False
)
