"""The work-admission register: the catalogue, the tasks pushed down, their decisions and hours.

- CatalogueItem: one line of a district's catalogue of community work matters (社区工作事项清单).
- Task: a piece of work a government department pushed down to a community, with the
  admission decision taken on it (社区工作准入).
- TaskEvent: the history of a task: every decision and change, with who and when.
- TimeEntry: hours a staff member spent, on a task or on resident work.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.bounds import AmountInRange, DateInRange
from committee.links import record_url
from committee.models import Community, Department, District
from committee.scoping import DistrictScopedQuerySet, ScopedQuerySet
from committee.versions import Versioned
from staff.models import StaffMember

ZERO = Decimal("0.00")


class CatalogueList(models.TextChoices):
    DUTY = "duty", _("statutory duty")
    ASSIST = "assist", _("assistance to government")
    NEGATIVE = "negative", _("negative list")
    CERT_ALLOWED = "cert_allowed", _("certificate allowed")
    CERT_BANNED = "cert_banned", _("certificate banned")


class CatalogueItemQuerySet(DistrictScopedQuerySet):
    scope_path = "district"

    def valid_on(self, day):
        """Items of the catalogue version in force on a day."""
        return self.filter(
            Q(active=True),
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class CatalogueItem(Versioned):
    """One matter on a district's catalogue: what the committee must, may or must not do."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="catalogue", verbose_name=_("district")
    )
    list = models.CharField(_("list"), max_length=12, choices=CatalogueList.choices)
    category = models.CharField(_("category"), max_length=50)
    category_en = models.CharField(_("category (English)"), max_length=100, blank=True)
    item = models.CharField(_("item"), max_length=200)
    item_en = models.CharField(_("item (English)"), max_length=300, blank=True)
    basis = models.CharField(_("legal or policy basis"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = CatalogueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        ordering = ["district", "list", "category", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "list", "item", "valid_from"], name="catalogue_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="catalogue_item_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.get_list_display()}] {self.item}"

    @property
    def admits(self) -> bool:
        return self.list in (CatalogueList.DUTY, CatalogueList.ASSIST, CatalogueList.CERT_ALLOWED)

    @property
    def refuses(self) -> bool:
        return self.list in (CatalogueList.NEGATIVE, CatalogueList.CERT_BANNED)


class Category(models.TextChoices):
    FORMS = "forms", _("forms and returns")
    LEDGER = "ledger", _("ledger")
    CERTIFICATE = "certificate", _("certificate")
    STATISTICS = "statistics", _("temporary statistics")
    MEETING = "meeting", _("meeting")
    INSPECTION = "inspection", _("inspection / appraisal")
    SIGNBOARD = "signboard", _("signboard / display board")
    CAMPAIGN = "campaign", _("campaign")
    RESIDENT_SERVICE = "resident_service", _("resident service")
    MEDIATION = "mediation", _("mediation")
    SELF_GOVERNANCE = "self_governance", _("self-governance")
    OTHER = "other", _("other")


class Nature(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("administrative work")
    COMMUNITY = "community", _("community affairs")


class Outcome(models.TextChoices):
    DUTY = "duty", _("statutory duty")
    ASSIST_LISTED = "assist_listed", _("assistance on the catalogue")
    ASSIST_AUTHORISED = "assist_authorised", _("assistance authorised")
    PENDING = "pending", _("pending approval")
    REFUSED = "refused", _("refused")
    EMERGENCY = "emergency", _("emergency")


class Status(models.TextChoices):
    RECEIVED = "received", _("received")
    ADMITTED = "admitted", _("admitted")
    PENDING = "pending", _("pending approval")
    REFUSED = "refused", _("refused")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ReceivedVia(models.TextChoices):
    DOCUMENT = "document", _("official document")
    MEETING = "meeting", _("meeting")
    PHONE = "phone", _("phone call")
    CHAT = "chat", _("chat group")
    PLATFORM = "platform", _("online platform")
    IN_PERSON = "in_person", _("in person")


class RefusalKind(models.TextChoices):
    """Why the street office refused a task (the note to the department names it)."""

    NEGATIVE = "negative", _("on the negative list")
    NO_AUTHORITY = "no_authority", _("no authority given to the committee")
    NO_FUNDING = "no_funding", _("no funding comes with it")
    OTHER = "other", _("other reason")


class ResidentWork(models.TextChoices):
    """Work for residents rather than for departments (the four services and more)."""

    SAFETY = "safety", _("safety")
    CULTURE = "culture", _("culture")
    HEALTH = "health", _("health")
    DAILY_LIFE = "daily_life", _("daily life")
    MEDIATION = "mediation", _("mediation")
    SELF_GOVERNANCE = "self_governance", _("self-governance")


ADMITTED_OUTCOMES = (
    Outcome.DUTY,
    Outcome.ASSIST_LISTED,
    Outcome.ASSIST_AUTHORISED,
    Outcome.EMERGENCY,
)
ASSIST_OUTCOMES = (Outcome.ASSIST_LISTED, Outcome.ASSIST_AUTHORISED)


class TaskQuerySet(ScopedQuerySet):
    scope_path = "community"

    def awaiting_decision(self):
        """Tasks the street office still has to approve or refuse, the soonest due first.

        Tasks without a decision date come last on SQLite and PostgreSQL alike.
        """
        return self.filter(outcome=Outcome.PENDING).order_by(
            models.F("decision_due").asc(nulls_last=True), "received_on", "pk"
        )

    def overdue(self, today=None):
        """Pending past the decision date, or decided after it."""
        today = today or timezone.localdate()
        return self.filter(
            Q(outcome=Outcome.PENDING, decision_due__lt=today)
            | Q(decided_on__isnull=False, decided_on__gt=models.F("decision_due"))
        )

    def unauthorised(self, today=None):
        """Worked on without admission: worked on while pending, or pending past its due date."""
        today = today or timezone.localdate()
        return self.filter(
            Q(worked_while_pending=True) | Q(outcome=Outcome.PENDING, decision_due__lt=today)
        )

    def with_hours(self):
        """Each task's hours, from a subquery per task (no GROUP BY over the whole list)."""
        summed = (
            TimeEntry.objects.filter(task=models.OuterRef("pk"))
            .order_by()
            .values("task")
            .annotate(total=models.Sum("hours"))
            .values("total")
        )
        return self.annotate(
            hours=models.functions.Coalesce(
                models.Subquery(summed),
                models.Value(ZERO),
                output_field=models.DecimalField(max_digits=9, decimal_places=2),
            )
        )

    def hours_by_task(self, pks) -> dict[int, Decimal]:
        """{task pk: hours} for the given tasks, in one query (a page of a list)."""
        rows = (
            TimeEntry.objects.filter(task__in=pks)
            .order_by()
            .values("task")
            .annotate(total=models.Sum("hours"))
            .values_list("task", "total")
        )
        return dict(rows)


class Task(Versioned):
    """A piece of work a government department pushed down to the committee."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("department"),
        help_text=_("The department that pushed the task down."),
    )
    received_on = models.DateField(
        _("received on"), default=timezone.localdate, validators=[DateInRange()]
    )
    received_via = models.CharField(
        _("received via"), max_length=10, choices=ReceivedVia.choices, default=ReceivedVia.DOCUMENT
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    nature = models.CharField(
        _("nature"), max_length=15, choices=Nature.choices, default=Nature.ADMINISTRATIVE
    )
    service_area = models.CharField(
        _("resident service area"),
        max_length=16,
        choices=ResidentWork.choices,
        blank=True,
        help_text=_("For community affairs: which of the services to residents it is."),
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("catalogue item"),
    )
    outcome = models.CharField(
        _("admission outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    emergency_justification = models.TextField(_("emergency justification"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    refusal_kind = models.CharField(
        _("kind of refusal"), max_length=12, choices=RefusalKind.choices, blank=True
    )
    refusal_item = models.ForeignKey(
        CatalogueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("negative-list item"),
        help_text=_("The negative-list item the task falls under, when that is the reason."),
    )
    authorisation_number = models.CharField(
        _("authorisation document number"), max_length=100, blank=True
    )
    authority = models.CharField(_("authority granted"), max_length=200, blank=True)
    scope_granted = models.TextField(_("scope granted"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=[DateInRange()])
    money_promised = models.DecimalField(
        _("money promised (¥)"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), AmountInRange(ZERO)],
    )
    money_received = models.DecimalField(
        _("money received (¥)"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Kept from the task's funding income records."),
    )
    assignees = models.ManyToManyField(
        StaffMember, blank=True, related_name="tasks", verbose_name=_("assignees")
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    decision_due = models.DateField(
        _("decision due"),
        null=True,
        blank=True,
        help_text=_("15 working days after receipt."),
    )
    decision_due_estimated = models.BooleanField(
        _("decision date estimated"),
        default=False,
        help_text=_("The holiday calendar does not cover these dates; weekdays were counted."),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    worked_while_pending = models.BooleanField(
        _("worked on while pending"),
        default=False,
        help_text=_("Hours were logged before the street office decided."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["-received_on", "-pk"]
        indexes = [
            # A page's ids, newest first, picked from the index alone (with the id in it, no
            # task row is read to pick the 50 shown; committee/paging.py: page_records).
            models.Index(fields=["community", "received_on", "id"], name="task_community_newest"),
            models.Index(fields=["outcome", "decision_due"]),
            # A street office's approval queue: its communities' pending tasks, soonest
            # due first, and the count of those overdue, read from this index alone.
            models.Index(
                fields=["community", "outcome", "decision_due"], name="task_community_pending"
            ),
            # The list of one category (?category=forms): a street office's newest page and
            # its count read from the index, not from every task of its communities.
            models.Index(
                fields=["community", "category", "received_on", "id"],
                name="task_community_category",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(money_promised__gte=0) & Q(money_received__gte=0),
                name="task_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return record_url("tasks:task_detail", self.pk)

    @property
    def is_admitted(self) -> bool:
        return self.outcome in ADMITTED_OUTCOMES


class TaskEvent(models.Model):
    """One entry in a task's history: logged, admitted, approved, refused, changed."""

    class Kind(models.TextChoices):
        LOGGED = "logged", _("logged")
        ADMITTED = "admitted", _("admitted")
        PENDING = "pending", _("sent for approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        EMERGENCY = "emergency", _("taken as an emergency")
        STATUS = "status", _("status changed")
        EDITED = "edited", _("edited")
        WORKED_WHILE_PENDING = "worked_pending", _("worked on while pending")

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="events", verbose_name=_("task")
    )
    kind = models.CharField(_("what"), max_length=16, choices=Kind.choices)
    outcome = models.CharField(
        _("admission outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_kind_display()}"


class TimeEntryQuerySet(ScopedQuerySet):
    scope_path = "staff_member__community"


class TimeEntry(models.Model):
    """Hours one staff member spent on one day, on a task or on a kind of resident work."""

    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name=_("staff member"),
    )
    date = models.DateField(_("date"), validators=[DateInRange()])
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("task"),
    )
    resident_work = models.CharField(
        _("resident work"), max_length=16, choices=ResidentWork.choices, blank=True
    )
    while_pending = models.BooleanField(
        _("while pending"),
        default=False,
        help_text=_("Logged while the task waited for the street office's decision."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "staff_member"]
        indexes = [
            models.Index(fields=["date"]),
            # The scoping filter (staff_member IN …) plus the newest-first order: a
            # district's newest page and its count are read from this index alone.
            models.Index(fields=["staff_member", "date"], name="time_entry_staff_date"),
            # A task's hours summed from the index alone (list pages, department league).
            models.Index(fields=["task", "hours"], name="time_entry_task_hours"),
            # The hours of one kind of resident work (?resident_work=safety): the scope's
            # staff members' entries of that kind, newest first, without reading the rest.
            models.Index(
                fields=["staff_member", "resident_work", "date"], name="time_entry_staff_work_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(resident_work=""))
                | (Q(task__isnull=True) & ~Q(resident_work="")),
                name="time_entry_task_or_resident_work",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_in_day"
            ),
            models.UniqueConstraint(
                fields=["staff_member", "date", "task"],
                condition=Q(task__isnull=False),
                name="time_entry_one_row_per_task_day",
            ),
            models.UniqueConstraint(
                fields=["staff_member", "date", "resident_work"],
                condition=Q(task__isnull=True),
                name="time_entry_one_row_per_work_day",
            ),
        ]

    def __str__(self) -> str:
        what = self.task or self.get_resident_work_display()
        return f"{self.staff_member} · {self.date} · {self.hours} h · {what}"
