"""The street-office and district tables draw their rows in Python (FlagTable.body_html):
the same rows as django-tables2's own template draws."""

from __future__ import annotations

import re
from datetime import date

from django.test import RequestFactory

from committee.models import Community
from dashboards.flags import flags_by_community
from dashboards.specs import SPECS
from dashboards.tables import CommunityFlagTable, FlagTable, listed_rows, rows_for

START, END = date(2026, 1, 1), date(2026, 12, 31)


def tbody(html: str) -> str:
    found = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r">\s+<", "><", found).strip()


def both_ways(table, request) -> tuple[str, str]:
    ours = table.as_html(request)
    table.template_name = "django_tables2/table.html"
    return ours, table.as_html(request)


def test_it_draws_the_rows_django_tables2_draws(world, fake_metrics):
    communities = Community.objects.order_by("code")
    kinds = list(SPECS)
    flags_of = flags_by_community(communities, START, END)
    del flags_of[world.community_b.pk][3]  # a flag without a figure: its cell is a dash
    units = [(c, f"/c/{c.pk}/?a=1&b=2") for c in communities]
    request = RequestFactory().get("/?sort=-admin_share&period=year")
    table = FlagTable(rows_for(units, kinds, flags_of), kinds, {})
    table.order_by = "-admin_share"
    ours, theirs = both_ways(table, request)
    assert "<td " in ours and "—" in ours
    assert tbody(ours) == tbody(theirs)

    offices = {o.pk: (str(o), f"/o/{o.pk}/") for o in (world.street_a, world.street_b)}
    worst = CommunityFlagTable(listed_rows(units, kinds, flags_of, offices), kinds, {})
    ours, theirs = both_ways(worst, request)
    assert 'class="unit-name"' in ours
    assert tbody(ours) == tbody(theirs)


def test_an_empty_table_says_so(db):
    table = FlagTable([], list(SPECS), {})
    assert "<tr><td colspan=" in table.as_html(RequestFactory().get("/"))
