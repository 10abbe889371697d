"""The public pages skip the middleware that only signed-in users need.

A survey's public form and thanks page (``PUBLIC_PATH_PREFIXES``) are opened by residents
from a QR code, hundreds a second when a survey is shared widely (``make load``). They
read no session, no user and no message, and change no audited record, so the session,
authentication, messages, idle-timeout and history middleware have nothing to do there:
each is replaced in ``MIDDLEWARE`` by a subclass that passes such a request straight on.
What every response needs stays: the security headers (HSTS, nosniff, referrer,
Content-Security-Policy, Permissions-Policy, frame options), the language, CSRF
protection of the form (its token in a cookie, not the session), the login lockout.

The Content-Security-Policy header is the same for every response that neither uses a
nonce nor changes the policy by a decorator (every response of the app today):
``CSPMiddleware`` builds it once per process instead of on every response (two
``build_policy`` calls were ~7 % of the public form's CPU).

A page there sees no ``request.user``: the templates' ``user`` is the anonymous user (the
auth context processor's default) and the navigation and inbox show nothing, as for a
signed-out visitor. Under ASGI nothing is skipped.
"""

from __future__ import annotations

from dataclasses import asdict
from http import HTTPStatus

from asgiref.sync import iscoroutinefunction
from csp import middleware as csp
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
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


# What a response carries when a decorator changes its policy (django-csp's decorators).
_PER_RESPONSE = tuple(
    f"_csp_{what}{ro}" for what in ("config", "update", "replace") for ro in ("", "_ro")
)
_built: list = []  # [(the policy settings, the headers)], at most one


class CSPMiddleware(csp.CSPMiddleware):
    """django-csp's middleware, the header built once per process (and again when the
    policy settings are other objects, as under ``override_settings``) for a response
    without a nonce or a decorator's change; other responses go through django-csp."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (
            HTTPStatus.INTERNAL_SERVER_ERROR,
            HTTPStatus.NOT_FOUND,
        ):
            return response
        for header, value, exempt, prefixes in self._headers(request, response):
            if (
                value
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        request.csp_nonce = csp.CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _headers(self, request, response) -> list[tuple[str, str, str, tuple]]:
        policies = (
            getattr(settings, "CONTENT_SECURITY_POLICY", None),
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        )
        if _built and all(a is b for a, b in zip(_built[0][0], policies, strict=True)):
            return _built[0][1]
        headers = []
        for header, policy, exempt, report_only in (
            (HEADER, policies[0], "_csp_exempt", False),
            (HEADER_REPORT_ONLY, policies[1], "_csp_exempt_ro", True),
        ):
            parts = self.get_policy_parts(
                request=request, response=response, report_only=report_only
            )
            value = build_policy(**asdict(parts), report_only=report_only)
            prefixes = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            headers.append((header, value, exempt, prefixes))
        _built[:] = [(policies, headers)]
        return headers
