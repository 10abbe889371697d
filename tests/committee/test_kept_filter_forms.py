"""A list's filter form is drawn once and kept (committee/filters.py): the same user, list,
filter and language get the same form without its communities and departments read again,
and a change to them shows at once in this process, within a minute in any other."""

from django.urls import reverse

from committee import filters
from committee.models import Community
from tests.factories import DepartmentFactory
from tests.tasks.test_lists_at_scale import filter_form


def form_of(client, query=None, **headers) -> str:
    return filter_form(client.get(reverse("tasks:task_list"), query or {}, **headers))


def test_it_shows_a_renamed_community_and_a_new_department_at_once(as_user, official_a, world):
    client = as_user(official_a)
    assert world.community_a.name in form_of(client)
    world.community_a.name = "新名字社区"
    world.community_a.save()
    assert "新名字社区" in form_of(client)
    DepartmentFactory(district=world.district, name="新设的科室")
    assert "新设的科室" in form_of(client)


def test_it_shows_a_change_that_sent_no_signal_within_a_minute(
    as_user, official_a, world, monkeypatch
):
    client = as_user(official_a)
    form_of(client)
    Community.objects.filter(pk=world.community_a.pk).update(name="悄悄改名社区")
    assert "悄悄改名社区" not in form_of(client)  # kept: a bulk update sends no signal
    later = filters.time.monotonic() + filters.KEEP_SECONDS + 1
    monkeypatch.setattr(filters.time, "monotonic", lambda: later)
    assert "悄悄改名社区" in form_of(client)


def test_it_is_each_users_languages_and_filters_own(as_user, official_a, official_b, world):
    mine = form_of(as_user(official_a))
    theirs = form_of(as_user(official_b))
    assert world.community_a.name in mine and world.community_a.name not in theirs
    assert world.community_b.name in theirs and world.community_b.name not in mine
    client = as_user(official_a)
    english = form_of(client, HTTP_ACCEPT_LANGUAGE="en")
    assert ">Community</label>" in english and ">社区</label>" in form_of(client)
    chosen = form_of(client, {"community": world.community_a.pk})
    assert f'<option value="{world.community_a.pk}" selected>' in chosen
    assert f'<option value="{world.community_a.pk}" selected>' not in form_of(client)
