"""Logins locked after too many wrong passwords (django-axes), and unlocking them.

Axes keeps one AccessAttempt per username and address; it counts as a lockout
while its failures reach ``AXES_FAILURE_LIMIT`` within ``AXES_COOLOFF_TIME``.
A district officer sees and clears the lockouts of their own district's users
(``scoping.users``); the superuser also has Axes' own admin pages.
"""

from __future__ import annotations

import logging

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.shortcuts import render
from django.utils import timezone

from committee import scoping
from committee.services import service

logger = logging.getLogger(__name__)


def active_lockouts() -> models.QuerySet[AccessAttempt]:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )


def lockouts_visible_to(user) -> models.QuerySet[AccessAttempt]:
    """The current lockouts of the accounts `user` looks after, newest first."""
    usernames = scoping.users(user).values(get_user_model().USERNAME_FIELD)
    return active_lockouts().filter(username__in=usernames).order_by("-attempt_time")


def may_unlock(user) -> bool:
    """Whether `user` looks after anyone's login at all (no query: memberships are cached)."""
    ids = scoping.district_ids(user, scoping.Action.ADMINISTER)
    return ids is None or bool(ids)


@service
def unlock(*, username: str, by) -> int:
    """Clear every lockout and failure count of `username`; safe to repeat."""
    cleared = reset(username=username)
    logger.info("login of %s unlocked by %s (%d records)", username, by, cleared)
    return cleared


def locked_until(attempt: AccessAttempt):
    return attempt.attempt_time + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login sees (AXES_LOCKOUT_CALLABLE), on the site's own page."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
