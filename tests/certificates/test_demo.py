"""The demo's desk: a year and more of 爱国社区's requests, the mix the field report describes."""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from certificates import demo, metrics
from certificates.models import CertificateRequest, Outcome
from committee import demo as committee_demo
from committee.models import Community


def test_the_demo_gives_aiguo_a_year_of_requests_and_loading_twice_changes_nothing(db):
    world = committee_demo.load()
    demo.load(world)
    today = timezone.localdate()
    aiguo = Community.objects.filter(code="XX-01-01")
    start = today - timedelta(days=364)
    by_month = metrics.outcome_counts_by_month(aiguo, start, today)
    assert len(by_month) >= 12
    totals = metrics.outcome_counts(aiguo, start, today)
    assert totals.refused > totals.issued > totals.referred > 0
    # Banks and employers send residents for banned certificates most.
    office = Community.objects.filter(street_office=world.aiguo.street_office)
    top = metrics.banned_demand(office, start, today)[:3]
    assert {row.institution_kind for row in top} & {"银行", "bank"}
    # Numbers run 1, 2, 3 … per number word and year, with no gap.
    issued = CertificateRequest.objects.filter(community__in=aiguo, outcome=Outcome.ISSUED)
    for row in issued.values("certificate_type__number_word", "number_year").annotate(
        n=Count("pk"), last=Max("serial")
    ):
        assert row["n"] == row["last"], row
    before = CertificateRequest.objects.count()
    demo.load(world)
    assert CertificateRequest.objects.count() == before
