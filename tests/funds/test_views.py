"""The funds pages: scoping, forms that refuse bad input, lists, exports, the notice."""

import itertools
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds import services
from funds.models import BudgetLine, Category, Expense, FinancialYear, Income
from tests.funds.factories import (
    BudgetLineFactory,
    ExpenseFactory,
    IncomeFactory,
    category,
    make_task,
)
from tests.scoping import covers

D = Decimal


def income_data(community, **extra):
    return {
        "community": community.pk,
        "date": "2025-03-01",
        "kind": "allocation",
        "payer": "区民政局",
        "amount": "15000.00",
        "voucher": "2025-R001",
        "note": "年度经费",
        **extra,
    }


def expense_data(community, **extra):
    return {
        "community": community.pk,
        "date": "2025-04-01",
        "category": category(community).pk,
        "payee": "供电公司",
        "amount": "420.50",
        "voucher": "2025-P001",
        "note": "",
        **extra,
    }


def is_login_redirect(response):
    return response.status_code == 302 and reverse("login") in response["Location"]


@covers(
    "funds:income_detail",
    "funds:income_edit",
    "funds:income_delete",
    "funds:expense_detail",
    "funds:expense_edit",
    "funds:expense_delete",
)
class TestRecordScoping:
    @pytest.fixture
    def records(self, world):
        return (
            IncomeFactory(community=world.community_a),
            ExpenseFactory(community=world.community_a),
        )

    def urls(self, records):
        income, expense = records
        for name in ("detail", "edit", "delete"):
            yield reverse(f"funds:income_{name}", args=[income.pk])
            yield reverse(f"funds:expense_{name}", args=[expense.pk])

    def test_anonymous_is_sent_to_login(self, client, records):
        for url in self.urls(records):
            assert is_login_redirect(client.get(url))

    def test_out_of_scope_is_404(self, as_user, records, staff_b, official_b):
        for user in (staff_b, official_b):
            for url in self.urls(records):
                assert as_user(user).get(url).status_code == 404

    def test_readers_see_but_may_not_change(self, as_user, records, official_a, district_officer):
        income, expense = records
        for user in (official_a, district_officer):
            client = as_user(user)
            page = client.get(reverse("funds:income_detail", args=[income.pk])).content.decode()
            assert "区民政局" in page and "15000.00" in page
            for url in self.urls(records):
                if "/edit/" in url or "/delete/" in url:
                    assert client.get(url).status_code == 403
                    assert client.post(url, {"amount": "1"}).status_code == 403
        income.refresh_from_db()
        assert income.amount == D("15000.00")
        assert Expense.objects.filter(pk=expense.pk).exists()

    def test_staff_edit_and_delete_with_a_trace(self, as_user, records, staff_a):
        income, expense = records
        client = as_user(staff_a)
        data = income_data(income.community, amount="14000")
        data.pop("community")
        response = client.post(reverse("funds:income_edit", args=[income.pk]), data)
        assert response.status_code == 302
        income.refresh_from_db()
        assert income.amount == D("14000.00")
        response = client.post(reverse("funds:expense_delete", args=[expense.pk]))
        assert response.status_code == 302
        assert not Expense.objects.filter(pk=expense.pk).exists()
        assert services.FundsLogEntry.objects.filter(action="delete", user=staff_a).exists()


class TestIncomeForm:
    url = reverse("funds:income_add")

    def test_anonymous_is_sent_to_login(self, client, world):
        assert is_login_redirect(client.get(self.url))

    def test_an_official_may_not_add(self, as_user, world, official_a):
        assert as_user(official_a).get(self.url).status_code == 403
        response = as_user(official_a).post(self.url, income_data(world.community_a))
        assert response.status_code == 403
        assert not Income.objects.exists()

    def test_staff_cannot_add_to_another_community(self, as_user, world, staff_a):
        response = as_user(staff_a).post(self.url, income_data(world.community_b))
        assert response.status_code == 200
        assert not Income.objects.exists()

    def test_staff_record_income(self, as_user, world, staff_a):
        response = as_user(staff_a).post(self.url, income_data(world.community_a), follow=True)
        saved = Income.objects.get()
        assert (saved.amount, saved.year, saved.recorded_by) == (D("15000.00"), 2025, staff_a)
        assert "已保存" in response.content.decode()

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("-100", "金额必须大于零"),
            ("0", "金额必须大于零"),
            ("12.345", "金额最多两位小数"),
            ("一百元", "请输入以元为单位的金额"),
        ],
    )
    def test_bad_amounts_are_refused_with_a_message(self, as_user, world, staff_a, amount, message):
        response = as_user(staff_a).post(self.url, income_data(world.community_a, amount=amount))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Income.objects.exists()

    def test_a_duplicate_voucher_is_refused(self, as_user, world, staff_a):
        ExpenseFactory(community=world.community_a, voucher="2025-R001")
        response = as_user(staff_a).post(self.url, income_data(world.community_a))
        assert response.status_code == 200
        assert "凭证号 2025-R001 在 2025 年已使用" in response.content.decode()
        assert not Income.objects.exists()

    def test_a_closed_year_is_refused(self, as_user, world, staff_a, chair_a):
        services.close_year(community=world.community_a, year=2025, user=chair_a)
        response = as_user(staff_a).post(self.url, income_data(world.community_a))
        assert response.status_code == 200
        assert "2025 年的账目已结账" in response.content.decode()
        assert not Income.objects.exists()

    def test_task_funding_keeps_the_task_in_step(self, as_user, world, staff_a):
        task = make_task(world.community_a, money_promised=D("3000"))
        data = income_data(world.community_a, kind="task_funding", task=task.pk, amount="1200")
        assert as_user(staff_a).post(self.url, data).status_code == 302
        task.refresh_from_db()
        assert task.money_received == D("1200.00")

    def test_a_task_of_another_community_is_not_offered(self, as_user, world, staff_a):
        other = make_task(world.community_b)
        data = income_data(world.community_a, kind="task_funding", task=other.pk)
        response = as_user(staff_a).post(self.url, data)
        assert response.status_code == 200
        assert not Income.objects.exists()
        other.refresh_from_db()
        assert other.money_received == D("0.00")


class TestExpenseForm:
    url = reverse("funds:expense_add")

    def test_staff_record_an_expense_that_overdraws_with_a_warning(self, as_user, world, staff_a):
        response = as_user(staff_a).post(self.url, expense_data(world.community_a), follow=True)
        saved = Expense.objects.get()
        assert saved.amount == D("420.50") and saved.overdraws
        assert "可用经费降到零以下" in response.content.decode()

    def test_an_expense_within_the_money_is_not_flagged(self, as_user, world, staff_a):
        IncomeFactory(community=world.community_a)
        as_user(staff_a).post(self.url, expense_data(world.community_a))
        assert Expense.objects.get().overdraws is False

    def test_an_edit_to_a_closed_year_is_refused(self, as_user, world, staff_a, chair_a):
        expense = ExpenseFactory(community=world.community_a, amount=D("500"))
        services.close_year(community=world.community_a, year=2025, user=chair_a)
        data = expense_data(world.community_a, amount="1")
        data.pop("community")
        response = as_user(staff_a).post(reverse("funds:expense_edit", args=[expense.pk]), data)
        assert response.status_code == 200
        assert "2025 年的账目已结账" in response.content.decode()
        expense.refresh_from_db()
        assert expense.amount == D("500.00")

    def test_a_closed_years_expense_is_not_deleted(self, as_user, world, staff_a, chair_a):
        expense = ExpenseFactory(community=world.community_a)
        services.close_year(community=world.community_a, year=2025, user=chair_a)
        response = as_user(staff_a).post(
            reverse("funds:expense_delete", args=[expense.pk]), follow=True
        )
        assert "2025 年的账目已结账" in response.content.decode()
        assert Expense.objects.filter(pk=expense.pk).exists()


class TestLists:
    @pytest.mark.parametrize(
        ("name", "factory"),
        [
            ("funds:income_list", IncomeFactory),
            ("funds:expense_list", ExpenseFactory),
            ("funds:budget_list", None),
        ],
    )
    def test_lists_run_a_fixed_number_of_queries(
        self, as_user, world, district_officer, django_assert_max_num_queries, name, factory
    ):
        counter = itertools.count()

        def add(n):
            for i in itertools.islice(counter, n):
                community = world.community_a if i % 2 else world.community_b
                if factory is None:
                    codes = list(Category.objects.filter(district=world.district))
                    BudgetLineFactory(
                        community=community, year=2000 + i, category=codes[i % len(codes)]
                    )
                else:
                    factory(community=community)

        client = as_user(district_officer)
        add(3)
        with django_assert_max_num_queries(12) as few:
            client.get(reverse(name))
        add(40)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(reverse(name))
        assert response.status_code == 200

    def test_lists_show_only_what_the_user_may_see(self, as_user, world, staff_a):
        IncomeFactory(community=world.community_a, payer="甲的付款人")
        IncomeFactory(community=world.community_b, payer="乙的付款人")
        page = as_user(staff_a).get(reverse("funds:income_list")).content.decode()
        assert "甲的付款人" in page and "乙的付款人" not in page

    def test_pooling_is_shown_and_exported_as_a_deduction(self, as_user, world, staff_a):
        IncomeFactory(community=world.community_a, kind="pooling", amount=D("9000"))
        page = as_user(staff_a).get(reverse("funds:income_list")).content.decode()
        assert "−¥9,000.00" in page
        response = as_user(staff_a).get(reverse("funds:income_list"), {"export": "xlsx"})
        rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
        assert rows[1][4] == -9000

    def test_the_export_reopens_with_the_same_filtered_rows(self, as_user, world, official_a):
        for i, community in enumerate([world.community_a, world.community_a2, world.community_b]):
            ExpenseFactory(community=community, amount=D("100.10") * (i + 1), payee=f"收款{i}")
        ExpenseFactory(community=world.community_a, date=date(2024, 5, 1), payee="旧的")
        client = as_user(official_a)
        page = client.get(reverse("funds:expense_list"), {"year": 2025}).content.decode()
        response = client.get(reverse("funds:expense_list"), {"year": 2025, "export": "xlsx"})
        rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
        assert rows[0][:5] == ("日期", "社区", "类别", "收款方", "金额（元）")
        payees = sorted(r[3] for r in rows[1:])
        assert payees == ["收款0", "收款1"]
        assert all(p in page for p in payees) and "旧的" not in page
        assert sorted(D(str(r[4])) for r in rows[1:]) == [D("100.10"), D("200.20")]

    def test_the_budget_shows_what_was_spent_against_each_line(self, as_user, world, staff_a):
        c = world.community_a
        BudgetLineFactory(community=c, planned=D("6000"))
        ExpenseFactory(community=c, amount=D("6500"))
        ExpenseFactory(community=c, amount=D("100"), date=date(2024, 1, 1))
        page = as_user(staff_a).get(reverse("funds:budget_list")).content.decode()
        assert "¥6,000.00" in page and "¥6,500.00" in page and "-¥500.00" in page


@covers("funds:budget_edit", "funds:budget_delete")
class TestBudget:
    def test_anonymous_out_of_scope_and_readers(self, client, as_user, world, staff_b, official_a):
        line = BudgetLineFactory(community=world.community_a)
        for name in ("funds:budget_edit", "funds:budget_delete"):
            url = reverse(name, args=[line.pk])
            assert is_login_redirect(client.get(url))
            assert as_user(staff_b).get(url).status_code == 404
            assert as_user(official_a).post(url, {"planned": "1"}).status_code == 403
        line.refresh_from_db()
        assert line.planned == D("6000.00")

    def test_staff_plan_and_replan(self, as_user, world, staff_a):
        client = as_user(staff_a)
        data = {
            "community": world.community_a.pk,
            "year": 2026,
            "category": category(world.community_a, "phone").pk,
            "planned": "1200",
        }
        assert client.post(reverse("funds:budget_add"), data).status_code == 302
        line = BudgetLine.objects.get()
        response = client.post(
            reverse("funds:budget_edit", args=[line.pk]),
            {"category": data["category"], "planned": "1500.5"},
        )
        assert response.status_code == 302
        line.refresh_from_db()
        assert line.planned == D("1500.50")
        # The line's edit page leads to its delete page (no other page does).
        edit_page = client.get(reverse("funds:budget_edit", args=[line.pk])).content.decode()
        assert reverse("funds:budget_delete", args=[line.pk]) in edit_page
        response = client.post(reverse("funds:budget_add"), data)
        assert "该类别在这一年的预算中已有一行" in response.content.decode()
        assert BudgetLine.objects.count() == 1


@covers("funds:category_edit")
class TestCategories:
    def test_the_district_officer_edits_categories(self, as_user, world, district_officer):
        phone = category(world.community_a, "phone")
        url = reverse("funds:category_edit", args=[phone.pk])
        response = as_user(district_officer).post(
            url, {"name": "通讯费", "essential": "", "order": "2"}
        )
        assert response.status_code == 302
        phone.refresh_from_db()
        assert (phone.name, phone.essential) == ("通讯费", False)

    def test_the_district_officer_adds_a_category(self, as_user, world, district_officer):
        data = {"district": world.district.pk, "name": "消防器材", "code": "fire", "order": 11}
        data["essential"] = "on"
        response = as_user(district_officer).post(reverse("funds:category_add"), data)
        assert response.status_code == 302
        added = Category.objects.get(district=world.district, code="fire")
        assert (added.name, added.essential) == ("消防器材", True)

    def test_others_may_read_but_not_edit(
        self, client, as_user, world, chair_a, official_a, district_officer
    ):
        phone = category(world.community_a, "phone")
        url = reverse("funds:category_edit", args=[phone.pk])
        assert is_login_redirect(client.get(url))
        for user in (chair_a, official_a):
            assert as_user(user).get(url).status_code == 403
            assert as_user(user).post(url, {"name": "x", "order": 1}).status_code == 403
            page = as_user(user).get(reverse("funds:category_list")).content.decode()
            assert "电话" in page
            assert url not in page  # no link to the page that would refuse them
        officers_page = as_user(district_officer).get(reverse("funds:category_list"))
        assert url in officers_page.content.decode()
        assert as_user(chair_a).get(reverse("funds:category_add")).status_code == 403
        phone.refresh_from_db()
        assert phone.name == "电话"

    def test_another_districts_categories_are_404(self, as_user, world, district_officer):
        from tests.factories import DistrictFactory

        elsewhere = Category.objects.filter(district=DistrictFactory()).first()
        url = reverse("funds:category_edit", args=[elsewhere.pk])
        assert as_user(district_officer).get(url).status_code == 404


@covers("funds:community_year", "funds:year_action", "funds:street_office_year", "funds:comparison")
class TestYearPages:
    def url(self, community, year=2025):
        return reverse("funds:community_year", args=[community.pk, year])

    def action(self, community, action, year=2025):
        return reverse("funds:year_action", args=[community.pk, year, action])

    def test_anonymous_and_out_of_scope(self, client, as_user, world, staff_b, official_b):
        assert is_login_redirect(client.get(self.url(world.community_a)))
        assert is_login_redirect(client.post(self.action(world.community_a, "reopen")))
        so_url = reverse("funds:street_office_year", args=[world.street_a.pk, 2025])
        assert is_login_redirect(client.get(so_url))
        assert is_login_redirect(client.get(reverse("funds:comparison", args=[2025])))
        for user in (staff_b, official_b):
            assert as_user(user).get(self.url(world.community_a)).status_code == 404
            assert as_user(user).post(self.action(world.community_a, "reopen")).status_code == 404
        assert as_user(official_b).get(so_url).status_code == 404

    def test_the_chair_closes_and_the_district_reopens(
        self, as_user, world, staff_a, chair_a, official_a, district_officer
    ):
        c = world.community_a
        close = reverse("funds:year_close", args=[c.pk, 2025])
        assert as_user(staff_a).post(close).status_code == 403
        assert as_user(official_a).post(close).status_code == 403
        assert not services.is_closed(community=c, year=2025)
        response = as_user(chair_a).post(close, follow=True)
        assert "2025 年的账目已结账" in response.content.decode()
        assert services.is_closed(community=c, year=2025)
        assert as_user(chair_a).post(self.action(c, "reopen")).status_code == 403
        assert services.is_closed(community=c, year=2025)
        as_user(district_officer).post(self.action(c, "reopen"), {"reason": "更正凭证"})
        assert not services.is_closed(community=c, year=2025)
        assert as_user(chair_a).post(self.action(c, "bogus")).status_code == 404

    def test_the_page_shows_the_gap_and_scenarios(self, as_user, world, staff_a):
        c = world.community_a
        IncomeFactory(community=c, amount=D("15000"))
        IncomeFactory(community=c, kind="pooling", amount=D("9000"))
        ExpenseFactory(community=c, amount=D("15000"))
        page = as_user(staff_a).get(self.url(c), {"allocation": "20000"}).content.decode()
        assert 'data-figure="gap">¥9,000.00' in page
        assert "<svg" in page and "−¥9,000" in page
        assert "−¥9,000.00" in page and "−¥15,000.00" in page  # the chart's figures as a table
        assert "¥20,000.00" in page  # the scenario asked for
        assert "¥7,000.00" in page  # gap left with ¥20,000 pooled at 60 %

    def test_single_community_users_land_on_their_year(self, as_user, world, staff_a):
        from django.utils import timezone

        response = as_user(staff_a).get(reverse("funds:index"))
        assert response["Location"] == self.url(world.community_a, timezone.localdate().year)

    def test_the_street_office_compares_its_communities(self, as_user, world, official_a):
        IncomeFactory(community=world.community_a, amount=D("15000"))
        IncomeFactory(community=world.community_b, amount=D("99999"))
        ExpenseFactory(community=world.community_a2, amount=D("700"))
        page = as_user(official_a).get(reverse("funds:comparison", args=[2025])).content.decode()
        assert "甲社区" in page and "甲二社区" in page and "乙社区" not in page
        assert "99999" not in page
        # 甲二's gap is not hidden by 甲's surplus.
        assert 'data-figure="shortfall">¥700.00' in page
        so = reverse("funds:street_office_year", args=[world.street_a.pk, 2025])
        page = as_user(official_a).get(so).content.decode()
        assert "甲二社区" in page and "¥15,000.00" in page


@covers("funds:notice")
class TestPublicNotice:
    @pytest.fixture
    def books(self, world):
        c = world.community_a
        IncomeFactory(community=c, amount=D("15000"), payer="秘密付款人", note="收入备注")
        IncomeFactory(community=c, kind="pooling", amount=D("9000"), note="统筹备注")
        ExpenseFactory(community=c, amount=D("4200"), payee="秘密收款方", note="支出备注内容")
        return c

    def test_an_unpublished_notice_is_404(self, client, books, chair_a):
        url = reverse("funds:notice", args=[books.pk, 2025])
        assert client.get(url).status_code == 404
        FinancialYear.objects.create(community=books, year=2025)
        assert client.get(url).status_code == 404

    def test_a_published_notice_shows_totals_only_without_login(self, client, books, chair_a):
        services.publish_notice(community=books, year=2025, user=chair_a)
        response = client.get(reverse("funds:notice", args=[books.pk, 2025]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "¥15,000.00" in page and "−¥9,000.00" in page and "¥4,200.00" in page
        assert "水电暖气" in page
        for secret in ("秘密付款人", "秘密收款方", "收入备注", "统筹备注", "支出备注内容"):
            assert secret not in page
        assert "2025-" not in page  # no voucher numbers

    def test_the_chair_publishes_from_the_year_page(self, as_user, books, chair_a, staff_a):
        url = reverse("funds:year_action", args=[books.pk, 2025, "publish"])
        assert as_user(staff_a).post(url).status_code == 403
        as_user(chair_a).post(url)
        assert FinancialYear.objects.get(community=books, year=2025).published


def test_the_admin_shows_the_books_read_only(client, world):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    IncomeFactory(community=world.community_a, payer="区民政局拨款处")
    client.force_login(admin)
    page = client.get(reverse("admin:funds_income_changelist")).content.decode()
    assert "区民政局拨款处" in page
    income = Income.objects.get()
    url = reverse("admin:funds_income_change", args=[income.pk])
    client.post(url, {"amount": "1"})
    income.refresh_from_db()
    assert income.amount == D("15000.00")


def test_the_overview_runs_a_fixed_number_of_queries(
    as_user, world, district_officer, django_assert_max_num_queries
):
    from tests.factories import CommunityFactory

    client = as_user(district_officer)
    url = reverse("funds:comparison", args=[2025])
    IncomeFactory(community=world.community_a)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for community in CommunityFactory.create_batch(15, street_office=world.street_b):
        IncomeFactory(community=community)
        ExpenseFactory(community=community)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('href="/funds/communities/') == 18
