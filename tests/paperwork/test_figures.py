"""Dashboard flags, the league and the report equal sums computed from the records, and
every figure drills down to the items behind it."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from dashboards.models import Threshold
from paperwork.models import CapKind, Demand, ReturnItem


@pytest.fixture
def records(world, caps, demand, make_return):
    a, b = world.community_a, world.community_b
    for k in range(6):
        demand(a, CapKind.SIGNBOARD_OUTSIDE, f"牌子{k}", date(2026, 1, 1 + k))
    demand(a, CapKind.LEDGER, "居民花名册", date(2026, 2, 1), basis="")
    demand(a, CapKind.LEDGER, "迎检台账", date(2025, 2, 1))  # still standing in 2026
    old = demand(a, CapKind.LEDGER, "旧台账", date(2024, 2, 1))
    Demand.objects.filter(pk=old.pk).update(ended_on=date(2025, 1, 1))  # gone before 2026
    demand(b, CapKind.SIGNBOARD_OUTSIDE, "乙牌", date(2026, 1, 1), basis="")
    make_return(a, "区民政局", ["常住人口", "60岁以上老人", "低保户"], date(2026, 3, 1))
    make_return(a, "区统计局", ["常住人口", "户数"], date(2026, 4, 1))
    make_return(a, "区城管局", ["户数", "60岁以上老人"], date(2026, 5, 1))
    make_return(b, "区统计局", ["户数"], date(2026, 5, 1))


def _flag(response, kind):
    return next(f for f in response.context["flags"] if f.kind == kind)


def _count_behind(client, url) -> int:
    parts = urlsplit(url)
    return client.get(parts.path + "?" + parts.query).context["table"].paginator.count


def test_the_flags_equal_the_records_and_drill_down_to_them(as_user, world, staff_a, records):
    client = as_user(staff_a)
    url = reverse("dashboards:community", args=[world.community_a.pk])
    response = client.get(url, {"period": "year", "at": 2026})
    a = world.community_a
    standing = Demand.objects.filter(community=a, demanded_on__lte=date(2026, 12, 31)).exclude(
        ended_on__lt=date(2026, 1, 1)
    )
    expected = sum(1 for d in standing if d.over_cap or not d.basis)
    over = _flag(response, "over_cap")
    assert over.value == expected == 4  # two signboards, one bare ledger, one ledger off list
    assert over.severity.name == "RED"
    assert _count_behind(client, over.url) == expected
    lines = ReturnItem.objects.filter(return_form__community=a)
    asked = {line.data_item_id for line in lines}
    repeated = {line.data_item_id for line in lines if line.repeat}
    duplicates = _flag(response, "duplicate_asks")
    assert duplicates.value == Decimal(len(repeated)) / Decimal(len(asked)) == Decimal("0.75")
    assert _count_behind(client, duplicates.url) == sum(1 for line in lines if line.repeat) == 3


def test_the_district_sets_the_thresholds(as_user, world, staff_a, records):
    Threshold.objects.ensure_for([world.district])
    Threshold.objects.filter(kind="over_cap").update(amber=10, red=20)
    url = reverse("dashboards:community", args=[world.community_a.pk])
    response = as_user(staff_a).get(url, {"period": "year", "at": 2026})
    assert _flag(response, "over_cap").severity.name == "GREEN"


def test_the_league_counts_returns_and_duplicate_asks(as_user, world, staff_a, records):
    response = as_user(staff_a).get(
        reverse("tasks:department_league"), {"start": "2026-01-01", "end": "2026-12-31"}
    )
    rows = {r.record.name: r.record.extra for r in response.context["table"].rows}
    assert rows == {
        "区民政局": {"returns": 1, "duplicate_asks": 0},
        "区统计局": {"returns": 1, "duplicate_asks": 1},
        "区城管局": {"returns": 1, "duplicate_asks": 2},
    }
    assert "duplicate asks" in response.content.decode() or "重复" in response.content.decode()


def test_every_count_of_the_panel_links_to_the_same_rows(as_user, world, official_a, records):
    client = as_user(official_a)
    url = reverse("dashboards:street_office", args=[world.street_a.pk])
    response = client.get(url, {"period": "year", "at": 2026})
    panel = next(p for p in response.context["panels"] if p.key == "paperwork")
    linked = [cell for row in panel.rows for cell in row[1:] if cell.url]
    assert len(linked) == 2 * len(CapKind) + 4
    for cell in linked:
        assert _count_behind(client, cell.url) == int(cell.text)
    totals = {row[0].text: row[1].text for row in panel.rows}
    a = world.community_a
    assert totals[str(CapKind.SIGNBOARD_OUTSIDE.label)] == "6"
    assert (
        int(panel.rows[len(CapKind) + 3][1].text)
        == ReturnItem.objects.filter(return_form__community=a, repeat=True).count()
    )
