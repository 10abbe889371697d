"""Closing a year: the page shows what will lock and asks; a year not ended warns."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from funds import services
from funds.models import FundsLogEntry, Income
from tests.funds.factories import BudgetLineFactory, ExpenseFactory, IncomeFactory
from tests.scoping import covers


def close_url(community, year):
    return reverse("funds:year_close", args=[community.pk, year])


def books(community, year):
    IncomeFactory(community=community, date=date(year, 3, 1), amount=Decimal("15000.00"))
    IncomeFactory(
        community=community,
        date=date(year, 6, 1),
        kind=Income.Kind.POOLING,
        amount=Decimal("7000.00"),
    )
    ExpenseFactory(community=community, date=date(year, 4, 1), amount=Decimal("512.30"))
    BudgetLineFactory(community=community, year=year, planned=Decimal("6000.00"))


@covers("funds:year_close")
class TestYearCloseScoping:
    def test_anonymous_is_sent_to_log_in(self, client, world):
        for response in (
            client.get(close_url(world.community_a, 2025)),
            client.post(close_url(world.community_a, 2025)),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_out_of_scope_is_404(self, as_user, world, staff_b, official_b):
        for user in (staff_b, official_b):
            assert as_user(user).get(close_url(world.community_a, 2025)).status_code == 404
            assert as_user(user).post(close_url(world.community_a, 2025)).status_code == 404
        assert not services.is_closed(community=world.community_a, year=2025)

    def test_staff_officials_and_the_district_may_not_close(
        self, as_user, world, staff_a, official_a, district_officer
    ):
        for user in (staff_a, official_a, district_officer):
            assert as_user(user).get(close_url(world.community_a, 2025)).status_code == 403
            assert as_user(user).post(close_url(world.community_a, 2025)).status_code == 403
        assert not services.is_closed(community=world.community_a, year=2025)

    def test_the_chair_sees_what_will_lock_then_closes(
        self, as_user, world, chair_a, django_assert_max_num_queries
    ):
        books(world.community_a, 2025)
        IncomeFactory(community=world.community_a, date=date(2024, 3, 1))  # another year
        client = as_user(chair_a)
        with django_assert_max_num_queries(12):
            page = client.get(close_url(world.community_a, 2025)).content.decode()
        assert "关闭甲社区 2025 年的账目？" in page
        assert "¥8,000.00" in page  # 2 income records: 15,000 less 7,000 pooled
        assert "¥512.30" in page and "¥6,000.00" in page
        assert "尚未结束" not in page
        assert not services.is_closed(community=world.community_a, year=2025)  # GET changes nothing

        response = client.post(close_url(world.community_a, 2025), follow=True)
        assert "2025 年的账目已结账" in response.content.decode()
        assert services.is_closed(community=world.community_a, year=2025)
        assert not services.is_closed(community=world.community_a, year=2024)

    def test_a_second_click_closes_once(self, as_user, world, chair_a):
        client = as_user(chair_a)
        client.post(close_url(world.community_a, 2025))
        response = client.post(close_url(world.community_a, 2025), follow=True)
        assert response.status_code == 200
        assert FundsLogEntry.objects.filter(action="close").count() == 1


def test_the_page_shows_the_records_count_per_kind(as_user, world, chair_a):
    books(world.community_a, 2025)
    contents = services.year_contents(community=world.community_a, year=2025)
    assert (contents.incomes, contents.expenses, contents.budget_lines) == (2, 1, 1)
    assert contents.income_total == Decimal("8000.00")
    assert contents.days_left == 0


def test_closing_this_year_early_warns_and_needs_the_box_ticked(as_user, world, chair_a):
    year = timezone.localdate().year
    days_left = (date(year, 12, 31) - timezone.localdate()).days + 1
    client = as_user(chair_a)
    page = client.get(close_url(world.community_a, year)).content.decode()
    assert f"{year} 年尚未结束：还剩 {days_left} 天" in page

    response = client.post(close_url(world.community_a, year))
    assert response.status_code == 200
    assert "勾选" in response.content.decode()
    assert not services.is_closed(community=world.community_a, year=year)

    response = client.post(close_url(world.community_a, year), {"before_year_end": "on"})
    assert response.status_code == 302
    assert services.is_closed(community=world.community_a, year=year)


def test_the_service_refuses_an_early_close_unless_asked(world, chair_a):
    year = timezone.localdate().year
    with pytest.raises(ValidationError, match=f"{year} 年尚未结束"):
        services.close_year(community=world.community_a, year=year, user=chair_a)
    assert not services.is_closed(community=world.community_a, year=year)
    services.close_year(community=world.community_a, year=year, user=chair_a, before_year_end=True)
    assert services.is_closed(community=world.community_a, year=year)


def test_a_closed_years_page_sends_back_to_the_year(as_user, world, chair_a):
    services.close_year(community=world.community_a, year=2025, user=chair_a)
    response = as_user(chair_a).get(close_url(world.community_a, 2025))
    assert response.status_code == 302
    year_page = reverse("funds:community_year", args=[world.community_a.pk, 2025])
    assert response["Location"] == year_page


def test_the_year_page_links_to_the_close_page_for_the_chair_only(as_user, world, chair_a, staff_a):
    year_page = reverse("funds:community_year", args=[world.community_a.pk, 2025])
    link = close_url(world.community_a, 2025)
    assert link in as_user(chair_a).get(year_page).content.decode()
    assert link not in as_user(staff_a).get(year_page).content.decode()
