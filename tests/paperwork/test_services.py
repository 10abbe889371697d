"""The registers' rules: caps, bases, repeats, held values and reuse, unapproved forms."""

from datetime import date, timedelta

from paperwork import services
from paperwork.models import CapKind, Demand, ReturnForm, ReturnItem
from tests.conftest import TEST_TODAY

OUT, LEDGER, MEETING = CapKind.SIGNBOARD_OUTSIDE, CapKind.LEDGER, CapKind.MEETING


def test_signboards_beyond_the_cap_are_over_the_latest_first(world, caps, demand):
    a = world.community_a
    made = [demand(a, OUT, f"牌子{k}", date(2026, 1, 1 + k)) for k in range(6)]
    over = [d.name for d in Demand.objects.filter(community=a, over_cap=True).order_by("pk")]
    assert over == ["牌子4", "牌子5"]
    first = made[0]
    first.ended_on = date(2026, 6, 1)
    services.save_demand(first, user=None)  # one taken down: one fewer over the cap
    assert [d.name for d in Demand.objects.filter(community=a, over_cap=True)] == ["牌子5"]


def test_a_ledger_off_the_permitted_list_is_over_and_a_missing_basis_is_flagged(
    world, caps, demand
):
    a = world.community_a
    demand(a, LEDGER, "居民花名册", date(2026, 2, 1))
    extra = demand(a, LEDGER, "创文迎检台账", date(2026, 2, 2))
    bare = demand(a, LEDGER, "低保救助台账", date(2026, 2, 3), basis="")
    assert extra.over_cap and not bare.over_cap
    assert set(Demand.objects.flagged().values_list("pk", flat=True)) == {extra.pk, bare.pk}


def test_meetings_count_against_the_cap_of_their_month(world, caps, demand):
    a = world.community_a
    demand(a, MEETING, "会一", date(2026, 3, 2))
    second = demand(a, MEETING, "会二", date(2026, 3, 20))
    april = demand(a, MEETING, "会三", date(2026, 4, 1))
    assert second.over_cap and not april.over_cap
    assert second.ended_on == second.demanded_on  # an event stands on its day


def test_raising_a_cap_clears_the_flags(world, caps, demand):
    a = world.community_a
    for k in range(5):
        demand(a, OUT, f"牌子{k}", date(2026, 1, 1 + k))
    cap = caps[OUT]
    cap.limit = 5
    services.save_cap(cap, user=None)
    assert not Demand.objects.filter(over_cap=True).exists()


def test_an_item_asked_before_by_another_department_is_a_repeat(world, make_return):
    a = world.community_a
    make_return(a, "区民政局", ["常住人口", "60岁以上老人"], date(2026, 5, 10))
    stats = make_return(a, "区统计局", ["常住人口", "户数"], date(2026, 6, 10))
    again = make_return(a, "区民政局", ["60岁以上老人"], date(2026, 6, 12))
    make_return(world.community_b, "区统计局", ["60岁以上老人"], date(2026, 6, 12))
    repeats = dict(stats.lines.values_list("data_item__name", "repeat"))
    assert repeats == {"常住人口": True, "户数": False}
    assert not again.lines.get().repeat  # the same department asking again is its own form
    assert ReturnItem.objects.filter(repeat=True).count() == 1


def test_held_values_are_reused_with_their_source(world, make_return, items):
    a = world.community_a
    month_ago = TEST_TODAY - timedelta(days=31)
    earlier = make_return(
        a, "区民政局", ["常住人口", "60岁以上老人"], month_ago, {"常住人口": "8200"}
    )
    new = make_return(a, "区统计局", ["常住人口", "60岁以上老人", "户数"], TEST_TODAY)
    held = services.held_values(a, [items["常住人口"], items["户数"]], exclude_return=new)
    assert list(held) == [items["常住人口"].pk]
    assert held[items["常住人口"].pk].department == "区民政局"
    assert services.reuse_held(return_form=new, user=None) == 1
    line = new.lines.get(data_item=items["常住人口"])
    assert (line.value, line.reused_from.return_form) == ("8200", earlier)


def test_a_value_past_its_validity_is_not_held(world, make_return, items):
    a = world.community_a
    make_return(a, "区民政局", ["低保户"], date(2025, 6, 1), {"低保户": "40"})  # 180 days
    assert services.held_values(a, [items["低保户"]]) == {}


def test_a_form_without_marks_or_past_its_validity_is_unapproved(world, make_return):
    a = world.community_a
    good = make_return(a, "区民政局", ["户数"], date(2026, 6, 1))
    bare = make_return(a, "区统计局", ["户数"], date(2026, 6, 1), marks=False)
    expired = make_return(a, "区城管局", ["户数"], date(2026, 6, 1))
    ReturnForm.objects.filter(pk=expired.pk).update(valid_until=date(2025, 12, 31))
    assert set(ReturnForm.objects.unapproved()) == {bare, expired}
    assert not good.unapproved and bare.unapproved
