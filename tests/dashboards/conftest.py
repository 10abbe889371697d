"""Stand-in figures for the flag engine's own tests.

The real metrics live in tasks/funds/staff/surveys and are tested there (and by the
figure tests here). These stand-ins replace the figure of every flag spec with a value
from the communities in ONE query: ``residents / 10000`` (so a community with 6,200
residents has an administrative share of 62 %), summed for a set of communities; the
unauthorised count is put in the period's first month. The panels keep their real
metrics. That makes the engine's colours and query counts testable alone.
"""

import dataclasses
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Sum

from dashboards.specs import SPECS, Figure


def _shaped(name: str, value: Decimal, start: date):
    if name == "unauthorised_peak_month":
        return SimpleNamespace(count=value, month=start.replace(day=1))
    if name == "pay_ratios":
        return SimpleNamespace(
            to_minimum_wage=value,
            to_assistants=value,
            to_average_wage=value,
            fulltime_median=None,
            assistant_median=None,
            minimum_wage=None,
            average_wage=None,
        )
    if name == "latest_committee_nature_counts":
        return SimpleNamespace(residents_share=value, total=1000)  # enough answers to judge
    return value


def _fake_figure(figure: Figure) -> Figure:
    name = figure.whole.__name__

    def whole(communities, start, end):
        total = communities.aggregate(n=Sum("residents"))["n"]
        return None if total is None else _shaped(name, Decimal(total) / 10000, start)

    def by_community(communities, start, end):
        return {
            pk: _shaped(name, Decimal(residents) / 10000, start)
            for pk, residents in communities.values_list("pk", "residents")
        }

    return Figure(whole, by_community, figure.read)


@pytest.fixture
def fake_metrics(monkeypatch):
    """Every flag's figure replaced by the stand-ins (the specs themselves unchanged)."""
    for kind, spec in list(SPECS.items()):
        monkeypatch.setitem(
            SPECS, kind, dataclasses.replace(spec, figure=_fake_figure(spec.figure))
        )
    return SPECS
