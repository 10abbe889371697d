"""Catalogue suggestions from the title alone, and no outcome chosen for the user."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from tasks.models import CatalogueItem
from tasks.suggestions import suggest_catalogue_items

RECEIVED = date(2026, 3, 2)


@pytest.fixture
def national(world):
    """The national starting catalogue (tasks/data/catalogue.csv) for the district."""
    call_command("load_catalogue", "--district", world.district.code, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {i.item: i for i in CatalogueItem.objects.filter(district=world.district)}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("临时人口统计报表", "协助开展经批准的统计调查和普查"),
        ("征订党报党刊", "摊派商业保险、报刊订阅"),
        ("社区矫正人员走访", "协助做好社区矫正工作"),
        ("微信公众号关注打卡", "要求微信关注、网络注册、打卡签到、积分排名"),
    ],
)
def test_the_title_alone_finds_its_item(world, national, title, expected):
    found = suggest_catalogue_items(district=world.district, title=title, on=RECEIVED)
    assert found and found[0].item == national[expected]


def test_no_outcome_is_ticked_before_the_user_chooses(as_user, staff_a, world, national):
    response = as_user(staff_a).get(
        reverse("tasks:catalogue_suggest"),
        {"title": "临时人口统计报表", "community": world.community_a.pk},
    )
    page = response.content.decode()
    assert "协助开展经批准的统计调查和普查" in page
    assert not re.search(r'<input[^>]*name="catalogue_item"[^>]*checked', page)
    new_form = as_user(staff_a).get(reverse("tasks:task_create")).content.decode()
    assert not re.search(r'<input[^>]*name="catalogue_item"[^>]*checked', new_form)


def test_none_of_these_stays_ticked_when_the_matches_refresh(as_user, staff_a, world, national):
    page = (
        as_user(staff_a)
        .get(
            reverse("tasks:catalogue_suggest"),
            {
                "title": "临时人口统计报表",
                "community": world.community_a.pk,
                "catalogue_item": "none",
            },
        )
        .content.decode()
    )
    assert re.search(r'<input[^>]*name="catalogue_item" value="" checked', page)
