"""The committee's roster: full-time community workers, assistants placed by departments."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import Community, Department
from committee.scoping import ScopedQuerySet
from staff.validators import validate_national_id, validate_phone


class StaffMemberQuerySet(ScopedQuerySet):
    scope_path = "community"

    def current(self, on=None):
        """Those on the roster on a date (default: today)."""
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)))


class StaffMember(models.Model):
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
    national_id = models.CharField(
        _("national ID number"), max_length=18, blank=True, validators=[validate_national_id]
    )
    phone = models.CharField(_("phone"), max_length=11, blank=True, validators=[validate_phone])

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
