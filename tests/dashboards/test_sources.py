"""Every flag, panel and report sheet finds the figure it shows, with the apps' real metrics.

The dashboards import the metrics they show like any other module; a renamed metric is an
error here (and at import), never a flag or a sheet that quietly disappears.
"""

import pytest
from django.utils import translation

from committee.models import Community
from committee.periods import Period
from dashboards.flags import flags, flags_by_community
from dashboards.models import FlagKind
from dashboards.panels import COMMUNITY_PANELS, GROUP_PANELS, community_panels, group_panels
from dashboards.reports.content import community_report
from dashboards.specs import SPECS
from dashboards.workbooks import SHEETS, sheets

OWNER = {
    FlagKind.ADMIN_SHARE: "tasks",
    FlagKind.UNAUTHORISED: "tasks",
    FlagKind.NEGATIVE_LIST: "tasks",
    FlagKind.FUNDED_SHARE: "tasks",
    FlagKind.USABLE_VS_COSTS: "funds",
    FlagKind.POOLED_SHARE: "funds",
    FlagKind.PAY_VS_MINIMUM: "staff",
    FlagKind.PAY_VS_ASSISTANTS: "staff",
    FlagKind.REPRESENTED_SHARE: "surveys",
    FlagKind.OVER_CAP: "paperwork",
    FlagKind.DUPLICATE_ASKS: "paperwork",
}


@pytest.mark.parametrize("kind", list(FlagKind))
def test_each_flag_reads_its_owning_apps_metric_for_a_group_and_per_community(kind):
    figure = SPECS[kind].figure
    assert figure.whole.__module__ == f"{OWNER[kind]}.metrics"
    assert figure.by_community.__module__ == f"{OWNER[kind]}.metrics"
    assert figure.by_community.__name__ == f"{figure.whole.__name__}_by_community"


def test_every_flag_is_evaluated_for_a_group_and_for_each_community(world):
    period = Period.year(2026)
    communities = Community.objects.filter(street_office=world.street_a)
    assert {f.kind for f in flags(communities, period.start, period.end)} == set(FlagKind)
    for found in flags_by_community(communities, period.start, period.end).values():
        assert [f.kind for f in found] == list(FlagKind)


def test_every_report_sheet_is_built(world):
    one = sheets(Community.objects.filter(pk=world.community_a.pk), Period.year(2026))
    assert len(one) == len(SHEETS) - 1 == 9  # no street-office sheet for one street office
    district = Community.objects.filter(street_office__district=world.district)
    built = sheets(district, Period.year(2026))
    assert len(built) == len(SHEETS) == 10
    titles = [str(title) for title, _columns, _rows in built]
    assert len(set(titles)) == len(titles)
    for _title, columns, rows in built:
        assert all(len(row) == len(columns) for row in rows)


def test_the_dashboards_show_every_panel(world):
    period = Period.year(2026)
    one = Community.objects.filter(pk=world.community_a.pk)
    group = Community.objects.filter(street_office=world.street_a)
    assert len(community_panels(one, period)) == len(COMMUNITY_PANELS)
    assert len(group_panels(group, period)) == len(GROUP_PANELS)


def test_the_report_opens_with_every_apps_figures(world):
    with translation.override("en"):
        report = community_report(world.community_a, Period.year(2026))
        labels = {figure.label for figure in report["figures"]}
    assert {
        "Area (km²)",
        "Full-time workers (required by the staffing rule)",
        "Tasks pushed down by departments",
        "Staff hours logged",
        "Usable money",
        "Survey responses",
    } <= labels
