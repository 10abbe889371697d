"""A cold report computes only what it prints, and reads each figure once."""

import pytest

from committee import rollups
from committee.models import Community
from committee.periods import Period
from dashboards import flags, panels
from dashboards.reports import content
from dashboards.specs import without_links
from tasks import metrics as tasks_metrics

YEAR = Period.year(2026)


def _cells(found: list[panels.Panel]) -> list[panels.Cell]:
    return [c for p in found for row in p.rows for c in row if isinstance(c, panels.Cell)]


def _printed(report: dict) -> list[panels.Panel]:
    found = [p for area in report["areas"] for p in area.panels]
    return found + report["trends"] + report["other_panels"] + [report["department_panel"]]


def test_a_report_builds_the_dashboards_panels_without_the_links_it_does_not_print(world):
    group = Community.objects.filter(pk=world.community_a.pk)
    before = panels.hours_by_nature_panel(group, YEAR)
    assert any(c.url for c in _cells([before]))  # the dashboard's table links its records
    report = content.community_report(world.community_a, YEAR)
    printed = _printed(report)
    assert _cells(printed) and not any(c.url for c in _cells(printed))
    after = panels.hours_by_nature_panel(group, YEAR)  # the dashboard's, after the report
    assert [c.url for c in _cells([after])] == [c.url for c in _cells([before])]


def test_a_flags_words_made_without_links_are_not_the_dashboards(world):
    group = Community.objects.filter(pk=world.community_a.pk)
    with without_links():
        quiet = flags.flags(group, YEAR.start, YEAR.end)
        assert all(f.url is None for f in quiet)
    shown = flags.flags(group, YEAR.start, YEAR.end)  # the same figures: words kept per process
    assert any(f.url for f in shown)


def test_a_report_reads_the_tasks_by_department_once(world, monkeypatch):
    league = rollups.instead_of(tasks_metrics.department_league, YEAR.start, YEAR.end)
    calls = []

    def counted(*args):
        calls.append(args)
        return league(*args)

    monkeypatch.setitem(rollups._instead, tasks_metrics.department_league, counted)
    content.street_office_report(world.street_a, YEAR)
    assert len(calls) == 1  # the "in figures" table and the department panel share it


def test_a_querysets_sql_is_worked_out_once_inside_a_shared_block(world, monkeypatch):
    group = Community.objects.filter(street_office=world.street_a)
    with rollups.shared():
        first = rollups.sql(group, unordered=True)

        def compiled(query):
            raise AssertionError("compiled again")

        monkeypatch.setattr(type(group.query), "__str__", compiled)
        assert rollups.sql(group, unordered=True) == first  # the same queryset: kept
        with pytest.raises(AssertionError, match="compiled again"):
            rollups.sql(group.filter(name="甲社区"), unordered=True)  # another: compiled
