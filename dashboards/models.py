"""Thresholds: the amber and red limits of every dashboard flag, kept per district.

The defaults are DOMAIN.md's table (``dashboards.specs.SPECS``); a district's rows are
created from them on first use (``Threshold.objects.ensure_for``), so no district ever
needs a manual step before its dashboards show colours.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import Community, Department, District
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.versions import Versioned
from dashboards.specs import SPECS, FlagKind

__all__ = [
    "DepartmentMonth",
    "DepartmentPendingDue",
    "FlagKind",
    "MonthlyRollup",
    "Notification",
    "PayBand",
    "PayMonth",
    "PendingDueRollup",
    "ReportChange",
    "StoredReport",
    "Threshold",
]


class ThresholdQuerySet(DistrictScopedQuerySet):
    def ensure_for(self, districts) -> None:
        """Create the default rows any of these districts lacks (one insert, no updates)."""
        have = set(
            Threshold.objects.filter(district__in=districts).values_list("district_id", "kind")
        )
        missing = [
            Threshold(
                district=district,
                kind=spec.kind,
                amber=spec.amber,
                red=spec.red,
                min_sample=spec.min_sample,
            )
            for district in districts
            for spec in SPECS.values()
            if (district.pk, spec.kind) not in have
        ]
        Threshold.objects.bulk_create(missing, ignore_conflicts=True)


class Threshold(Versioned):
    """Where a district draws the amber and red lines of one flag.

    Whether a value is bad above or below the line is a property of the flag
    (``dashboards.specs.SPECS``), not of the row; a district changes only the numbers.
    Shares and ratios are fractions (0.30 = 30 %); counts are whole numbers.
    """

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("district")
    )
    kind = models.CharField(_("flag"), max_length=30, choices=FlagKind.choices)
    amber = models.DecimalField(
        _("amber from"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    red = models.DecimalField(_("red from"), max_digits=8, decimal_places=4)
    min_sample = models.PositiveIntegerField(
        _("answers needed"),
        null=True,
        blank=True,
        help_text=_("Below this many answers a survey figure gets no colour (too few to judge)."),
    )

    objects = ThresholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        ordering = ["district", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["district", "kind"], name="threshold_unique_kind")
        ]

    def __str__(self) -> str:
        return f"{self.district} · {self.get_kind_display()}"

    def clean(self) -> None:
        spec = SPECS[self.kind]
        if self.red is None or self.amber is None:
            return
        if self.red < Decimal("0") or self.amber < Decimal("0"):
            raise ValidationError(_("Limits cannot be negative."))
        worse = self.red >= self.amber if spec.bad_when_high else self.red <= self.amber
        if not worse:
            raise ValidationError(_("The red limit must be at least as bad as the amber limit."))


# --- monthly rollups (dashboards/rollups.py keeps them; nobody else writes them) ----------

_MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}


class RollupQuerySet(ScopedQuerySet):
    scope_path = "community"


class MonthlyRollup(models.Model):
    """One community's figures for one calendar month, as the dashboards read them.

    Hours count the time entries dated in the month; task counts and money the tasks
    received in it; income and spending the records dated in it. A month with no records
    has no row (read as zeros).
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="monthly_rollups"
    )
    month = models.DateField(_("month"))
    hours = models.DecimalField(_("hours"), **_MONEY)
    hours_admin = models.DecimalField(_("hours on administrative work"), **_MONEY)
    hours_while_pending = models.DecimalField(_("hours while pending"), **_MONEY)
    tasks = models.PositiveIntegerField(_("tasks"), default=0)
    tasks_worked_pending = models.PositiveIntegerField(default=0)
    tasks_refused = models.PositiveIntegerField(default=0)
    tasks_assist = models.PositiveIntegerField(default=0)
    tasks_assist_funded = models.PositiveIntegerField(default=0)
    tasks_negative_worked = models.PositiveIntegerField(default=0)
    meetings = models.PositiveIntegerField(default=0)
    inspections = models.PositiveIntegerField(default=0)
    returns = models.PositiveIntegerField(default=0)
    money_promised = models.DecimalField(**_MONEY)
    money_received = models.DecimalField(**_MONEY)
    allocated = models.DecimalField(**_MONEY)
    pooled = models.DecimalField(**_MONEY)
    contributions = models.DecimalField(**_MONEY)
    service = models.DecimalField(**_MONEY)
    task_funding = models.DecimalField(**_MONEY)
    other = models.DecimalField(**_MONEY)
    spent = models.DecimalField(**_MONEY)
    essential_costs = models.DecimalField(**_MONEY)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="rollup_unique_month")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m}"


class PendingDueRollup(models.Model):
    """Tasks received in a month, still pending and not worked on, by decision date.

    Whether such a task is unauthorised depends on the day the page is read (its decision
    is overdue), so the rollup keeps the dates, not a count frozen at write time.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="pending_due_rollups"
    )
    month = models.DateField(_("month"))
    due = models.DateField(_("decision due"))
    tasks = models.PositiveIntegerField(_("tasks"), default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending tasks by decision date")
        verbose_name_plural = _("pending tasks by decision date")
        indexes = [models.Index(fields=["community", "month"], name="pendingdue_month")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m} → {self.due}"


class PayMonth(models.Model):
    """One person's monthly net pay in one month: what the pay medians are taken over."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="pay_months")
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=20)
    staff_member_id = models.PositiveIntegerField()
    net = models.DecimalField(_("net pay"), max_digits=12, decimal_places=2)
    # Paid without the employer's pension or medical contribution.
    uninsured = models.BooleanField(_("without employer insurance"), default=False)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay person-month")
        verbose_name_plural = _("pay person-months")
        indexes = [models.Index(fields=["community", "month"], name="paymonth_month")]

    def __str__(self) -> str:
        return f"{self.staff_member_id} {self.month:%Y-%m}"


class PayBand(models.Model):
    """How many person-months of one kind a whole district paid one net amount in a month.

    The district's pay histogram (some 57,000 rows for 360,000 person-months at 2,000
    communities): the medians of every community of a district are found by walking its
    bands summed per amount, in order, instead of sorting every person-month. Kept from
    PayMonth by each rebuild (the difference it made is added); rows may repeat a key
    (two writers adding the same new amount at once): readers sum them.
    """

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="pay_bands")
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=20)
    net = models.DecimalField(_("net pay"), max_digits=12, decimal_places=2)
    months = models.IntegerField(_("person-months"))

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pay band")
        verbose_name_plural = _("pay bands")
        indexes = [models.Index(fields=["district", "month", "kind", "net"], name="payband_key")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.month:%Y-%m} {self.kind} {self.net} × {self.months}"


class DepartmentMonth(models.Model):
    """The tasks one department pushed down on one community, received in one month.

    What the department league reads: tasks, those worked on while pending, refused and
    decided late, every hour logged on them (whenever logged, so a task's whole cost stays
    with the month it came in) and the money promised and received with them.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="department_months"
    )
    month = models.DateField(_("month"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    tasks = models.PositiveIntegerField(_("tasks"), default=0)
    worked_pending = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    decided_late = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(_("hours"), **_MONEY)
    money_promised = models.DecimalField(**_MONEY)
    money_received = models.DecimalField(**_MONEY)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("tasks of a department in a month")
        verbose_name_plural = _("tasks of a department in a month")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month", "department"], name="department_month_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m} {self.department_id}"


class DepartmentPendingDue(models.Model):
    """A department's pending tasks of a month by decision date (overdue depends on today).

    ``unworked``: pending, not worked on (unauthorised once the date passes);
    ``in_time``: pending, not decided late (overdue once the date passes).
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="department_pending_dues"
    )
    month = models.DateField(_("month"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    due = models.DateField(_("decision due"))
    unworked = models.PositiveIntegerField(default=0)
    in_time = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("pending tasks of a department by decision date")
        verbose_name_plural = _("pending tasks of a department by decision date")
        indexes = [models.Index(fields=["community", "month"], name="deptpendingdue_month")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m} {self.department_id} → {self.due}"


class Notification(models.Model):
    """A reminder shown in a user's 待办 inbox (and e-mailed when e-mail is set up).

    Written by the daily reminder job (dashboards/reminders.py): three working days before
    a deadline and on the day itself (the street office's decision date on a task waiting
    for approval, the deadline of an admitted task for its committee), and for a district's
    officers, each community that turned red this month. One row per user, subject, kind
    and date, so running the job twice reminds once.
    """

    class Kind(models.TextChoices):
        DECISION_SOON = "decision_soon", _("decision due in 3 working days")
        DECISION_TODAY = "decision_today", _("decision due today")
        DEADLINE_SOON = "deadline_soon", _("task deadline in 3 working days")
        DEADLINE_TODAY = "deadline_today", _("task deadline today")
        TURNED_RED = "turned_red", _("turned red this month")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    task = models.ForeignKey(
        "tasks.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task"),
    )
    due = models.DateField(_("due"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task", "kind", "due"],
                condition=Q(task__isnull=False),
                name="notification_once_per_task",
            ),
            models.UniqueConstraint(
                fields=["user", "community", "kind", "due"],
                condition=Q(task__isnull=True),
                name="notification_once_per_community",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.task or self.community} · {self.get_kind_display()}"


# --- finished reports of ended periods (dashboards/reports/stored.py) ------------------

# The month of a ReportChange that stands for every month: a record that is no month's
# (a survey, a cap, a threshold) changed, so every report of the community is stale.
EVERY_MONTH = date(1, 1, 1)


class ReportChange(models.Model):
    """The last change to the figures of one community-month, as a random token.

    Written in the transaction of the write that changed them (the rollup hook for hours,
    tasks, money and pay; a signal for what the reports read besides). A stored report
    keeps the tokens it was drawn from; a different token is a correction since.
    """

    # A plain id, not a foreign key: a community's records deleted with it still mark it,
    # after the cascade has run, and a row of a deleted community is merely never read.
    community_id = models.PositiveIntegerField()
    month = models.DateField(_("month"))
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("report data change")
        verbose_name_plural = _("report data changes")
        constraints = [
            models.UniqueConstraint(fields=["community_id", "month"], name="reportchange_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m} {self.token}"


class StoredReport(models.Model):
    """A finished PDF report of an ended period, kept so that it is drawn once.

    In the database, not on a disk: the app servers are stateless. Served while the
    figures it was drawn from are unchanged (``stamp``) and no pending task of the
    period has fallen overdue since (``fresh_through``).
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveIntegerField()
    period = models.CharField(_("period"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    stamp = models.CharField(max_length=64)
    fresh_through = models.DateField(null=True, blank=True)
    filename = models.CharField(max_length=200)
    pdf = models.BinaryField()
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("stored report")
        verbose_name_plural = _("stored reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "period", "language"], name="storedreport_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.period} {self.language}"


class CommunityRevision(models.Model):
    """A counter per community, raised in the same transaction as every write that changes
    something a dashboard shows of it (``dashboards/revisions.py``): the dashboards' figure
    cache keys on the revisions of the communities a page covers. It only grows."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, primary_key=True, related_name="revision"
    )
    revision = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("community revision")
        verbose_name_plural = _("community revisions")

    def __str__(self) -> str:
        return f"{self.community_id} r{self.revision}"


class PageRefresh(models.Model):
    """A street-office or district page waiting for a worker to draw it again after a write
    (``dashboards/refresh.py``): one row per page while its job is queued, so a burst of
    writes queues one job."""

    class Page(models.TextChoices):
        STREET_OFFICE = "street_office", _("street office")
        DISTRICT = "district", _("district")

    page = models.CharField(_("page"), max_length=20, choices=Page.choices)
    # A plain id, as ReportChange's: the unit may be deleted before the job runs.
    unit_id = models.PositiveIntegerField()
    queued_at = models.DateTimeField(_("queued at"))

    class Meta:
        verbose_name = _("dashboard waiting to be drawn")
        verbose_name_plural = _("dashboards waiting to be drawn")
        constraints = [
            models.UniqueConstraint(fields=["page", "unit_id"], name="pagerefresh_unique")
        ]

    def __str__(self) -> str:
        return f"{self.page} {self.unit_id}"
