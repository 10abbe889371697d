from urllib.parse import urlparse

import pytest
from django.urls import reverse

from tests.scoping import covers


def test_it_sends_anonymous_visitors_to_the_chinese_login_page(client, world):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert urlparse(response["Location"]).path == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page
    assert 'lang="zh-hans"' in page


def test_it_speaks_english_when_the_browser_asks(client, world):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in page
    assert "登录" not in page


def test_it_switches_language_from_the_header(as_user, staff_a):
    client = as_user(staff_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("committee:community_list")).content.decode()
    assert "Communities" in page
    assert "Log out" in page


def test_it_logs_in_with_a_password(client, staff_a):
    response = client.post(
        reverse("login"), {"username": "staff_a", "password": "test-pass-123"}, follow=True
    )
    assert response.wsgi_request.user == staff_a
    assert "甲社区" in response.content.decode()


def test_a_wrong_password_gets_a_translated_message(client, staff_a):
    response = client.post(reverse("login"), {"username": "staff_a", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_community_list_lists_only_the_communities_the_user_may_see(
    as_user, world, staff_a, official_a, district_officer
):
    page = as_user(staff_a).get(reverse("committee:community_list")).content.decode()
    assert "甲社区" in page and "乙社区" not in page and "甲二社区" not in page
    page = as_user(official_a).get(reverse("committee:community_list")).content.decode()
    assert "甲社区" in page and "甲二社区" in page and "乙社区" not in page
    page = as_user(district_officer).get(reverse("committee:community_list")).content.decode()
    assert all(name in page for name in ("甲社区", "甲二社区", "乙社区"))


def test_community_list_shows_where_the_user_stands(as_user, staff_a):
    page = as_user(staff_a).get(reverse("committee:community_list")).content.decode()
    assert "甲社区 · 社区工作者" in page


def test_community_list_filters_by_search(as_user, world, district_officer):
    page = (
        as_user(district_officer)
        .get(reverse("committee:community_list"), {"q": "乙"})
        .content.decode()
    )
    assert "乙社区" in page and "甲社区" not in page


def test_community_list_runs_a_fixed_number_of_queries(
    as_user, world, district_officer, django_assert_max_num_queries
):
    from tests.factories import CommunityFactory

    client = as_user(district_officer)
    client.get(reverse("committee:community_list"))
    CommunityFactory.create_batch(30, street_office=world.street_b)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("committee:community_list"))
    assert response.status_code == 200


def test_community_list_exports_the_filtered_rows_to_excel(as_user, world, official_a):
    from io import BytesIO

    from openpyxl import load_workbook

    response = as_user(official_a).get(
        reverse("committee:community_list"), {"q": "甲", "export": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("名称", "街道办事处")
    assert sorted(r[0] for r in rows[1:]) == ["甲二社区", "甲社区"]
    assert rows[1][3] == 5000  # residents stay numbers


@covers("committee:community_detail", "committee:community_edit")
class TestCommunityPages:
    def url(self, community, name="committee:community_detail"):
        return reverse(name, args=[community.pk])

    def test_anonymous_is_sent_to_login(self, client, world):
        for name in ("committee:community_detail", "committee:community_edit"):
            response = client.get(self.url(world.community_a, name))
            assert response.status_code == 302
            assert reverse("login") in response["Location"]

    def test_out_of_scope_is_404(self, as_user, world, staff_b, official_b):
        for user in (staff_b, official_b):
            for name in ("committee:community_detail", "committee:community_edit"):
                assert as_user(user).get(self.url(world.community_a, name)).status_code == 404

    def test_in_scope_readers_see_the_page(self, as_user, world, staff_a, official_a):
        for user in (staff_a, official_a):
            page = as_user(user).get(self.url(world.community_a)).content.decode()
            assert "甲社区" in page and "甲街道" in page

    @pytest.mark.parametrize("who", ["staff_a", "official_a", "district_officer"])
    def test_editing_without_the_right_is_403(self, request, as_user, world, who):
        user = request.getfixturevalue(who)
        url = self.url(world.community_a, "committee:community_edit")
        assert as_user(user).get(url).status_code == 403
        response = as_user(user).post(url, {"residents": 1, "households": 1, "area_km2": "1"})
        assert response.status_code == 403
        world.community_a.refresh_from_db()
        assert world.community_a.residents == 5000

    def test_the_chair_edits_the_figures(self, as_user, world, chair_a):
        url = self.url(world.community_a, "committee:community_edit")
        response = as_user(chair_a).post(
            url, {"residents": 8200, "households": 2860, "area_km2": "1.50", "address": "爱国路"}
        )
        assert response.status_code == 302
        world.community_a.refresh_from_db()
        assert (world.community_a.residents, world.community_a.households) == (8200, 2860)

    def test_bad_figures_are_refused_and_nothing_saved(self, as_user, world, chair_a):
        url = self.url(world.community_a, "committee:community_edit")
        response = as_user(chair_a).post(
            url, {"residents": "很多", "households": "-3", "area_km2": "1.5"}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "输入整数。" in page
        assert "确保该值大于或等于0" in page
        world.community_a.refresh_from_db()
        assert world.community_a.residents == 5000


def test_a_user_changes_their_password(as_user, staff_a, client):
    response = as_user(staff_a).post(
        reverse("password_change"),
        {
            "old_password": "test-pass-123",
            "new_password1": "Juwei-new-pass-2026",
            "new_password2": "Juwei-new-pass-2026",
        },
    )
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.check_password("Juwei-new-pass-2026")


def test_a_password_change_with_a_wrong_old_password_is_refused(as_user, staff_a):
    response = as_user(staff_a).post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Xy-98765-abc", "new_password2": "Xy-98765-abc"},
    )
    assert "旧密码不正确" in response.content.decode()
    staff_a.refresh_from_db()
    assert staff_a.check_password("test-pass-123")
