"""The committee's roster: full-time community workers, assistants placed by departments.

And their pay: the district's pay scale, insurance rates and wage benchmarks, and the
monthly pay records with their history.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.bounds import PAY_MAX, AmountInRange, DateInRange
from committee.crypto import EncryptedCharField
from committee.links import record_url
from committee.models import Community, Department, District
from committee.numbers import cents
from committee.periods import month_start
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.versions import Versioned
from staff.validators import validate_national_id, validate_phone


class StaffMemberQuerySet(ScopedQuerySet):
    scope_path = "community"

    def current(self, on=None):
        """Those on the roster on a date (default: today)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


class StaffMember(Versioned):
    """A person working in the community: a full-time worker, an assistant, or other."""

    class Kind(models.TextChoices):
        FULLTIME = "fulltime", _("full-time community worker")
        ASSISTANT = "assistant", _("assistant (协管员)")
        OTHER = "other", _("other")

    class Post(models.TextChoices):
        CHAIR = "chair", _("chair / secretary")
        DEPUTY = "deputy", _("deputy")
        MEMBER = "member", _("member")

    class Entry(models.TextChoices):
        ELECTION = "election", _("election")
        EXAMINATION = "examination", _("examination")
        TRANSFER = "transfer", _("transfer")

    class Certificate(models.TextChoices):
        NONE = "none", _("none")
        ASSISTANT_SOCIAL_WORKER = "assistant_sw", _("assistant social worker")
        SOCIAL_WORKER = "social_worker", _("social worker")
        SENIOR = "senior", _("senior social worker")

    # 三岗十八级: the grades each post may hold.
    GRADE_RANGE = {
        Post.CHAIR: (7, 18),
        Post.DEPUTY: (4, 15),
        Post.MEMBER: (1, 12),
    }

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="staff", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FULLTIME)
    employer = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistants",
        verbose_name=_("employing department"),
        help_text=_("For assistants: the department that placed and pays them."),
    )
    post = models.CharField(_("post"), max_length=10, choices=Post.choices, default=Post.MEMBER)
    grade = models.PositiveSmallIntegerField(
        _("grade"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
        help_text=_("1–18 on the 三岗十八级 scale: chair 7–18, deputy 4–15, member 1–12."),
    )
    entry = models.CharField(_("how they came"), max_length=12, choices=Entry.choices, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    certificate = models.CharField(
        _("professional certificate"),
        max_length=14,
        choices=Certificate.choices,
        default=Certificate.NONE,
    )
    national_id = EncryptedCharField(
        _("national ID number"), max_length=18, blank=True, validators=[validate_national_id]
    )
    phone = EncryptedCharField(_("phone"), max_length=11, blank=True, validators=[validate_phone])

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["community", "kind", "post", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="assistant", employer__isnull=False) | ~Q(kind="assistant"),
                name="staff_assistant_has_employer",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("staff:staff_detail", self.pk)

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.ASSISTANT and not self.employer_id:
            errors["employer"] = _("An assistant needs the department that employs them.")
        if self.grade is not None and self.post in self.GRADE_RANGE:
            low, high = self.GRADE_RANGE[self.post]
            if not low <= self.grade <= high:
                errors["grade"] = _("A %(post)s holds grades %(low)s–%(high)s.") % {
                    "post": self.get_post_display(),
                    "low": low,
                    "high": high,
                }
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)


# The six social-insurance lines (五险一金), in the order pay slips print them.
INSURANCE_KINDS = ("pension", "medical", "unemployment", "injury", "maternity", "housing_fund")
INSURANCE_LABELS = {
    "pension": _("pension"),
    "medical": _("medical"),
    "unemployment": _("unemployment"),
    "injury": _("work injury"),
    "maternity": _("maternity"),
    "housing_fund": _("housing fund"),
}

MONEY = {"max_digits": 12, "decimal_places": 2}


# What one part of a month's pay may be (a typo of ten million is refused, not paid).
PAY_PART = [AmountInRange(Decimal("0"), PAY_MAX)]


def _money(label, **kwargs):
    return models.DecimalField(label, default=Decimal("0.00"), **MONEY, **kwargs)


def _rate(label):
    return models.DecimalField(
        label,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        max_digits=6,
        decimal_places=4,
        help_text=_("A fraction: 0.08 is 8 %."),
    )


class DistrictRecordQuerySet(DistrictScopedQuerySet):
    scope_path = "district"

    def for_year(self, district_id: int, year: int):
        """The record in force in a year: that year's, else the latest before it."""
        return self.filter(district_id=district_id, year__lte=year).order_by("-year").first()


class PayScale(Versioned):
    """A district's 三岗十八级 pay scale for a year: basic pay = base amount × grade coefficient."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="pay_scales", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    base_amount = models.DecimalField(
        _("base amount"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the figures come from, e.g. the district's published scheme."),
    )

    objects = DistrictRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay scale")
        verbose_name_plural = _("pay scales")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="pay_scale_one_per_district_year",
                violation_error_message=_("This district already has a pay scale for that year."),
            )
        ]

    def __str__(self) -> str:
        return _("%(district)s pay scale %(year)s") % {"district": self.district, "year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("staff:payscale_edit", args=[self.pk])


class PayGradeQuerySet(DistrictScopedQuerySet):
    scope_path = "scale__district"


class PayGrade(models.Model):
    """One grade's coefficient on a pay scale."""

    scale = models.ForeignKey(
        PayScale, on_delete=models.CASCADE, related_name="grades", verbose_name=_("pay scale")
    )
    grade = models.PositiveSmallIntegerField(
        _("grade"), validators=[MinValueValidator(1), MaxValueValidator(18)]
    )
    coefficient = models.DecimalField(
        _("coefficient"),
        max_digits=5,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0"))],
    )

    objects = PayGradeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay grade")
        verbose_name_plural = _("pay grades")
        ordering = ["scale", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "grade"], name="pay_grade_once_per_scale")
        ]

    def __str__(self) -> str:
        return f"{self.grade}: {self.coefficient}"

    @property
    def basic_pay(self) -> Decimal:
        return cents(self.scale.base_amount * self.coefficient)


class InsuranceRates(Versioned):
    """A district's social-insurance and housing-fund rates for a year (五险一金)."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="insurance_rates",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    base_minimum = models.DecimalField(
        _("lowest contribution base"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    base_maximum = models.DecimalField(
        _("highest contribution base"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    pension_individual = _rate(_("pension, individual"))
    pension_employer = _rate(_("pension, employer"))
    medical_individual = _rate(_("medical, individual"))
    medical_employer = _rate(_("medical, employer"))
    unemployment_individual = _rate(_("unemployment, individual"))
    unemployment_employer = _rate(_("unemployment, employer"))
    injury_individual = _rate(_("work injury, individual"))
    injury_employer = _rate(_("work injury, employer"))
    maternity_individual = _rate(_("maternity, individual"))
    maternity_employer = _rate(_("maternity, employer"))
    housing_fund_individual = _rate(_("housing fund, individual"))
    housing_fund_employer = _rate(_("housing fund, employer"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = DistrictRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("social-insurance rates")
        verbose_name_plural = _("social-insurance rates")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="insurance_rates_one_per_district_year",
                violation_error_message=_("This district already has rates for that year."),
            ),
            models.CheckConstraint(
                condition=Q(base_maximum__gte=models.F("base_minimum")),
                name="insurance_base_max_above_min",
                violation_error_message=_("The highest contribution base is below the lowest one."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(district)s social-insurance rates %(year)s") % {
            "district": self.district,
            "year": self.year,
        }

    def get_absolute_url(self) -> str:
        return reverse("staff:insurance_edit", args=[self.pk])

    def rate(self, kind: str, payer: str) -> Decimal:
        return getattr(self, f"{kind}_{payer}")


class WageBenchmark(Versioned):
    """A district's yearly pay reference points: minimum wage, average wage, disposable income."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="wage_benchmarks",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    minimum_wage = models.DecimalField(
        _("monthly minimum wage"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    average_wage = models.DecimalField(
        _("average monthly wage"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    disposable_income = models.DecimalField(
        _("per-capita disposable income (year)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = DistrictRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("wage benchmark")
        verbose_name_plural = _("wage benchmarks")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="wage_benchmark_one_per_district_year",
                violation_error_message=_("This district already has benchmarks for that year."),
            )
        ]

    def __str__(self) -> str:
        return _("%(district)s wage benchmarks %(year)s") % {
            "district": self.district,
            "year": self.year,
        }

    def get_absolute_url(self) -> str:
        return reverse("staff:benchmark_edit", args=[self.pk])


class PayRecordQuerySet(ScopedQuerySet):
    scope_path = "staff_member__community"

    def monthly(self):
        return self.filter(kind=PayRecord.Kind.MONTHLY)

    def between(self, start: date, end: date):
        """Records whose pay month lies in the period (inclusive)."""
        return self.filter(month__gte=month_start(start), month__lte=end)

    def for_list(self):
        return self.select_related("staff_member__community__street_office")


class PayRecord(Versioned):
    """One payment to one staff member: the monthly pay, or the year-end bonus, with insurance.

    Gross − the six individual contributions − income tax = net, always.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("monthly pay")
        BONUS = "bonus", _("year-end bonus")

    PAY_PARTS = (
        "basic_pay",
        "post_allowance",
        "seniority_pay",
        "performance_pay",
        "other_allowances",
    )
    INDIVIDUAL = tuple(f"{k}_individual" for k in INSURANCE_KINDS)
    EMPLOYER = tuple(f"{k}_employer" for k in INSURANCE_KINDS)

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="pay", verbose_name=_("staff member")
    )
    month = models.DateField(
        _("month"), help_text=_("The month the pay is for."), validators=[DateInRange()]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    basic_pay = _money(_("basic pay"), validators=PAY_PART)
    post_allowance = _money(_("post allowance"), validators=PAY_PART)
    seniority_pay = _money(_("seniority pay"), validators=PAY_PART)
    performance_pay = _money(_("performance pay"), validators=PAY_PART)
    other_allowances = _money(_("other allowances"), validators=PAY_PART)
    gross = _money(_("gross pay"))
    pension_individual = _money(_("pension (individual)"))
    medical_individual = _money(_("medical (individual)"))
    unemployment_individual = _money(_("unemployment (individual)"))
    injury_individual = _money(_("work injury (individual)"))
    maternity_individual = _money(_("maternity (individual)"))
    housing_fund_individual = _money(_("housing fund (individual)"))
    income_tax = _money(_("income tax"))
    net = _money(_("net pay"))
    pension_employer = _money(_("pension (employer)"))
    medical_employer = _money(_("medical (employer)"))
    unemployment_employer = _money(_("unemployment (employer)"))
    injury_employer = _money(_("work injury (employer)"))
    maternity_employer = _money(_("maternity (employer)"))
    housing_fund_employer = _money(_("housing fund (employer)"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True, validators=[DateInRange()])
    override_reason = models.CharField(
        _("reason for changed figures"),
        max_length=200,
        blank=True,
        help_text=_("Needed when a contribution, the tax or the net differs from the calculation."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = PayRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay record")
        verbose_name_plural = _("pay records")
        ordering = ["-month", "staff_member__community", "staff_member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "month", "kind"],
                name="pay_record_one_per_person_month_kind",
                violation_error_message=_(
                    "This person already has a pay record of this kind for this month."
                ),
            ),
        ]
        indexes = [models.Index(fields=["month", "kind"], name="pay_record_month_kind")]

    def __str__(self) -> str:
        return f"{self.staff_member} · {self.month:%Y-%m} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return record_url("staff:payrecord_edit", self.pk)

    @property
    def individual_total(self) -> Decimal:
        return sum((getattr(self, f) or Decimal(0) for f in self.INDIVIDUAL), Decimal("0.00"))

    @property
    def employer_total(self) -> Decimal:
        return sum((getattr(self, f) or Decimal(0) for f in self.EMPLOYER), Decimal("0.00"))

    @property
    def parts_total(self) -> Decimal:
        return sum((getattr(self, f) or Decimal(0) for f in self.PAY_PARTS), Decimal("0.00"))

    def clean(self) -> None:
        errors = {}
        if self.month:
            self.month = month_start(self.month)
        if self.kind == self.Kind.MONTHLY and self.gross != self.parts_total:
            errors[NON_FIELD_ERRORS] = _(
                "Gross pay (%(gross)s) must equal the sum of its parts (%(parts)s)."
            ) % {"gross": self.gross, "parts": self.parts_total}
        expected = (self.gross or 0) - self.individual_total - (self.income_tax or 0)
        if self.net != expected:
            errors["net"] = _(
                "Net pay must equal gross minus individual contributions minus tax: %(expected)s."
            ) % {"expected": expected}
        if errors:
            raise ValidationError(errors)


class PayRecordChangeQuerySet(ScopedQuerySet):
    scope_path = "record__staff_member__community"


class PayRecordChange(models.Model):
    """Who saved a pay record when, and the figures it held then: the record's history."""

    record = models.ForeignKey(
        PayRecord, on_delete=models.PROTECT, related_name="changes", verbose_name=_("pay record")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    figures = models.JSONField(_("figures"), default=dict)

    objects = PayRecordChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay record change")
        verbose_name_plural = _("pay record changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.record_id} · {self.changed_at:%Y-%m-%d %H:%M}"

    @classmethod
    def snapshot(cls, record: PayRecord, user) -> PayRecordChange:
        """An unsaved history entry holding the record's figures as they are now."""
        names = (*PayRecord.PAY_PARTS, "gross", *PayRecord.INDIVIDUAL, "income_tax", "net")
        figures = {name: str(getattr(record, name)) for name in (*names, *PayRecord.EMPLOYER)}
        figures["override_reason"] = record.override_reason
        return cls(record=record, changed_by=user, figures=figures)
