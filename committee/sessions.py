"""Signing out idle sessions, for the committee office's shared PCs.

Django's sessions last ``SESSION_COOKIE_AGE`` from their last save. Saving on
every request (``SESSION_SAVE_EVERY_REQUEST``) would cost a write per page, so
the session keeps the time of the user's last request instead and is written
at most once a minute; a request after ``SESSION_IDLE_TIMEOUT`` of silence
signs the user out and sends them to the login page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.translation import gettext as _

LAST_SEEN = "juwei_last_seen"
# How stale the stored time may get before a request writes the session again.
REFRESH_SECONDS = 60


class IdleTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            idle = settings.SESSION_IDLE_TIMEOUT
            if last_seen is not None and now - last_seen > idle.total_seconds():
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Please log in again."
                    )
                    % {"minutes": idle.total_seconds() // 60},
                )
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen >= REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _start_the_idle_clock(sender, request, user, **kwargs):
    # Set at login, so the first pages after it need no extra session write.
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
