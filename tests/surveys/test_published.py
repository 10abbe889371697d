"""The public form under load: what it reads per resident, and that kept pages stay right."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys import published, services
from surveys.models import Response, SubmissionAttempt
from tests.scoping import covers
from tests.surveys.factories import every_kind_survey, parts
from tests.surveys.test_public import filled, url

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def survey(world):
    published.forget()
    return every_kind_survey(community=world.community_a, title="楼道灯")


def resident(address: str) -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


@covers("surveys:public_form", "surveys:public_thanks")
class TestEachResident:
    def test_it_reads_one_row_for_the_form_and_the_thanks_once_the_survey_is_known(
        self, survey, django_assert_max_num_queries
    ):
        resident("10.0.0.1").get(url(survey))  # the first resident: questions read, page drawn
        phone = resident("10.0.0.2")
        with django_assert_max_num_queries(1):
            page = phone.get(url(survey))
        answers = filled(survey, csrfmiddlewaretoken=TOKEN.search(page.content.decode()).group(1))
        # The survey, then in one service (the test's savepoint and its release around
        # it): on PostgreSQL the attempt counted with the survey locked (one statement),
        # then the response, its answers and their tallies (one statement); on SQLite the
        # attempt, its count, the lock, the response, the answers, the tallies.
        with django_assert_max_num_queries(5 if connection.vendor == "postgresql" else 9):
            sent = phone.post(url(survey), answers)
        assert sent.status_code == 302
        with django_assert_max_num_queries(1):
            thanks = phone.get(reverse("surveys:public_thanks", args=[survey.token]))
        assert "楼道灯" in thanks.content.decode()
        assert Response.objects.filter(survey=survey).count() == 1

    def test_residents_sharing_the_forms_fields_see_only_their_own_mistakes(self, survey):
        s, m, r, n, t = parts(survey)
        # (CSRF is not what this is about: the clients do not check it.)
        first, second, third = (Client(REMOTE_ADDR=f"10.0.1.{i}") for i in range(3))
        wrong = first.post(url(survey), filled(survey, **{f"q{n.pk}": "many"}))
        assert wrong.status_code == 400 and 'value="many"' in wrong.content.decode()
        assert second.post(url(survey), filled(survey)).status_code == 302
        unanswered = third.post(url(survey), filled(survey, **{f"q{s.pk}": ""}))
        page = unanswered.content.decode()
        assert unanswered.status_code == 400 and "many" not in page
        assert Response.objects.filter(survey=survey).count() == 1

    def test_it_gives_each_resident_a_token_of_their_own_on_the_same_page(self, survey):
        first, second = resident("10.0.0.1"), resident("10.0.0.2")
        pages = [first.get(url(survey)), second.get(url(survey))]
        tokens = [TOKEN.search(p.content.decode()).group(1) for p in pages]
        assert tokens[0] != tokens[1]
        assert published.CSRF_MARK not in pages[0].content.decode()
        sent = [
            phone.post(url(survey), filled(survey, csrfmiddlewaretoken=token))
            for phone, token in zip((first, second), tokens, strict=True)
        ]
        assert [s.status_code for s in sent] == [302, 302]
        # A token is worth only with its own cookie: a third phone cannot borrow one.
        borrowed = resident("10.0.0.3").post(
            url(survey), filled(survey, csrfmiddlewaretoken=tokens[0])
        )
        assert borrowed.status_code == 403
        assert Response.objects.filter(survey=survey).count() == 2

    def test_it_shows_a_new_title_at_once(self, survey, chair_a):
        assert "楼道灯" in Client().get(url(survey)).content.decode()
        survey.title = "电梯维修"
        services.save_survey(survey, user=chair_a)
        page = Client().get(url(survey)).content.decode()
        assert "电梯维修" in page
        assert "楼道灯" not in page

    def test_it_asks_for_the_code_once_codes_are_given_out_on_an_open_survey(self, survey):
        assert 'name="code"' not in Client().get(url(survey)).content.decode()
        code = services.generate_codes(survey=survey, count=1)[0].code
        assert 'name="code"' in Client().get(url(survey)).content.decode()
        assert Client().post(url(survey), filled(survey, code=code)).status_code == 302


def test_it_deletes_attempts_older_than_an_hour_now_and_then(db, monkeypatch):
    old = SubmissionAttempt.objects.create(address_hash="x", at=timezone.now() - timedelta(hours=2))
    recent = SubmissionAttempt.objects.create(
        address_hash="y", at=timezone.now() - timedelta(minutes=30)
    )
    monkeypatch.setattr(services, "PRUNE_EVERY", 10**9)  # not this attempt's turn
    assert services.allow_submission(address="10.0.0.1")
    assert SubmissionAttempt.objects.filter(pk=old.pk).exists()
    monkeypatch.setattr(services, "PRUNE_EVERY", 1)  # every attempt's turn
    assert services.allow_submission(address="10.0.0.1")
    assert not SubmissionAttempt.objects.filter(pk=old.pk).exists()
    assert SubmissionAttempt.objects.filter(pk=recent.pk).exists()


def test_the_survey_of_a_link_is_read_as_the_orm_reads_it(survey):
    found = published.survey_by_token(survey.token)
    stored = type(survey).objects.get(pk=survey.pk)
    for field in type(survey)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    assert found.created_at.tzinfo is not None
    assert found.owner_name == survey.community.name
    assert published.survey_by_token("no-such-token") is None


def test_a_submission_the_survey_refuses_still_counts_against_the_rate_limit(survey):
    services.close_survey(survey=survey)  # closed after the resident opened the form
    receipt = services.receive_public_response(address="10.0.0.9", survey=survey, answers={})
    assert receipt.allowed
    assert receipt.response is None
    assert "closed" in str(receipt.error).lower() or "结束" in str(receipt.error)
    assert SubmissionAttempt.objects.count() == 1
    assert Response.objects.count() == 0


def test_the_survey_is_locked_while_a_response_is_saved(survey):
    found = published.locked_survey(survey.pk)
    assert (found.pk, found.state) == (survey.pk, survey.state)
    sql = published._survey_sql[("lock", connection.vendor)][0]
    assert ("FOR UPDATE" in sql) == connection.features.has_select_for_update
