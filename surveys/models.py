"""Surveys: questionnaires a committee or a street office puts to residents.

Survey → Question → Choice describe the questionnaire; Response → Answer hold
what residents said (online through the public link, or typed in from paper by
staff). A multiple-choice answer is stored as one Answer row per option picked,
so results count each option on its own, never combinations.

Who sees and changes a survey (``SurveyQuerySet``), using committee/scoping.py only:

- a community's survey: like every community record — whoever may view the
  community sees it, whoever may change the community's records changes it;
- a street office's survey belongs to the whole street office, so you see it
  when you may view *every* community of that street office (its officials, the
  district, superusers) and change it when you may review every one of them —
  review being the street office's own act over its communities (ROLE_ACTIONS).
  So a street office's officials run its surveys; the district looks but does not
  edit; a community's staff neither sees nor edits its street office's survey.
"""

from __future__ import annotations

import secrets
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.bounds import DateInRange
from committee.links import record_url
from committee.models import Community, StreetOffice
from committee.roles import Action
from committee.versions import Versioned

# On a street office's survey, an action on "every community of the street office"
# stands for the same action on the street office itself; changing it is the
# street office's own work, which ROLE_ACTIONS grants as REVIEW.
STREET_OFFICE_ACTION = {Action.CHANGE: Action.REVIEW}


def new_token() -> str:
    """An unguessable public link key (128 bits)."""
    return secrets.token_urlsafe(16)


def new_key() -> str:
    """A stable identity a question or option keeps through copies, to compare results."""
    return secrets.token_hex(6)


def street_offices(user, action: str = Action.VIEW) -> models.QuerySet[StreetOffice]:
    """Street offices whose own surveys the user may act on: committee/scoping.py's one
    street-office rule, with ``STREET_OFFICE_ACTION`` applied to ``action``."""
    return scoping.street_offices(user, STREET_OFFICE_ACTION.get(action, action))


class SurveyQuerySet(scoping.ScopedQuerySet):
    """Scoped by community, or by the whole street office for street-office surveys."""

    def for_action(self, user, action: str) -> SurveyQuerySet:
        q = scoping.community_q(user, action)
        if q is None:
            return self.all()
        return self.filter(
            Q(community__in=Community.objects.filter(q).values("pk"))
            | Q(street_office__in=street_offices(user, action).values("pk"))
        )

    def with_counts(self) -> SurveyQuerySet:
        """Number of responses and questions, as subqueries (no join of one with the other)."""
        return self.annotate(**_counts())


@cache
def _counts() -> dict[str, Coalesce]:
    """The two count subqueries, built once per process: an annotation is copied when a
    query takes it, and building them took a tenth of the survey list's CPU."""
    return {
        "response_count": _count_per_survey(Response),
        "question_count": _count_per_survey(Question),
    }


def _count_per_survey(model) -> Coalesce:
    counted = (
        model._default_manager.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


class Survey(Versioned):
    """A questionnaire of one community's committee or of one street office."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Access(models.TextChoices):
        ANONYMOUS = "anonymous", _("anyone with the link (one response per browser)")
        CODES = "codes", _("invitation codes (one response per code)")

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("community"),
    )
    street_office = models.ForeignKey(
        StreetOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("street office"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens = models.DateField(_("opens"), null=True, blank=True, validators=[DateInRange()])
    closes = models.DateField(_("closes"), null=True, blank=True, validators=[DateInRange()])
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    access = models.CharField(
        _("who may answer"), max_length=10, choices=Access.choices, default=Access.ANONYMOUS
    )
    token = models.CharField(_("public link key"), max_length=40, unique=True, default=new_token)
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(community__isnull=False, street_office__isnull=True)
                    | Q(community__isnull=True, street_office__isnull=False)
                ),
                name="survey_community_or_street_office",
                violation_error_message=_("Choose either a community or a street office."),
            ),
            models.CheckConstraint(
                condition=Q(opens__isnull=True)
                | Q(closes__isnull=True)
                | Q(closes__gte=models.F("opens")),
                name="survey_closes_after_opens",
                violation_error_message=_("The closing date cannot be before the opening date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return record_url("surveys:survey_detail", self.pk)

    def get_public_url(self) -> str:
        return reverse("surveys:public_form", args=[self.token])

    @property
    def owner(self) -> Community | StreetOffice | None:
        return self.community or self.street_office

    def accepting_reason(self, today=None) -> str | None:
        """Why the public form refuses answers now, or None when it accepts them."""
        today = today or timezone.localdate()
        if self.state == self.State.DRAFT:
            return _("This survey has not started yet.")
        if self.state == self.State.CLOSED:
            return _("This survey is closed. Thank you for your interest.")
        if self.opens and today < self.opens:
            return _("This survey opens on %(date)s.") % {"date": self.opens.isoformat()}
        if self.closes and today > self.closes:
            return _("This survey closed on %(date)s. Thank you for your interest.") % {
                "date": self.closes.isoformat()
            }
        return None


class SurveyPartQuerySet(scoping.ScopedQuerySet):
    """Questions and responses are in scope exactly when their survey is."""

    def for_action(self, user, action: str) -> SurveyPartQuerySet:
        return self.filter(survey__in=Survey.objects.for_action(user, action).values("pk"))


class Question(Versioned):
    """One question of a survey, in its place; ``key`` survives copies for comparisons."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        RATING = "rating", _("rating 1–5")
        NUMBER = "number", _("number")
        TEXT = "text", _("free text")

    class Purpose(models.TextChoices):
        """What a dashboard reads the question for, instead of matching its words."""

        NONE = "", _("—")
        COMMITTEE_NATURE = "committee_nature", _("what residents think the committee is")
        SATISFACTION = "satisfaction", _("satisfaction (rating)")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    required = models.BooleanField(_("required"), default=True)
    purpose = models.CharField(
        _("read by dashboards as"), max_length=20, choices=Purpose.choices, default="", blank=True
    )
    key = models.CharField(_("comparison key"), max_length=40, default=new_key, db_index=True)

    objects = SurveyPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Choice(models.Model):
    """An option of a single- or multiple-choice question."""

    # Keys of the field report's question (Question.Purpose.COMMITTEE_NATURE).
    GOVERNMENT = "government"
    RESIDENTS = "residents"
    UNKNOWN = "unknown"

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=200)
    key = models.CharField(_("comparison key"), max_length=40, default=new_key)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class InvitationCode(models.Model):
    """A one-time code printed for one invited resident of a survey with codes."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="codes", verbose_name=_("survey")
    )
    code = models.CharField(_("code"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="invitation_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    """One filled-in questionnaire: online by a resident, or typed in from paper by staff."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        PAPER = "paper", _("paper")

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    channel = models.CharField(
        _("how"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    invitation = models.OneToOneField(
        InvitationCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation code"),
    )

    objects = SurveyPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="online") | Q(entered_by__isnull=False),
                name="response_paper_has_entered_by",
                violation_error_message=_("A paper response records who typed it in."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """One answer: a picked option (one row per option for multiple choice), a number or text."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    choice = models.ForeignKey(
        Choice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("option"),
    )
    number = models.DecimalField(
        _("number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"], name="answer_option_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.choice or self.number or self.text)


class Tally(models.Model):
    """How many answers one question of a community's survey got on one day, per option.

    A picked option counts in its option's row; a rating (1–5) counts in the question's
    row with ``choice`` empty, ``total`` adding the stars up. Text and number answers are
    not tallied, nor a street office's own surveys (the dashboards read neither).
    ``surveys/tallies.py`` keeps the rows current with every answer and rebuilds them;
    the dashboards read them instead of every answer (``surveys/metrics.py``).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tallies")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, related_name="+")
    # The option's id, 0 for a rating: the key an answer's upsert meets its row on (an
    # empty ``choice`` would never meet itself in a unique constraint).
    slot = models.PositiveIntegerField()
    day = models.DateField()  # the local day the questionnaire was submitted
    answers = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "slot", "day"], name="survey_tally_once")
        ]
        indexes = [models.Index(fields=["survey", "day"], name="surveys_tally_survey_day")]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.slot} {self.day}: {self.answers}"


class SubmissionAttempt(models.Model):
    """A public-form submission seen from one address, counted for the rate limit.

    Kept in the database so every app process counts the same attempts; the address
    is stored only as a keyed hash.
    """

    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"], name="surveys_attempt_addr_at")]

    def __str__(self) -> str:
        return f"{self.address_hash[:8]} @ {self.at:%Y-%m-%d %H:%M:%S}"
