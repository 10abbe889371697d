"""The demo tells the field report's story: 爱国社区 is red where the report says it hurts."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from committee.models import Community
from dashboards.flags import Severity, flags
from dashboards.models import FlagKind
from tests import snapshots

STORY = (FlagKind.ADMIN_SHARE, FlagKind.USABLE_VS_COSTS, FlagKind.PAY_VS_MINIMUM)


@pytest.fixture
def demo(db):
    snapshots.demo_in_transaction()


def test_aiguo_is_red_for_its_burden_its_money_and_its_pay_and_comes_first(
    demo, client, django_user_model
):
    year = timezone.localdate().year
    aiguo = Community.objects.filter(code="XX-01-01")
    for first, last in (
        (date(year, 1, 1), date(year, 12, 31)),
        (date(year - 1, 1, 1), date(year - 1, 12, 31)),
    ):
        found = {f.kind: f.severity for f in flags(aiguo, first, last)}
        assert [found[kind] for kind in STORY] == [Severity.RED] * 3, (first, found)

    client.force_login(django_user_model.objects.get(username="aiguo"))
    page = client.get(reverse("home"), follow=True)
    shown = {f.kind: f.severity for f in page.context["flags"]}
    assert [shown[kind] for kind in STORY] == [Severity.RED] * 3

    client.force_login(django_user_model.objects.get(username="street"))
    page = client.get(reverse("home"), follow=True)
    assert next(iter(page.context["table"].rows)).record["name"] == "爱国社区"
