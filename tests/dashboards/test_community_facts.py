"""The street-office page adds up its communities' kept rollup rows
(dashboards/community_facts.py) instead of asking the database: every rollup figure read
that way equals the same read from the database, for a month, a quarter, a year and the
trend's twelve months, for the office's communities together and each one apart."""

import dataclasses
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committee import rollups as hook
from committee.models import Community
from dashboards import community_facts, rollup_metrics, survey_facts
from dashboards.flags import flags_by_street_office
from dashboards.rollups import settle_pending
from tests.dashboards.test_office_figures import generated_district

PERIODS = [
    (date(2026, 5, 1), date(2026, 5, 31)),
    (date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2025, 7, 1), date(2026, 6, 30)),
]
WINDOW = (date(2025, 7, 1), date(2026, 12, 31))


@pytest.fixture
def office(world):
    generated_district(world.district)
    settle_pending()
    return Community.objects.filter(name__startswith="规模").first().street_office


@pytest.mark.django_db
def test_figures_added_up_from_the_facts_equal_the_databases(office):
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    assert len(ids) >= 2
    with CaptureQueriesContext(connection) as read:
        facts = community_facts.Facts(
            *WINDOW, date(2026, 6, 15), community_facts.read(ids, *WINDOW)
        )
    assert len(read) == 3
    assert any(one.pay for one in facts.of.values()) and any(one.due for one in facts.of.values())
    by_end = {end: with_surveys(facts, ids, end) for _start, end in PERIODS}
    some = by_end[date(2026, 12, 31)].of.values()
    assert any(one.surveys.nature.total and one.surveys.answers for one in some)
    groups = [communities, communities.filter(pk=ids[0]), communities.filter(pk__in=ids[1:])]
    compared = 0
    for live, rolled in rollup_metrics.INSTEAD.items():
        for start, end in PERIODS:
            for group in groups:
                from_database = rolled(group, start, end)
                with (
                    hook.shared(),
                    community_facts.using(by_end[end]),
                    CaptureQueriesContext(connection) as queries,
                ):
                    from_facts = rolled(group, start, end)
                assert from_facts == from_database, (live.__name__, start, end)
                table = ADDED_UP.get(rolled)
                if table:
                    assert not [q for q in queries if table in q["sql"]], live.__name__
                    compared += 1
    assert compared


def with_surveys(facts, ids, end):
    """The facts with the communities' survey figures as of `end` (as the page reads)."""
    with hook.shared():
        surveys = survey_facts.read(ids, WINDOW[0], end)
    of = {pk: dataclasses.replace(one, surveys=surveys[pk]) for pk, one in facts.of.items()}
    return dataclasses.replace(facts, of=of)


@pytest.mark.django_db
def test_the_offices_own_flags_from_the_facts_equal_the_databases(office):
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    facts = community_facts.Facts(*WINDOW, date(2026, 6, 15), community_facts.read(ids, *WINDOW))

    def shown(found):
        return {o: [(f.kind, f.value, f.severity) for f in fl] for o, fl in found.items()}

    for start, end in PERIODS:
        from_database = shown(flags_by_street_office(communities, start, end))
        with hook.shared(), community_facts.using(with_surveys(facts, ids, end)):
            from_facts = shown(flags_by_street_office(communities, start, end))
        assert from_facts == from_database


@pytest.mark.django_db
def test_facts_of_other_months_or_communities_are_not_used(office, world):
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    facts = community_facts.Facts(*WINDOW, date(2026, 6, 15), community_facts.read(ids, *WINDOW))
    with hook.shared(), community_facts.using(facts):
        assert community_facts.facts_for(communities, *PERIODS[0]) is not None
        assert community_facts.facts_for(communities, date(2025, 1, 1), date(2025, 12, 31)) is None
        others = Community.objects.filter(pk=world.community_a.pk)
        assert community_facts.facts_for(others, *PERIODS[0]) is None


# What each of these reads from the database when not added up from the facts.
ADDED_UP = {
    rollup_metrics.administrative_share: "monthlyrollup",
    rollup_metrics.administrative_share_by_community: "monthlyrollup",
    rollup_metrics.funds_summary: "monthlyrollup",
    rollup_metrics.funds_summary_by_month: "monthlyrollup",
    rollup_metrics.hours_by_nature_by_month: "monthlyrollup",
    rollup_metrics.unauthorised_tasks_by_month: "pendingduerollup",
    rollup_metrics.pay_ratios_by_community: "paymonth",
    rollup_metrics.median_net_pay_by_month: "paymonth",
    survey_facts.latest_committee_nature_counts: "surveys_",
    survey_facts.latest_committee_nature_counts_by_community: "surveys_",
    survey_facts.latest_average_satisfaction: "surveys_",
    survey_facts.latest_surveys: "surveys_",
    survey_facts.representing_share_by_month: "surveys_",
}
