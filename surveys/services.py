"""The writes that carry a survey's rules: build, open, close, copy, answer.

Each runs in a transaction, so a refused step leaves nothing half-saved.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import audit, scoping, versions
from committee.roles import Action
from committee.services import service
from surveys import published, saving, tallies
from surveys.models import (
    Answer,
    Choice,
    InvitationCode,
    Question,
    Response,
    SubmissionAttempt,
    Survey,
    street_offices,
)
from surveys.questionnaires import QUESTIONNAIRES

# Letters and digits that cannot be misread on paper (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_CODES_AT_ONCE = 1000


def builder_refusal(survey: Survey) -> str | None:
    """Why the survey's questions can no longer be changed, or None."""
    if survey.responses.exists():
        return _(
            "This survey already has responses: its questions can no longer be added, "
            "removed or changed in meaning. Copy the survey to make a new version."
        )
    if survey.state != Survey.State.DRAFT:
        return _("Questions can only be changed while the survey is a draft.")
    return None


def _check_may_change(survey: Survey, user) -> None:
    """The right to change a survey where it is now and where it would be (None: the system)."""
    if user is None:
        return
    may = (
        scoping.can(user, Action.CHANGE, survey.community)
        if survey.community_id
        else street_offices(user, Action.CHANGE).filter(pk=survey.street_office_id).exists()
    )
    if may and survey.pk:
        may = Survey.objects.changeable_by(user).filter(pk=survey.pk).exists()
    if not may:
        raise PermissionDenied(_("You may look at this survey but not change it."))


@service
def save_survey(survey: Survey, *, user) -> Survey:
    """Change a survey's title, text, dates and access (its community's or office's staff)."""
    _check_may_change(survey, user)
    versions.claim(survey, user=user)
    survey.full_clean()
    survey.save()
    return survey


def _ensure_editable(survey: Survey) -> None:
    refusal = builder_refusal(survey)
    if refusal:
        raise ValidationError(refusal)


@service
def create_survey(*, by, template_key: str = "", **fields) -> Survey:
    """A new draft survey, empty or with a ready-made questionnaire's questions."""
    questionnaire = QUESTIONNAIRES.get(template_key) if template_key else None
    if questionnaire:
        fields["title"] = fields.get("title") or questionnaire.title
        fields["description"] = fields.get("description") or questionnaire.description
    survey = Survey(created_by=by, **fields)
    _check_may_change(survey, by)
    survey.full_clean()
    survey.save()
    if questionnaire:
        for order, spec in enumerate(questionnaire.questions, start=1):
            question = Question.objects.create(
                survey=survey,
                order=order,
                text=spec.text,
                kind=spec.kind,
                required=spec.required,
                purpose=spec.purpose,
                key=spec.key,
            )
            audit.log_created(
                Choice.objects.bulk_create(
                    Choice(question=question, order=i, text=c.text, key=c.key)
                    for i, c in enumerate(spec.choices, start=1)
                )
            )
    return survey


@service
def save_question(
    *,
    survey: Survey,
    question: Question | None = None,
    text: str,
    kind: str,
    required: bool = True,
    help_text: str = "",
    purpose: str = "",
    choices: list[str] | tuple[str, ...] = (),
    version: int | None = None,
    by=None,
) -> Question:
    """Add a question at the end, or change one, with its options (choice kinds only).

    ``version`` is the one the edit form was drawn from: a stale change is refused.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _ensure_editable(survey)
    choices = [c.strip() for c in choices if c.strip()]
    if kind in Question.CHOICE_KINDS and len(choices) < 2:
        raise ValidationError({"choices": _("Give at least two options, one per line.")})
    if kind not in Question.CHOICE_KINDS:
        choices = []
    if question is None:
        last = survey.questions.aggregate(m=Max("order"))["m"] or 0
        question = Question(survey=survey, order=last + 1)
    versions.claim(question, user=by, version=version)
    question.text = text
    question.kind = kind
    question.required = required
    question.help_text = help_text
    question.purpose = purpose
    question.full_clean()
    question.save()
    kept = {c.text: c for c in question.choices.all()}
    for gone in question.choices.exclude(text__in=choices):
        gone.delete()  # one by one: each leaves its history
    for order, label in enumerate(choices, start=1):
        choice = kept.get(label) or Choice(question=question, text=label)
        choice.order = order
        choice.save()
    return question


@service
def remove_question(*, question: Question) -> None:
    """Remove a question from a draft without responses."""
    _ensure_editable(Survey.objects.select_for_update().get(pk=question.survey_id))
    question.delete()


@service
def move_question(*, question: Question, up: bool) -> None:
    """Swap the question with its neighbour above (up) or below."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    _ensure_editable(survey)
    ordered = list(survey.questions.order_by("order", "pk"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for order, q in enumerate(ordered, start=1):
        if q.order != order:
            q.order = order
            q.save(update_fields=["order"])


@service
def open_survey(*, survey: Survey) -> Survey:
    """Draft → open: the public link starts taking answers."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != Survey.State.DRAFT:
        raise ValidationError(_("Only a draft can be opened."))
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before opening the survey."))
    survey.state = Survey.State.OPEN
    if survey.opens is None:
        survey.opens = timezone.localdate()
    survey.save(update_fields=["state", "opens"])
    return survey


@service
def close_survey(*, survey: Survey) -> Survey:
    """Open → closed: the link says so politely; paper questionnaires may still be entered."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.state != Survey.State.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    survey.state = Survey.State.CLOSED
    today = timezone.localdate()
    if survey.closes is None or survey.closes > today:
        survey.closes = max(today, survey.opens or today)
    survey.save(update_fields=["state", "closes"])
    return survey


@service
def copy_survey(*, survey: Survey, by) -> Survey:
    """A new draft with the same questions; keys are kept so results can be compared."""
    copy = Survey.objects.create(
        community=survey.community,
        street_office=survey.street_office,
        title=_("%(title)s (copy)") % {"title": survey.title},
        description=survey.description,
        access=survey.access,
        copied_from=survey,
        created_by=by,
    )
    questions = list(survey.questions.prefetch_related("choices"))
    new_questions = Question.objects.bulk_create(
        Question(
            survey=copy,
            order=q.order,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            purpose=q.purpose,
            key=q.key,
        )
        for q in questions
    )
    choices = Choice.objects.bulk_create(
        Choice(question=new, order=c.order, text=c.text, key=c.key)
        for old, new in zip(questions, new_questions, strict=True)
        for c in old.choices.all()
    )
    audit.log_created([*new_questions, *choices])
    return copy


@service
def generate_codes(*, survey: Survey, count: int) -> list[InvitationCode]:
    """Print-ready one-time invitation codes; the survey switches to code access."""
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise ValidationError(
            _("Generate between 1 and %(max)d codes at once.") % {"max": MAX_CODES_AT_ONCE}
        )
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    existing = set(survey.codes.values_list("code", flat=True))
    fresh: set[str] = set()
    while len(fresh) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in existing:
            fresh.add(code)
    if survey.access != Survey.Access.CODES:
        survey.access = Survey.Access.CODES
        survey.save(update_fields=["access"])
    return InvitationCode.objects.bulk_create(
        InvitationCode(survey=survey, code=code) for code in sorted(fresh)
    )


def find_invitation(survey: Survey, code: str) -> InvitationCode | None:
    normalised = code.strip().upper().replace(" ", "").replace("-", "")
    return survey.codes.filter(code=normalised).first()


@service
def submit_response(
    *,
    survey: Survey,
    answers: dict[Question, object],
    channel: str = Response.Channel.ONLINE,
    entered_by=None,
    invitation: InvitationCode | None = None,
) -> Response:
    """Record one questionnaire, all of it or nothing.

    ``answers`` maps each question to a Choice (single), a list of Choices (multiple),
    a Decimal or int (rating, number) or a str (text); empty values are skipped.
    Online answers need the survey to be accepting; paper ones need it opened once.
    """
    survey = published.locked_survey(survey.pk)
    if survey is None:
        raise Survey.DoesNotExist
    response, rows = _checked(survey, answers, channel, entered_by, invitation)
    response.save()
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    tallies.add(survey, response.submitted_at, rows)
    return response


def _checked(
    survey: Survey,
    answers: dict[Question, object],
    channel: str,
    entered_by,
    invitation: InvitationCode | None,
) -> tuple[Response, list[Answer]]:
    """Every check of ``submit_response`` on the locked survey, before any write: the
    response and its answer rows to save, or a ValidationError."""
    if channel == Response.Channel.ONLINE:
        refusal = survey.accepting_reason()
        if refusal:
            raise ValidationError(refusal)
    elif survey.state == Survey.State.DRAFT:
        raise ValidationError(_("Open the survey before entering paper questionnaires."))
    online = channel == Response.Channel.ONLINE
    if online and survey.access == Survey.Access.CODES and invitation is None:
        raise ValidationError(_("This survey needs the invitation code you were given."))
    if invitation is not None:
        if invitation.survey_id != survey.pk:
            raise ValidationError(_("This invitation code is not for this survey."))
        if Response.objects.filter(invitation=invitation).exists():
            raise ValidationError(_("This invitation code has already been used."))
    questions = {q.pk: q for q in published.questions(survey)}
    rows: list[Answer] = []
    response = Response(
        survey=survey, channel=channel, entered_by=entered_by, invitation=invitation
    )
    for question, value in answers.items():
        if question.pk not in questions:
            raise ValidationError(_("An answer was given to a question of another survey."))
        rows.extend(_answer_rows(response, questions[question.pk], value))
    answered = {row.question_id for row in rows}
    missing = [q for q in questions.values() if q.required and q.pk not in answered]
    if missing:
        raise ValidationError(
            _("Please answer: %(questions)s") % {"questions": "；".join(q.text for q in missing)}
        )
    return response, rows


def _answer_rows(response: Response, question: Question, value) -> list[Answer]:
    if value in (None, "", [], ()):
        return []
    kind = question.kind
    if kind in Question.CHOICE_KINDS:
        picked = list(value) if kind == Question.Kind.MULTIPLE else [value]
        valid = {c.pk for c in question.choices.all()}
        if any(getattr(c, "pk", None) not in valid for c in picked):
            raise ValidationError(_("An option does not belong to its question."))
        unique = {c.pk: c for c in picked}
        return [Answer(response=response, question=question, choice=c) for c in unique.values()]
    if kind in (Question.Kind.RATING, Question.Kind.NUMBER):
        number = Decimal(value)
        if kind == Question.Kind.RATING and number not in {1, 2, 3, 4, 5}:
            raise ValidationError(_("A rating is a whole number from 1 to 5."))
        return [Answer(response=response, question=question, number=number)]
    return [Answer(response=response, question=question, text=str(value).strip())]


# -- Rate limit ---------------------------------------------------------------

RATE_WINDOW = timedelta(minutes=1)
KEEP_ATTEMPTS = timedelta(hours=1)
# Attempts older than KEEP_ATTEMPTS are deleted by one attempt in this many (by its id),
# not by every one: a delete on each submission was a third of the rate limit's cost.
PRUNE_EVERY = 100


def rate_limit() -> int:
    """Public submissions allowed per address per minute (setting SURVEY_RATE_LIMIT).

    Twenty leaves room for a residents' meeting answering over one shared Wi-Fi
    while still cutting a scripted flood off within its first minute.
    """
    return int(getattr(settings, "SURVEY_RATE_LIMIT", 20))


def address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@service
def allow_submission(*, address: str) -> bool:
    """Count one public submission from this address; False once it passes the limit.

    Counted in the database, so several app processes (gunicorn workers, machines)
    share one count; refused attempts count too, so a flood stays cut off.
    """
    now = timezone.now()
    key = address_hash(address)
    if connection.vendor == "postgresql":
        attempt_id, recent = _count_attempt(key, now)
    else:
        attempt_id = SubmissionAttempt.objects.create(address_hash=key, at=now).pk
        recent = SubmissionAttempt.objects.filter(
            address_hash=key, at__gt=now - RATE_WINDOW
        ).count()
    return _within_limit(attempt_id, recent, now)


def _within_limit(attempt_id: int, recent: int, now) -> bool:
    """Whether ``recent`` attempts (this one included) are within the limit; one attempt
    in PRUNE_EVERY also deletes the old ones."""
    if attempt_id % PRUNE_EVERY == 0:
        SubmissionAttempt.objects.filter(at__lt=now - KEEP_ATTEMPTS).delete()
    return recent <= rate_limit()


def _count_attempt(key: str, now) -> tuple[int, int]:
    """PostgreSQL: store the attempt and count this address's attempts within the window,
    this one included, in one statement: (the attempt's id, the count)."""
    table = connection.ops.quote_name(SubmissionAttempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH new AS (INSERT INTO {table} (address_hash, at) VALUES (%s, %s) RETURNING id)"
            f" SELECT (SELECT id FROM new),"
            f" (SELECT count(*) FROM {table} WHERE address_hash = %s AND at > %s) + 1",
            [key, now, key, now - RATE_WINDOW],
        )
        return cursor.fetchone()


class Receipt(NamedTuple):
    """What became of a public submission: refused by the rate limit (``allowed`` False),
    refused by the survey (``error``), or saved (``response``)."""

    allowed: bool
    response: Response | None = None
    error: ValidationError | None = None


@service
def receive_public_response(
    *,
    address: str,
    survey: Survey,
    answers: dict[Question, object],
    invitation: InvitationCode | None = None,
) -> Receipt:
    """A resident's complete answers from the public form, in one transaction: the
    attempt counted against the rate limit (``allow_submission``) and, if allowed, the
    response saved (``submit_response``). A refusal by the survey (closed meanwhile, a
    used code) is returned, not raised, so the attempt still counts: every check of
    ``submit_response`` comes before its first write.

    On PostgreSQL it is two statements: the attempt counted with the survey locked
    (``published.counted_and_locked``), then the response, its answers and their tallies
    (``saving.save_online``)."""
    if connection.vendor == "postgresql":
        return _receive_on_postgresql(address, survey, answers, invitation)
    if not allow_submission.__wrapped__(address=address):
        return Receipt(allowed=False)
    try:
        response = submit_response.__wrapped__(
            survey=survey, answers=answers, invitation=invitation
        )
    except ValidationError as error:
        return Receipt(allowed=True, error=error)
    return Receipt(allowed=True, response=response)


def _receive_on_postgresql(
    address: str,
    survey: Survey,
    answers: dict[Question, object],
    invitation: InvitationCode | None,
) -> Receipt:
    now = timezone.now()
    locked = published.counted_and_locked(address_hash(address), now, now - RATE_WINDOW, survey.pk)
    if locked is None:
        raise Survey.DoesNotExist
    if not _within_limit(locked.attempt_id, locked.attempts, now):
        return Receipt(allowed=False)
    try:
        response, rows = _checked(locked, answers, Response.Channel.ONLINE, None, invitation)
    except ValidationError as error:
        return Receipt(allowed=True, error=error)
    response.submitted_at = now
    response.pk = saving.save_online(locked, now, rows, invitation and invitation.pk)
    response._state.adding = False
    return Receipt(allowed=True, response=response)
