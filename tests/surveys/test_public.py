"""The public form: no login, one response per browser or code, honeypot, rate limit."""

import ipaddress
import re

import pytest
from django.test import Client
from django.urls import reverse

from surveys import services
from surveys.models import Response, Survey
from tests.scoping import covers
from tests.surveys.factories import every_kind_survey, parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(world):
    return every_kind_survey(community=world.community_a)


def url(survey):
    return reverse("surveys:public_form", args=[survey.token])


def filled(survey, **extra):
    s, m, r, n, t = parts(survey)
    data = {
        f"q{s.pk}": str(s.choices.first().pk),
        f"q{m.pk}": [str(c.pk) for c in m.choices.all()[:2]],
        f"q{r.pk}": "4",
        f"q{n.pk}": "3",
        f"q{t.pk}": "=SUM(A1)",
        "website": "",
    }
    data.update(extra)
    return data


@covers("surveys:public_form", "surveys:public_thanks")
class TestPublicLinks:
    def test_it_shows_an_open_survey_without_login(self, client, survey):
        page = client.get(url(survey))
        assert page.status_code == 200
        assert "单选" in page.content.decode()
        assert 'name="website"' in page.content.decode()

    def test_it_says_politely_that_a_draft_has_not_started(self, client, survey):
        Survey.objects.filter(pk=survey.pk).update(state=Survey.State.DRAFT)
        page = client.get(url(survey))
        assert page.status_code == 403
        assert "问卷尚未开始" in page.content.decode()
        assert client.post(url(survey), filled(survey)).status_code == 403
        assert Response.objects.count() == 0

    def test_it_refuses_a_closed_survey_with_a_message(self, client, survey):
        services.close_survey(survey=survey)
        page = client.post(url(survey), filled(survey))
        assert page.status_code == 410
        assert "问卷已结束" in page.content.decode()
        assert "This survey is closed" in page.content.decode()
        assert Response.objects.count() == 0

    def test_it_answers_404_to_an_unknown_token(self, client, survey):
        assert client.get("/surveys/s/not-a-token/").status_code == 404
        assert client.get("/surveys/s/not-a-token/thanks/").status_code == 404
        assert "链接无效" in client.get("/surveys/s/not-a-token/").content.decode()

    def test_it_thanks_the_resident(self, client, survey):
        page = client.get(reverse("surveys:public_thanks", args=[survey.token]))
        assert "感谢" in page.content.decode()


class TestAnswering:
    def test_it_saves_a_response_and_refuses_a_second_from_the_same_browser(self, client, survey):
        first = client.post(url(survey), filled(survey))
        assert first.status_code == 302
        response = Response.objects.get()
        assert response.channel == "online" and response.answers.count() == 6
        again = client.post(url(survey), filled(survey))
        assert again.status_code == 409
        assert "已经填写过" in again.content.decode()
        assert client.get(url(survey)).status_code == 409
        assert Response.objects.count() == 1

    def test_it_ignores_a_forged_cookie(self, client, survey):
        client.cookies[f"jw_survey_{survey.pk}"] = "1"
        assert client.post(url(survey), filled(survey)).status_code == 302
        assert Response.objects.count() == 1

    def test_it_enforces_required_questions_on_the_server(self, client, survey):
        rating = parts(survey)[2]
        page = client.post(url(survey), filled(survey, **{f"q{rating.pk}": ""}))
        assert page.status_code == 400
        assert "这个字段是必填项" in page.content.decode()
        assert Response.objects.count() == 0

    def test_it_marks_required_questions_for_the_browser(self, client, survey):
        s = parts(survey)[0]
        html = client.get(url(survey)).content.decode()
        pattern = (
            rf'<input type="radio" name="q{s.pk}" value="{s.choices.first().pk}"[^>]* required>'
        )
        assert re.search(pattern, html)
        multiple = parts(survey)[1]
        assert not re.search(rf'name="q{multiple.pk}"[^>]* required', html)

    def test_it_saves_nothing_from_a_honeypot_filler(self, client, survey):
        page = client.post(url(survey), filled(survey, website="http://spam.example"))
        assert page.status_code == 302
        assert Response.objects.count() == 0

    def test_it_takes_one_response_per_invitation_code(self, survey):
        code = services.generate_codes(survey=survey, count=1)[0].code
        assert Client().post(url(survey), filled(survey)).status_code == 400
        assert Client().post(url(survey), filled(survey, code=code.lower())).status_code == 302
        second = Client().post(url(survey), filled(survey, code=code))
        assert second.status_code == 400
        assert "邀请码已使用" in second.content.decode()
        wrong = Client().post(url(survey), filled(survey, code="XXXXXXXX"))
        assert "邀请码无效" in wrong.content.decode()
        assert Response.objects.get().invitation.code == code

    def test_it_cuts_off_a_flood_from_one_address_after_the_limit(self, survey):
        assert services.rate_limit() == 20  # the default, per address and minute
        statuses = [
            Client(REMOTE_ADDR="203.0.113.7").post(url(survey), filled(survey)).status_code
            for _ in range(30)
        ]
        assert statuses == [302] * 20 + [429] * 10
        assert Response.objects.count() == 20
        refused = Client(REMOTE_ADDR="203.0.113.7").post(url(survey), filled(survey))
        assert "提交过于频繁" in refused.content.decode()
        assert (
            Client(REMOTE_ADDR="198.51.100.9").post(url(survey), filled(survey)).status_code == 302
        )

    def test_it_counts_the_address_a_trusted_proxy_saw_not_a_claimed_one(self, survey, settings):
        settings.SURVEY_RATE_LIMIT = 2
        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
        statuses = [
            Client(REMOTE_ADDR="10.0.0.1")
            .post(
                url(survey),
                filled(survey),
                HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.7, 10.0.0.2",
            )
            .status_code
            for i in range(3)
        ]
        assert statuses == [302, 302, 429]
        other = Client(REMOTE_ADDR="10.0.0.1").post(
            url(survey), filled(survey), HTTP_X_FORWARDED_FOR="198.51.100.9"
        )
        assert other.status_code == 302

    def test_it_ignores_forwarded_for_from_a_client_that_is_no_proxy(self, survey, settings):
        settings.SURVEY_RATE_LIMIT = 2
        settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        statuses = [
            Client(REMOTE_ADDR="203.0.113.7")
            .post(url(survey), filled(survey), HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
            .status_code
            for i in range(3)
        ]
        assert statuses == [302, 302, 429]
