"""The demo tells the field report's story, and loading it twice changes nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from committee.models import Community
from surveys import metrics
from surveys.metrics import NatureCounts
from surveys.models import Answer, Response, Survey
from tests import snapshots

pytestmark = pytest.mark.django_db


def test_it_loads_aiguos_35_10_5_and_is_idempotent():
    snapshots.demo_in_transaction()  # what a first load_demo makes (tests/snapshots.py)
    counts = (Survey.objects.count(), Response.objects.count(), Answer.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Survey.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
    aiguo = Community.objects.filter(code="XX-01-01")
    wide = (datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))
    assert metrics.committee_nature_counts(aiguo, *wide) == NatureCounts(35, 10, 5, 50)
    today = timezone.localdate()
    latest = metrics.latest_committee_nature_counts(aiguo, today, today)
    assert latest == NatureCounts(35, 10, 5, 50)  # the four-services survey since asks no such
    shares = metrics.representing_share_by_community(Community.objects.all(), *wide)
    assert len(set(shares.values())) > 3  # the other communities answered differently
    assert Survey.objects.filter(community__code="XX-01-01", state="open").exists()
    assert metrics.average_satisfaction(aiguo, *wide) is not None
    assert (
        Response.objects.filter(channel="paper", survey__community__code="XX-01-01").count() == 15
    )
