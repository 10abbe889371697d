"""The public pages skip the middleware that only signed-in users need.

A survey's public form and thanks page (``PUBLIC_PATH_PREFIXES``) are opened by residents
from a QR code, hundreds a second when a survey is shared widely (``make load``). They
read no session, no user and no message, and change no audited record, so the session,
authentication, messages, idle-timeout and history middleware have nothing to do there:
each is replaced in ``MIDDLEWARE`` by a subclass that passes such a request straight on.
What every response needs stays: the security headers (HSTS, nosniff, referrer,
Content-Security-Policy, Permissions-Policy, frame options), the language, CSRF
protection of the form (its token in a cookie, not the session), the login lockout.

A page there sees no ``request.user``: the templates' ``user`` is the anonymous user (the
auth context processor's default) and the navigation and inbox show nothing, as for a
signed-out visitor. Under ASGI nothing is skipped.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions

from committee import audit
from committee import sessions as idle

# Each hook Django registers beside the request's path through the chain: a skipped
# middleware with one of these would still run it on a public page.
HOOKS = ("process_view", "process_exception", "process_template_response")


def is_public(request) -> bool:
    """Whether the request is for a public page (``settings.PUBLIC_PATH_PREFIXES``)."""
    return request.path_info.startswith(settings.PUBLIC_PATH_PREFIXES)


def skipped_on_public_pages(middleware: type) -> type:
    """A subclass of ``middleware`` that lets requests for public pages pass it by."""
    hooks = [hook for hook in HOOKS if hasattr(middleware, hook)]
    if hooks:
        raise TypeError(f"{middleware.__name__} has {hooks}: it cannot be skipped whole")

    class Skipped(middleware):
        def __call__(self, request):
            if is_public(request) and not iscoroutinefunction(self):
                return self.get_response(request)
            return super().__call__(request)

    Skipped.__name__ = Skipped.__qualname__ = middleware.__name__
    Skipped.__doc__ = f"{middleware.__module__}.{middleware.__name__}, not on public pages."
    return Skipped


SessionMiddleware = skipped_on_public_pages(sessions.SessionMiddleware)
AuthenticationMiddleware = skipped_on_public_pages(auth.AuthenticationMiddleware)
MessageMiddleware = skipped_on_public_pages(messages.MessageMiddleware)
IdleTimeoutMiddleware = skipped_on_public_pages(idle.IdleTimeoutMiddleware)
AuditMiddleware = skipped_on_public_pages(audit.AuditMiddleware)
