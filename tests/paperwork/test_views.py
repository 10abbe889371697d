"""The registers' pages: who sees and changes what, and the writes through the views."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from committee.roles import Role
from paperwork.models import CapKind, Demand, ReturnForm
from tests.conftest import TEST_TODAY
from tests.factories import DistrictFactory, member
from tests.scoping import ScopingTests, covers


@pytest.fixture
def stranger(db):
    """A district officer of another district."""
    return member(Role.DISTRICT_OFFICER, DistrictFactory(), username="stranger")


@pytest.fixture
def sign(world, caps, demand):
    return demand(world.community_a, CapKind.SIGNBOARD_OUTSIDE, "综治中心", date(2026, 3, 1))


@pytest.fixture
def return_a(world, make_return):
    two_weeks_ago = TEST_TODAY - timedelta(days=14)
    return make_return(world.community_a, "区统计局", ["常住人口", "户数"], two_weeks_ago)


class TestDemandEdit(ScopingTests):
    url_name = "paperwork:demand_edit"
    record = "sign"
    owner, outsider, reader = "staff_a", "staff_b", "official_a"


class TestCapEdit(ScopingTests):
    url_name = "paperwork:cap_edit"
    record = "caps.signboard_outside"
    owner, outsider, reader = "district_officer", "stranger", "staff_a"

    def url_of(self, request):
        cap = request.getfixturevalue("caps")[CapKind.SIGNBOARD_OUTSIDE]
        return reverse(self.url_name, args=[cap.pk])


class TestDataItemEdit(ScopingTests):
    url_name = "paperwork:data_item_edit"
    record = "items"
    owner, outsider, reader = "district_officer", "stranger", "staff_a"

    def url_of(self, request):
        item = request.getfixturevalue("items")["户数"]
        return reverse(self.url_name, args=[item.pk])


class TestReturnDetail(ScopingTests):
    url_name = "paperwork:return_detail"
    record = "return_a"
    owner, outsider = "staff_a", "staff_b"


class TestLetter(ScopingTests):
    url_name = "paperwork:letter"
    record = "world.community_a"
    owner, outsider = "official_a", "staff_b"


class TestSheet(ScopingTests):
    url_name = "paperwork:sheet"
    record = "world.community_a"
    owner, outsider = "staff_a", "official_b"


@covers("paperwork:return_fill", "paperwork:return_reuse")
def test_filling_and_reusing_a_return_need_the_community(
    client, as_user, world, staff_a, staff_b, official_a, return_a, items
):
    fill = reverse("paperwork:return_fill", args=[return_a.pk])
    reuse = reverse("paperwork:return_reuse", args=[return_a.pk])
    data = {f"item-{items['常住人口'].pk}": "8200"}
    assert client.post(fill, data).url.startswith("/login/")
    assert as_user(staff_b).post(fill, data).status_code == 404
    assert as_user(official_a).post(fill, data).status_code == 403
    assert as_user(staff_b).post(reuse).status_code == 404
    assert as_user(official_a).post(reuse).status_code == 403
    assert as_user(staff_a).post(fill, data).status_code == 302
    line = return_a.lines.get(data_item=items["常住人口"])
    assert (line.value, line.value_on) == ("8200", TEST_TODAY)
    assert as_user(staff_a).post(reuse).status_code == 302


@covers("paperwork:letter_send")
def test_the_letter_goes_up_and_the_street_office_sees_the_items(
    client, as_user, world, staff_a, staff_b, official_a, caps, demand
):
    for k in range(5):
        demand(world.community_a, CapKind.SIGNBOARD_OUTSIDE, f"牌子{k}", date(2026, 1, 1 + k))
    demand(world.community_b, CapKind.SIGNBOARD_OUTSIDE, "乙牌子", date(2026, 1, 1), basis="")
    url = reverse("paperwork:letter_send", args=[world.community_a.pk])
    assert client.post(url).url.startswith("/login/")
    assert as_user(staff_b).post(url).status_code == 404
    assert as_user(official_a).post(url).status_code == 403
    assert as_user(staff_a).post(url).status_code == 302
    asked = Demand.objects.filter(withdrawal_asked_on__isnull=False)
    assert [d.name for d in asked] == ["牌子4"]
    listing = as_user(official_a).get(reverse("paperwork:demand_list"), {"flagged": "true"})
    assert [r.record.name for r in listing.context["table"].rows] == ["牌子4"]


def test_staff_log_a_demand_and_see_its_flag(as_user, world, staff_a, caps, departments):
    response = as_user(staff_a).post(
        reverse("paperwork:demand_new"),
        {
            "community": world.community_a.pk,
            "kind": CapKind.LEDGER,
            "name": "反诈宣传台账",
            "department": departments["区城管局"].pk,
            "demanded_on": "2026-06-10",
            "basis": "",
        },
    )
    assert response.status_code == 302
    made = Demand.objects.get()
    assert made.over_cap and made.flagged


def test_staff_register_a_return_and_see_what_is_held(
    as_user, world, staff_a, departments, items, make_return
):
    month_ago = TEST_TODAY - timedelta(days=31)
    make_return(world.community_a, "区民政局", ["常住人口"], month_ago, {"常住人口": "8200"})
    response = as_user(staff_a).post(
        reverse("paperwork:return_new"),
        {
            "community": world.community_a.pk,
            "department": departments["区统计局"].pk,
            "title": "社区基本情况统计表",
            "registered_on": TEST_TODAY.isoformat(),
            "due_on": (TEST_TODAY + timedelta(days=10)).isoformat(),
            "frequency": "once",
            "items": [items["常住人口"].pk, items["户数"].pk],
        },
    )
    made = ReturnForm.objects.get(title="社区基本情况统计表")
    assert response.url == made.get_absolute_url()
    page = as_user(staff_a).get(response.url)
    assert page.context["held_count"] == 1 and page.context["repeats"] == 1
    assert made.unapproved
    assert month_ago.isoformat() in page.content.decode() and "区民政局" in page.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "paperwork:demand_list",
        "paperwork:cap_list",
        "paperwork:data_item_list",
        "paperwork:return_list",
        "paperwork:return_item_list",
    ],
)
def test_lists_show_only_what_is_in_scope(
    as_user, world, staff_b, name, caps, items, sign, return_a, django_assert_max_num_queries
):
    client = as_user(staff_b)
    with django_assert_max_num_queries(14):
        response = client.get(reverse(name))
    assert response.status_code == 200
    rows = [r.record for r in response.context["table"].rows]
    if name in ("paperwork:cap_list", "paperwork:data_item_list"):
        assert rows  # the district's settings are for every community of it to read
    else:
        assert rows == []


@covers("paperwork:demand_attachment")
def test_a_photo_is_optional_and_kept_for_those_who_see_the_demand(
    client, as_user, world, staff_a, staff_b, official_a, caps, departments
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "community": world.community_a.pk,
        "kind": CapKind.SIGNBOARD_OUTSIDE,
        "name": "城市管理工作站",
        "department": departments["区城管局"].pk,
        "demanded_on": "2026-06-10",
        "basis": "区城管局通知",
    }
    url = reverse("paperwork:demand_new")
    assert as_user(staff_a).post(url, data).status_code == 302  # no file: fine
    photo = SimpleUploadedFile("牌子.jpg", b"\xff\xd8photo", content_type="image/jpeg")
    assert (
        as_user(staff_a).post(url, {**data, "name": "综治中心", "file": photo}).status_code == 302
    )
    kept = Demand.objects.get(name="综治中心")
    download = reverse("paperwork:demand_attachment", args=[kept.pk])
    assert client.get(download).url.startswith("/login/")
    assert as_user(staff_b).get(download).status_code == 404
    response = as_user(official_a).get(download)
    assert response.content == b"\xff\xd8photo"
    assert response["Content-Type"] == "application/octet-stream"
    bare = Demand.objects.get(name="城市管理工作站")
    assert (
        as_user(staff_a).get(reverse("paperwork:demand_attachment", args=[bare.pk])).status_code
        == 404
    )
