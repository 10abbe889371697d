"""Stand-in metrics for the flag engine's own tests.

The real metrics live in tasks/funds/staff/surveys and are tested there (and by the
demo and hypothesis tests here once merged). These stand-ins answer any metric name
the flags read with a value from the communities in ONE query: ``residents / 10000``
(so a community with 6,200 residents has an administrative share of 62 %), summed for
a set of communities; the unauthorised count is put in the period's first month. Other
metrics (the panels') are absent. That makes the engine's colours and query counts
testable alone.
"""

import sys
import types
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Sum

APPS = ("tasks", "funds", "staff", "surveys")


FLAG_METRICS = {
    "administrative_share",
    "unauthorised_peak_month",
    "negative_list_worked_on",
    "assistance_funded_share",
    "usable_essential_ratio",
    "pooled_share",
    "pay_ratios",
    "latest_representing_share",
}


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
    return value


class FakeMetrics(types.ModuleType):
    def __getattr__(self, name: str):
        base = name.removesuffix("_by_community")
        if base not in FLAG_METRICS:
            raise AttributeError(name)
        if name.endswith("_by_community"):

            def by_community(communities, start, end):
                return {
                    pk: _shaped(base, Decimal(residents) / 10000, start)
                    for pk, residents in communities.values_list("pk", "residents")
                }

            return by_community

        def whole(communities, start, end):
            total = communities.aggregate(n=Sum("residents"))["n"]
            return None if total is None else _shaped(base, Decimal(total) / 10000, start)

        return whole


@pytest.fixture
def fake_metrics(monkeypatch):
    """Every app's metrics replaced by the stand-ins; returns the module map."""
    modules = {app: FakeMetrics(f"{app}.metrics") for app in APPS}
    for app, module in modules.items():
        monkeypatch.setitem(sys.modules, f"{app}.metrics", module)
    return modules


@pytest.fixture
def no_metrics(monkeypatch):
    """No app has landed its metrics: importing any of them fails."""
    for app in APPS:
        monkeypatch.setitem(sys.modules, f"{app}.metrics", None)
