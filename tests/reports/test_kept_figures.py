"""A report's figures are kept in the dashboards' figure cache, and drawn again after a write."""

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from committee.periods import Period
from dashboards.reports import content

YEAR = Period.year(2026)


def _figure(report: dict, label: str) -> str:
    return next(f.value for f in report["figures"] if f.label == label)


def test_a_report_asked_for_again_reads_its_kept_figures(world, monkeypatch):
    first = content.community_report(world.community_a, YEAR)

    def recounted(*args):
        raise AssertionError("the figures were counted again")

    monkeypatch.setattr(content, "flags", recounted)
    again = content.community_report(world.community_a, YEAR)
    assert again["figures"] == first["figures"] and again["community"] == world.community_a
    with pytest.raises(AssertionError, match="counted again"):  # not kept yet: counted
        content.street_office_report(world.street_a, YEAR)


def test_a_change_to_a_community_gives_its_reports_new_figures(world):
    report = content.community_report(world.community_a2, YEAR)
    office = content.street_office_report(world.street_a, YEAR)
    world.community_a2.residents += 1234
    world.community_a2.save()
    changed = content.community_report(world.community_a2, YEAR)
    residents = _("Residents")
    assert _figure(changed, residents) != _figure(report, residents)
    assert _figure(content.street_office_report(world.street_a, YEAR), residents) != _figure(
        office, residents
    )
    with translation.override("en"):  # another language: its own entry, its own words
        assert _figure(content.community_report(world.community_a2, YEAR), "Residents")
