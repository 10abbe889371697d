"""The public survey pages skip the signed-in users' middleware, keeping what protects them."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committee.public import skipped_on_public_pages
from surveys.models import Response
from tests.conftest import logged_in
from tests.surveys.factories import every_kind_survey
from tests.surveys.test_public import filled

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Content-Language",
)


@pytest.fixture
def survey(world):
    return every_kind_survey(community=world.community_a)


def test_the_public_pages_are_the_ones_that_skip(survey):
    for name in ("surveys:public_form", "surveys:public_thanks"):
        assert reverse(name, args=[survey.token]).startswith(settings.PUBLIC_PATH_PREFIXES)
    assert not reverse("surveys:survey_list").startswith(settings.PUBLIC_PATH_PREFIXES)


def test_a_signed_in_user_answers_as_anyone_and_keeps_their_session(survey, staff_a):
    client = logged_in(staff_a)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Past the minute after which any staff page writes the session again (committee/sessions.py):
    # the public pages neither read nor write it.
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        form = client.get(reverse("surveys:public_form", args=[survey.token]))
        assert form.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in form.cookies
        for header in SECURITY_HEADERS:
            assert form.has_header(header), header
        sent = client.post(reverse("surveys:public_form", args=[survey.token]), filled(survey))
        assert sent.status_code == 302
        assert Response.objects.filter(survey=survey).count() == 1
        assert settings.SESSION_COOKIE_NAME not in sent.cookies
        # Still signed in on the staff pages, which do write it.
        staff_page = client.get(reverse("surveys:survey_list"))
        assert staff_page.status_code == 200
        assert settings.SESSION_COOKIE_NAME in staff_page.cookies
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session


def test_the_form_still_needs_its_csrf_token(survey):
    client = Client(enforce_csrf_checks=True)
    page = client.post(reverse("surveys:public_form", args=[survey.token]), filled(survey))
    assert page.status_code == 403
    assert Response.objects.count() == 0


def test_a_middleware_with_view_hooks_cannot_be_skipped_whole():
    with pytest.raises(TypeError, match="process_view"):
        skipped_on_public_pages(CsrfViewMiddleware)
    assert issubclass(skipped_on_public_pages(SessionMiddleware), SessionMiddleware)
