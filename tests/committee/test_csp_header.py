"""The Content-Security-Policy header, built once per process (committee/public.py), is
django-csp's own, and a page that changes its policy still gets its own."""

from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware as Original
from django.http import HttpResponse
from django.test import RequestFactory

from committee.public import CSPMiddleware


def page(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https://tiles.example.org"]})
def map_page(request):
    return HttpResponse("ok")


def headers(middleware, view, path="/"):
    response = middleware(view)(RequestFactory().get(path))
    return response.get(HEADER), response.get(HEADER_REPORT_ONLY)


def test_the_kept_header_is_django_csps_and_follows_the_settings(settings):
    kept = headers(CSPMiddleware, page)
    assert kept == headers(Original, page)
    assert "script-src 'self'" in kept[0] and kept[1] is None
    assert headers(CSPMiddleware, page) == kept  # the second time from the kept one
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF, "https:"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": [SELF]}}
    changed = headers(CSPMiddleware, page)
    assert changed == headers(Original, page) and changed[0] == "default-src 'self' https:"
    assert "img-src 'self'" in changed[1]


def test_a_page_that_changes_its_policy_gets_its_own():
    own = headers(CSPMiddleware, map_page)
    assert own == headers(Original, map_page)
    assert "https://tiles.example.org" in own[0]
    assert "https://tiles.example.org" not in headers(CSPMiddleware, page)[0]
