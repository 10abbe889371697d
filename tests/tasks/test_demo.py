"""The demo tells the field report's story about 爱国社区, and the others differ."""

from datetime import timedelta

from django.utils import timezone

from committee.models import Community
from tasks import metrics
from tasks.models import CatalogueList, Outcome, Task, TimeEntry
from tests import snapshots


def test_the_demo_tells_aiguos_story(db):
    snapshots.demo_in_transaction()
    end = timezone.localdate()
    start = end - timedelta(days=364)
    aiguo = Community.objects.filter(name="爱国社区")
    others = Community.objects.exclude(name="爱国社区")

    # Most hours go to administrative work pushed down by departments.
    assert metrics.administrative_share(aiguo, start, end) > 0.5
    shares = metrics.administrative_share_by_community(others, start, end).values()
    assert min(shares) < 0.35 < max(shares)
    # Several tasks outside the catalogue were worked on while still pending.
    assert metrics.pending_worked_on(aiguo, start, end) >= 3
    # A negative-list request was refused.
    assert Task.objects.filter(
        community__in=aiguo, outcome=Outcome.REFUSED, catalogue_item__list=CatalogueList.NEGATIVE
    ).exists()
    # Little of the promised money arrived; elsewhere most of it did.
    money = metrics.money_promised_received(aiguo, start, end)
    assert money.promised > 0 and money.received_share < 0.3
    assert metrics.money_promised_received(others, start, end).received_share > 0.6
    # Many meetings, inspections and returns, every month of the year.
    months = metrics.returns_by_month(aiguo, start, end)
    assert len(months) >= 12
    assert sum(m.meetings + m.inspections + m.returns for m in months.values()) >= 100
    # Twelve months of hours for every community.
    for community in Community.objects.all():
        dates = TimeEntry.objects.filter(staff_member__community=community).dates("date", "month")
        assert len(dates) >= 12
