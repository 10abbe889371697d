"""The demo's story in numbers: 爱国社区 over its caps, and a third of the items asked twice."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from committee import demo as committee_demo
from committee.models import Community
from paperwork import demo, metrics
from paperwork.models import CapKind, Demand, ReturnForm


def test_the_demo_tells_the_field_reports_story_once(db):
    world = committee_demo.load()
    demo.load(world)
    demo.load(world)  # idempotent
    aiguo = Demand.objects.filter(community=world.communities["XX-01-01"])
    outside = aiguo.filter(kind=CapKind.SIGNBOARD_OUTSIDE)
    assert (outside.count(), outside.filter(over_cap=True).count()) == (6, 2)
    ledgers = aiguo.filter(kind=CapKind.LEDGER)
    assert (ledgers.count(), ledgers.filter(over_cap=False).count()) == (30, 22)
    returns = ReturnForm.objects.filter(community=world.communities["XX-01-01"])
    assert returns.values("department").distinct().count() == 8
    today = timezone.localdate()
    one = Community.objects.filter(code="XX-01-01")
    share = metrics.duplicate_share(one, today - timedelta(days=365), today)
    assert Decimal("0.30") <= share <= Decimal("0.37")
    heping = Demand.objects.filter(community=world.communities["XX-01-02"])
    assert heping.exists() and not heping.filter(over_cap=True).exists()
