"""The questions of a survey that takes answers, read once per app process.

Once a survey is opened its questions and options can no longer change
(``services.builder_refusal``), so the public form, which thousands of residents may
open within minutes, need not read them, nor draw its fields, on every request: each
app process keeps them, and the unbound form's HTML per language, for ``KEEP_SECONDS``.
The key is the survey's id, its public token and its version, so a copy, a recreated
database or a changed survey is never served another's questions. A draft is always
read afresh (its questions are still being written). A superuser's change in the
Django admin to an open survey's questions shows within ``KEEP_SECONDS``.
"""

from __future__ import annotations

import threading
import time

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from surveys.models import Question, Survey

KEEP_SECONDS = 300
# Open surveys at once per process; past this the store starts again (a survey is cheap
# to read back).
MAX_KEPT = 500

_lock = threading.Lock()
_questions: dict[tuple, tuple[float, list[Question]]] = {}
_fields_html: dict[tuple, tuple[float, SafeString]] = {}


def _key(survey: Survey) -> tuple:
    return (survey.pk, survey.token, survey.version)


def _kept(store: dict, key: tuple):
    found = store.get(key)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    return None


def _keep(store: dict, key: tuple, value) -> None:
    with _lock:
        if len(store) >= MAX_KEPT:
            store.clear()
        store[key] = (time.monotonic() + KEEP_SECONDS, value)


def questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, each with its options prefetched (read-only)."""
    if survey.state == Survey.State.DRAFT:
        return list(survey.questions.prefetch_related("choices"))
    key = _key(survey)
    found = _kept(_questions, key)
    if found is None:
        found = list(Question.objects.filter(survey_id=survey.pk).prefetch_related("choices"))
        _keep(_questions, key, found)
    return found


def fields_html(survey: Survey, form, language: str) -> SafeString:
    """The HTML of the unbound public form's fields (``form`` is that form)."""
    if survey.state == Survey.State.DRAFT:
        return SafeString(render_to_string("surveys/public_fields.html", {"form": form}))
    key = (*_key(survey), survey.access, language)
    found = _kept(_fields_html, key)
    if found is None:
        found = SafeString(render_to_string("surveys/public_fields.html", {"form": form}))
        _keep(_fields_html, key, found)
    return found


def forget() -> None:
    """Drop everything kept (tests)."""
    with _lock:
        _questions.clear()
        _fields_html.clear()
