"""The demo tells the field report's story: 爱国社区 is red where the report says it hurts."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from committee.models import Community
from dashboards.flags import Severity, flags
from dashboards.models import FlagKind


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_aiguo_is_red_for_its_burden_its_money_and_its_pay_and_comes_first(
    demo, client, django_user_model
):
    aiguo = Community.objects.filter(code="XX-01-01")
    this_year = timezone.localdate().year
    # Last year is the last whole year in every app's demo books.
    last_year = {
        f.kind: f.severity
        for f in flags(aiguo, date(this_year - 1, 1, 1), date(this_year - 1, 12, 31))
    }
    assert last_year[FlagKind.ADMIN_SHARE] == Severity.RED
    assert last_year[FlagKind.USABLE_VS_COSTS] == Severity.RED
    assert last_year[FlagKind.PAY_VS_MINIMUM] == Severity.RED
    this = {
        f.kind: f.severity for f in flags(aiguo, date(this_year, 1, 1), date(this_year, 12, 31))
    }
    assert this[FlagKind.ADMIN_SHARE] == Severity.RED
    assert this[FlagKind.PAY_VS_MINIMUM] == Severity.RED
    assert this[FlagKind.REPRESENTED_SHARE] == Severity.RED

    client.force_login(django_user_model.objects.get(username="street"))
    page = client.get(reverse("home"), follow=True)
    first = next(iter(page.context["table"].rows)).record
    assert first["name"] == "爱国社区"
