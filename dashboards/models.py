"""Thresholds: the amber and red limits of every dashboard flag, kept per district.

The defaults are DOMAIN.md's table (``dashboards.specs.SPECS``); a district's rows are
created from them on first use (``Threshold.objects.ensure_for``), so no district ever
needs a manual step before its dashboards show colours.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import Community, District
from committee.scoping import DistrictScopedQuerySet
from dashboards.specs import SPECS, FlagKind

__all__ = ["FlagKind", "Notification", "Threshold"]


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


class Threshold(models.Model):
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
