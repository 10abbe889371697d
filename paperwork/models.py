"""Everything demanded of a committee on paper: caps, demands, returns and their data items.

- Cap: the district's limit on one kind of demand (signboards outside and inside, permitted
  ledgers by name, assessments and rankings a year, meetings and inspections a month), with
  the rule it comes from.
- Demand: one thing a department demanded of a committee (a signboard, a ledger, a meeting,
  an inspection …), flagged when it goes over a cap or came without a basis.
- DataItem: one figure in the district's dictionary (常住人口, 户数 …), with its 口径,
  its owner and how long a value stays valid.
- ReturnForm: one form (报表) a department asks the committee to fill, with the legal marks
  statistical forms carry; ReturnItem: one data item it asks for, its value and whether
  it was asked before by another department (a repeat ask).
- ApiToken: the key a provincial 一表通 platform pulls a district's figures with; only
  its hash is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committee.bounds import DateInRange
from committee.models import Community, Department, District
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet


class CapKind(models.TextChoices):
    SIGNBOARD_OUTSIDE = "signboard_outside", _("signboards outside")
    SIGNBOARD_INSIDE = "signboard_inside", _("signboards inside")
    LEDGER = "ledger", _("ledgers")
    ASSESSMENT = "assessment", _("assessments")
    RANKING = "ranking", _("rankings")
    MEETING = "meeting", _("meetings")
    INSPECTION = "inspection", _("inspections")


# Signboards and ledgers stand until taken down; the others count per year or month.
STANDING = (CapKind.SIGNBOARD_OUTSIDE, CapKind.SIGNBOARD_INSIDE, CapKind.LEDGER)
PER_YEAR = (CapKind.ASSESSMENT, CapKind.RANKING)
PER_MONTH = (CapKind.MEETING, CapKind.INSPECTION)


class CapQuerySet(DistrictScopedQuerySet):
    scope_path = "district"


class Cap(models.Model):
    """The district's cap on one kind of demand, and the rule it comes from.

    For ledgers the cap is a list of permitted names: a ledger not on it is over the cap.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="caps", verbose_name=_("district")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CapKind.choices)
    limit = models.PositiveIntegerField(
        _("cap"),
        help_text=_("At most this many at a time (signboards, ledgers), a year or a month."),
    )
    permitted = models.TextField(
        _("permitted names"),
        blank=True,
        help_text=_("Ledgers only: the permitted ledgers, one name a line."),
    )
    rule = models.CharField(_("rule"), max_length=200)

    objects = CapQuerySet.as_manager()

    class Meta:
        verbose_name = _("cap")
        verbose_name_plural = _("caps")
        ordering = ["district", "kind"]
        constraints = [models.UniqueConstraint(fields=["district", "kind"], name="cap_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≤ {self.limit}"

    def permitted_names(self) -> set[str]:
        return {line.strip() for line in self.permitted.splitlines() if line.strip()}


class DemandQuerySet(ScopedQuerySet):
    scope_path = "community"

    def flagged(self):
        """Over a cap, or demanded without a basis."""
        return self.filter(Q(over_cap=True) | Q(basis=""))

    def standing_between(self, start, end):
        """Demands that stood at some time in the period (an event stands on its day)."""
        return self.filter(demanded_on__lte=end).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=start)
        )


class Demand(models.Model):
    """One thing a department demanded of the committee: a signboard, a ledger, a meeting …"""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="demands", verbose_name=_("community")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CapKind.choices)
    name = models.CharField(_("what"), max_length=100)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("department"),
    )
    demanded_on = models.DateField(_("demanded on"), validators=[DateInRange()])
    ended_on = models.DateField(
        _("ended on"),
        validators=[DateInRange()],
        null=True,
        blank=True,
        help_text=_("A signboard taken down, a ledger no longer kept."),
    )
    basis = models.CharField(
        _("basis given"),
        max_length=200,
        blank=True,
        help_text=_("The document the department cited; empty when it gave none."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # An optional photo or file the committee keeps of the demand (never required), kept in
    # the database like every generated file, so no app server holds it on disk.
    attachment = models.BinaryField(null=True, blank=True, editable=False)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True, editable=False)
    attachment_type = models.CharField(max_length=100, blank=True, editable=False)
    # Kept by services.refresh_caps whenever a demand or a cap changes.
    over_cap = models.BooleanField(_("over the cap"), default=False, editable=False)
    withdrawal_asked_on = models.DateField(
        _("withdrawal asked on"), null=True, blank=True, editable=False
    )

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        ordering = ["-demanded_on", "-pk"]
        indexes = [models.Index(fields=["community", "kind", "demanded_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("demanded_on")),
                name="demand_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("paperwork:demand_edit", args=[self.pk])

    @property
    def flagged(self) -> bool:
        return self.over_cap or not self.basis

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment_name)


class DataItemQuerySet(DistrictScopedQuerySet):
    scope_path = "district"


class DataItem(models.Model):
    """One figure in the district's dictionary, as every form should ask for it."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="data_items", verbose_name=_("district")
    )
    name = models.CharField(_("data item"), max_length=50)
    definition = models.CharField(_("definition (口径)"), max_length=300)
    owner = models.CharField(_("owner"), max_length=100, help_text=_("Who keeps the figure."))
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    valid_days = models.PositiveIntegerField(
        _("valid for (days)"), default=90, help_text=_("How long a reported value stays current.")
    )

    objects = DataItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("data item")
        verbose_name_plural = _("data item dictionary")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="data_item_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    ONCE = "once", _("once")
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


def unapproved_q(prefix: str = "") -> Q:
    """A form without its legal marks, or used past its 有效期限."""
    q = Q()
    for mark in ("form_number", "issuing_authority", "approving_authority", "approval_number"):
        q |= Q(**{f"{prefix}{mark}": ""})
    return (
        q
        | Q(**{f"{prefix}valid_until__isnull": True})
        | Q(**{f"{prefix}valid_until__lt": F(f"{prefix}registered_on")})
    )


class ReturnFormQuerySet(ScopedQuerySet):
    scope_path = "community"

    def unapproved(self):
        return self.filter(unapproved_q())


class ReturnForm(models.Model):
    """A form (报表) a department asks the committee to fill, with its legal marks."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="returns", verbose_name=_("community")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="returns", verbose_name=_("department")
    )
    title = models.CharField(_("form"), max_length=100)
    registered_on = models.DateField(_("registered on"), validators=[DateInRange()])
    due_on = models.DateField(_("due on"), validators=[DateInRange()])
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    form_number = models.CharField(_("form number (表号)"), max_length=50, blank=True)
    issuing_authority = models.CharField(_("issued by (制表机关)"), max_length=100, blank=True)
    approving_authority = models.CharField(_("approved by (批准机关)"), max_length=100, blank=True)
    approval_number = models.CharField(_("approval number (批准文号)"), max_length=100, blank=True)
    valid_until = models.DateField(
        _("valid until (有效期限)"), null=True, blank=True, validators=[DateInRange()]
    )
    filled_on = models.DateField(_("filled on"), null=True, blank=True)
    items = models.ManyToManyField(
        DataItem, through="ReturnItem", related_name="returns", verbose_name=_("data items")
    )

    objects = ReturnFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-registered_on", "-pk"]
        indexes = [models.Index(fields=["community", "registered_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("paperwork:return_detail", args=[self.pk])

    @property
    def unapproved(self) -> bool:
        marks = (self.form_number, self.issuing_authority, self.approving_authority)
        return (
            not all(marks)
            or not self.approval_number
            or self.valid_until is None
            or self.valid_until < self.registered_on
        )


class ReturnItemQuerySet(ScopedQuerySet):
    scope_path = "return_form__community"


class ReturnItem(models.Model):
    """One data item a return asks for, the value the committee gave and when."""

    return_form = models.ForeignKey(
        ReturnForm, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return")
    )
    data_item = models.ForeignKey(
        DataItem, on_delete=models.PROTECT, related_name="lines", verbose_name=_("data item")
    )
    value = models.CharField(_("value"), max_length=50, blank=True)
    value_on = models.DateField(_("value as of"), null=True, blank=True)
    # Asked before, in this community, by a return of another department.
    repeat = models.BooleanField(_("asked before"), default=False, editable=False)
    reused_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reused from"),
    )

    objects = ReturnItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("data item asked")
        verbose_name_plural = _("data items asked")
        ordering = ["return_form", "data_item__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["return_form", "data_item"], name="return_item_unique_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.return_form} · {self.data_item}"


class ApiTokenQuerySet(DistrictScopedQuerySet):
    scope_path = "district"


class ApiToken(models.Model):
    """A district's key for the 一表通 pull. The key is shown once; only its hash is kept."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("district")
    )
    name = models.CharField(_("who uses it"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The rate limit's window: calls since window_start (one row, shared by every process).
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_calls = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.district} · {self.name}"
