"""The demo tells the field report's pay story, on the page and in the metrics."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from committee.models import Community
from staff import metrics
from staff.models import PayRecord, StaffMember
from staff.views import default_period


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_demo_community_has_its_roster_and_a_years_pay(demo):
    start, end = default_period()
    for community in Community.objects.all():
        staff = StaffMember.objects.filter(community=community)
        assert 4 <= staff.filter(kind="fulltime").count() <= 8
        assert 2 <= staff.filter(kind="assistant").count() <= 4
        months = (
            PayRecord.objects.monthly()
            .filter(staff_member__community=community)
            .between(start, end)
            .dates("month", "month")
        )
        assert len(months) == 12


def test_aiguos_full_time_workers_take_home_800_to_2000_below_assistants_and_minimum_wage(demo):
    aiguo = Community.objects.filter(name="爱国社区")
    start, end = default_period()
    summary = metrics.net_pay_summary(aiguo, start, end)
    fulltime, assistants = summary["fulltime"], summary["assistant"]
    assert Decimal("800") <= fulltime.lowest and fulltime.highest <= Decimal("2000")
    assert fulltime.highest < assistants.lowest
    ratios = metrics.pay_ratios(aiguo, start, end)
    assert ratios.to_minimum_wage < 1 and ratios.to_assistants < 1
    assert metrics.months_without_employer_insurance(aiguo, start, end) > 0


def test_aiguos_pay_page_shows_full_time_below_assistants_and_minimum_wage(demo, client):
    client.force_login(get_user_model().objects.get(username="aiguo"))
    aiguo = Community.objects.filter(name="爱国社区")
    start, end = default_period()
    ratios = metrics.pay_ratios(aiguo, start, end)
    page = client.get(reverse("staff:community_pay", args=[aiguo.get().pk])).content.decode()
    to_minimum = (ratios.to_minimum_wage * 100).quantize(Decimal("1"))
    to_assistants = (ratios.to_assistants * 100).quantize(Decimal("1"))
    assert f'class="num below">{to_minimum} %' in page
    assert f'class="num below">{to_assistants} %' in page
    assert "演示数据" in client.get(reverse("staff:benchmark_list")).content.decode()
