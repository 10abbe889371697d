"""A survey figure gets a colour only from the district's minimum of answers (default 30):
one answer must not turn a community's residents'-view flag from red to green."""

from django.urls import reverse

from committee.models import Community
from committee.periods import month_end, month_start
from dashboards.flags import flags
from dashboards.models import FlagKind, Threshold
from dashboards.specs import Severity
from tests.conftest import TEST_TODAY
from tests.surveys.test_metrics import report_survey

# The month the answers are given in: report_survey answers today.
THIS_MONTH = (month_start(TEST_TODAY), month_end(TEST_TODAY))


def represented(community):
    found = flags(Community.objects.filter(pk=community.pk), *THIS_MONTH)
    return next(f for f in found if f.kind == FlagKind.REPRESENTED_SHARE)


def test_one_answer_is_too_few_to_colour(world):
    report_survey(world.community_a, 0, 1, 0)  # 100 % "represents residents", from one answer
    flag = represented(world.community_a)
    assert flag.severity == Severity.NONE and flag.too_few == 1
    assert flag.status_label == "样本不足（1）"
    assert "1" in flag.explanation and "30" in flag.explanation


def test_from_thirty_answers_it_gets_its_colour(world):
    report_survey(world.community_a, 24, 6, 0)  # 20 %: red
    flag = represented(world.community_a)
    assert (flag.severity, flag.too_few) == (Severity.RED, None)


def test_the_district_sets_its_own_minimum(as_user, district_officer, world):
    report_survey(world.community_a, 8, 2, 0)  # 10 answers, 20 %
    assert represented(world.community_a).too_few == 10

    url = reverse("dashboards:thresholds", args=[world.district.pk])
    page = as_user(district_officer).get(url)
    data = {name: field.initial for name, field in page.context["form"].fields.items()} | {
        "represented_share_min_sample": "10"
    }
    as_user(district_officer).post(url, data)

    assert Threshold.objects.get(district=world.district, kind="represented_share").min_sample == 10
    assert represented(world.community_a).severity == Severity.RED


def test_the_dashboard_says_too_few_answers(as_user, staff_a, world):
    report_survey(world.community_a, 0, 1, 0)
    page = as_user(staff_a).get(reverse("dashboards:community", args=[world.community_a.pk]))
    assert "样本不足（1）" in page.content.decode()
