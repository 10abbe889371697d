"""The hierarchy every record hangs from: district → street office → community.

Also the government departments that push work down, and each user's Membership,
which is all the scoping rule (committee/scoping.py) reads.
"""

from __future__ import annotations

from decimal import Decimal

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.audit import AuditEntryManager
from committee.roles import COMMUNITY_ROLES, Action, Role
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.versions import Versioned


class GroupQuerySet(models.QuerySet):
    """Street offices or districts: one may open a group's pages when one may see every
    community in it (committee/scoping.py)."""

    def visible_to(self, user) -> GroupQuerySet:
        return self.for_action(user, Action.VIEW)

    def for_action(self, user, action: str) -> GroupQuerySet:
        if self.model is District:
            return self.filter(pk__in=scoping.whole_districts(user, action).values("pk"))
        return self.filter(pk__in=scoping.street_offices(user, action).values("pk"))


class District(models.Model):
    """A district (区); its civil-affairs bureau keeps the catalogue and thresholds."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StreetOffice(models.Model):
    """A street office (街道办事处), the level that pushes work down to communities."""

    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="street_offices",
        verbose_name=_("district"),
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("street office")
        verbose_name_plural = _("street offices")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="street_office_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(ScopedQuerySet):
    scope_path = ""


class Community(Versioned):
    """A community (社区) and its residents' committee (居委会)."""

    street_office = models.ForeignKey(
        StreetOffice,
        on_delete=models.PROTECT,
        related_name="communities",
        verbose_name=_("street office"),
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20, unique=True)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        default=Decimal("0"),
    )
    residents = models.PositiveIntegerField(_("residents"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["street_office", "name"], name="community_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("committee:community_detail", args=[self.pk])


class DepartmentQuerySet(DistrictScopedQuerySet):
    def serving(self, communities: models.QuerySet) -> DepartmentQuerySet:
        """The departments of the districts these communities are in (who may push them work)."""
        return self.filter(district__in=communities.values("street_office__district"))


class Department(models.Model):
    """A government department (委办局) that employs assistants and pushes tasks down."""

    class Level(models.TextChoices):
        DISTRICT_BUREAU = "district", _("district bureau")
        STREET_DEPARTMENT = "street", _("street-office department")
        OTHER = "other", _("other")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="departments", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.OTHER)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("government department")
        verbose_name_plural = _("government departments")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """What a user is in the hierarchy: one role at exactly one level."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("district")
    )
    street_office = models.ForeignKey(
        StreetOffice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("street office"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("community")
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Exactly one level, and the one that fits the role.
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[r.value for r in COMMUNITY_ROLES],
                        community__isnull=False,
                        street_office__isnull=True,
                        district__isnull=True,
                    )
                    | Q(
                        role=Role.STREET_OFFICIAL,
                        community__isnull=True,
                        street_office__isnull=False,
                        district__isnull=True,
                    )
                    | Q(
                        role=Role.DISTRICT_OFFICER,
                        community__isnull=True,
                        street_office__isnull=True,
                        district__isnull=False,
                    )
                ),
                name="membership_exactly_one_level_for_role",
                violation_error_message=_(
                    "Choose exactly one of district, street office or community, matching the role."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def unit(self) -> District | StreetOffice | Community | None:
        return self.community or self.street_office or self.district


class TablePreference(models.Model):
    """The columns a user chose for one list table, remembered between visits."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="table_preferences",
        verbose_name=_("user"),
    )
    table = models.CharField(_("table"), max_length=100)
    columns = models.JSONField(_("columns"), default=list)

    class Meta:
        verbose_name = _("table preference")
        verbose_name_plural = _("table preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "table"], name="table_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.table}"


class ImportBatchQuerySet(ScopedQuerySet):
    scope_path = "community"


class ImportBatch(models.Model):
    """One uploaded file, from its preview to its import: saved exactly once.

    The preview stores the file here under a random token; confirming claims the batch
    (``imported_at`` set in the same transaction that saves its rows), so a second
    confirm — a double click, a second tab, a second worker — finds it already imported.
    Kept in the database, not on an app server's disk, so any worker can confirm it.
    """

    token = models.CharField(_("token"), max_length=43, unique=True)
    kind = models.CharField(_("import"), max_length=100)
    title = models.CharField(_("title"), max_length=100)
    list_url = models.CharField(_("list"), max_length=200, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    data = models.BinaryField(_("file contents"), editable=False)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    row_count = models.PositiveIntegerField(_("rows saved"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["uploaded_at"], name="import_batch_uploaded")]

    def __str__(self) -> str:
        return f"{self.title} · {self.filename}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("committee:import_batch_detail", args=[self.pk])


class AuditEntry(AbstractLogEntry):
    """One change of one record (修改记录): auditlog's entry, plus where the record belongs
    and why it was changed. Kept by committee/audit.py; nothing edits an entry."""

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("change of a record")
        verbose_name_plural = _("history of changes")
        indexes = [
            models.Index(fields=["community", "timestamp"], name="audit_community_time"),
            models.Index(fields=["content_type", "object_pk"], name="audit_record"),
        ]


# Background jobs live in their own module; imported here so Django finds the models.
from committee.jobs import Job, JobFile, WorkerBeat  # noqa: E402, F401
