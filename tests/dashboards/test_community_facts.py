"""The street-office page adds up its communities' kept rollup rows
(dashboards/community_facts.py) instead of asking the database: every rollup figure read
that way equals the same read from the database, for a month, a quarter, a year and the
trend's twelve months, for the office's communities together and each one apart."""

import dataclasses
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from committee import rollups as hook
from committee.models import Community
from committee.periods import Period
from dashboards import (
    certificate_facts,
    community_facts,
    panels,
    paperwork_facts,
    rollup_metrics,
    survey_facts,
)
from dashboards.flags import flags_by_street_office
from dashboards.rollups import settle_pending
from paperwork.models import CapKind
from tests.certificates.conftest import NO_CRIME, PRACTICE, make_request, types  # noqa: F401
from tests.dashboards.test_office_figures import YEAR, generated_district
from tests.paperwork.conftest import demand, departments, items, make_return  # noqa: F401

# The office's records are of YEAR (tests/dashboards/test_office_figures.py), up to today.
PERIODS = [
    (date(YEAR, 5, 1), date(YEAR, 5, 31)),
    (date(YEAR, 4, 1), date(YEAR, 6, 30)),
    (date(YEAR, 1, 1), date(YEAR, 12, 31)),
    (date(YEAR - 1, 7, 1), date(YEAR, 6, 30)),
]
WINDOW = (date(YEAR - 1, 7, 1), date(YEAR, 12, 31))


@pytest.fixture
def office(
    world,
    make_return,  # noqa: F811
    demand,  # noqa: F811
    make_request,  # noqa: F811
):
    generated_district(world.district)
    a, b = Community.objects.filter(name__startswith="规模").order_by("code")[:2]
    # One data item asked in both communities: counted once for the office.
    make_return(a, "区民政局", ["常住人口", "户数"], date(YEAR, 5, 4))
    make_return(b, "区统计局", ["常住人口"], date(YEAR, 5, 6), marks=False)
    make_return(b, "区城管局", ["常住人口", "低保户"], date(YEAR, 5, 8))
    demand(a, CapKind.MEETING, "创卫推进会", date(YEAR, 5, 9), basis="")
    demand(b, CapKind.LEDGER, "台账", date(YEAR, 4, 2))
    make_request(a, requested_on=date(YEAR, 5, 3))
    make_request(a, NO_CRIME, requested_on=date(YEAR, 6, 1), institution_kind="employer")
    make_request(b, PRACTICE, requested_on=date(YEAR, 5, 20))
    settle_pending()
    return Community.objects.filter(name__startswith="规模").first().street_office


@pytest.mark.django_db
def test_figures_added_up_from_the_facts_equal_the_databases(office):
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    assert len(ids) >= 2
    with CaptureQueriesContext(connection) as read:
        facts = community_facts.Facts(
            *WINDOW, timezone.localdate(), community_facts.read(ids, *WINDOW)
        )
    assert len(read) == 6
    assert any(one.pay for one in facts.of.values()) and any(one.due for one in facts.of.values())
    assert any(one.department_due for one in facts.of.values())
    assert any(one.queue[1] for one in facts.of.values())
    by_period = {period: with_parts(facts, ids, *period) for period in PERIODS}
    some = by_period[PERIODS[2]].of.values()
    assert any(one.surveys.nature.total and one.surveys.answers for one in some)
    assert any(one.paperwork.repeated for one in some)
    assert any(one.paperwork.flagged for one in some)
    assert any(len(one.certificates.counts) > 1 for one in some)
    groups = [communities, communities.filter(pk=ids[0]), communities.filter(pk__in=ids[1:])]
    compared = 0
    for live, rolled in rollup_metrics.INSTEAD.items():
        for start, end in PERIODS:
            for group in groups:
                from_database = rolled(group, start, end)
                with (
                    hook.shared(),
                    community_facts.using(by_period[(start, end)]),
                    CaptureQueriesContext(connection) as queries,
                ):
                    from_facts = rolled(group, start, end)
                assert from_facts == from_database, (live.__name__, start, end)
                table = ADDED_UP.get(rolled)
                if table:
                    assert not [q for q in queries if table in q["sql"]], live.__name__
                    compared += 1
    assert compared


def with_parts(facts, ids, start, end):
    """The facts with the communities' survey and paperwork figures (as the page reads)."""
    with hook.shared():
        surveys = survey_facts.read(ids, WINDOW[0], end)
        paperwork = paperwork_facts.read(ids, start, end)
        certificates = certificate_facts.read(ids, start, end)
    of = {
        pk: dataclasses.replace(
            one, surveys=surveys[pk], paperwork=paperwork[pk], certificates=certificates[pk]
        )
        for pk, one in facts.of.items()
    }
    return dataclasses.replace(facts, of=of)


@pytest.mark.django_db
def test_the_offices_own_flags_from_the_facts_equal_the_databases(office):
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    facts = community_facts.Facts(*WINDOW, timezone.localdate(), community_facts.read(ids, *WINDOW))

    def shown(found):
        return {o: [(f.kind, f.value, f.severity) for f in fl] for o, fl in found.items()}

    for start, end in PERIODS:
        from_database = shown(flags_by_street_office(communities, start, end))
        with hook.shared(), community_facts.using(with_parts(facts, ids, start, end)):
            from_facts = shown(flags_by_street_office(communities, start, end))
        assert from_facts == from_database


@pytest.mark.django_db
def test_facts_of_other_months_or_communities_are_not_used(office, world):
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    facts = community_facts.Facts(*WINDOW, timezone.localdate(), community_facts.read(ids, *WINDOW))
    with hook.shared(), community_facts.using(facts):
        assert community_facts.facts_for(communities, *PERIODS[0]) is not None
        assert (
            community_facts.facts_for(communities, date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31))
            is None
        )
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
    paperwork_facts.flagged_demands: "paperwork_",
    paperwork_facts.duplicate_share: "paperwork_",
    paperwork_facts.duplicate_share_by_community: "paperwork_",
    paperwork_facts.duplicate_share_by_street_office: "paperwork_",
    paperwork_facts.demands_by_kind: "paperwork_",
    paperwork_facts.return_counts: "paperwork_",
    certificate_facts.outcome_counts: "certificates_",
    certificate_facts.outcome_counts_by_month: "certificates_",
    certificate_facts.outcome_counts_by_institution_kind: "certificates_",
    rollup_metrics.tasks_by_department: "departmentmonth",
    rollup_metrics.department_league: "departmentmonth",
}


@pytest.mark.django_db
def test_the_approval_queue_from_the_facts_equals_the_databases(office):
    """The street office's approval queue panel: waiting and overdue, added up."""
    communities = Community.objects.filter(street_office=office)
    ids = list(communities.values_list("pk", flat=True))
    facts = community_facts.Facts(*WINDOW, timezone.localdate(), community_facts.read(ids, *WINDOW))
    for group in [communities, communities.filter(pk=ids[0])]:
        for start, end in PERIODS:
            period = Period("custom", start, end)
            from_database = panels.approval_queue_panel(group, period).rows
            with community_facts.using(facts), CaptureQueriesContext(connection) as queries:
                from_facts = panels.approval_queue_panel(group, period).rows
            assert [[c.text for c in row] for row in from_facts] == [
                [c.text for c in row] for row in from_database
            ]
            assert not [q for q in queries if "tasks_task" in q["sql"]]
    whole = panels.approval_queue_panel(communities, Period("custom", *PERIODS[0])).rows
    waiting, overdue = (int(c.text) for c in whole[0])
    assert waiting >= overdue > 0
