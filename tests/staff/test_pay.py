"""Pay records, the payroll grid and the district's pay settings: scope, checks, queries."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from committee.periods import add_months, month_end
from staff.models import PayRecord, WageBenchmark
from tests.conftest import TEST_TODAY
from tests.factories import StaffMemberFactory
from tests.scoping import ScopingTests, covers
from tests.staff.conftest import LAST_MONTH, MONTH_BEFORE_LAST, THIS_MONTH, YEARS, typed
from tests.staff.factories import WageBenchmarkFactory, make_pay

# The fixtures pay the month before last; an earlier month for what a filter leaves out.
PAID = MONTH_BEFORE_LAST
EARLIER = add_months(THIS_MONTH, -3)
# ?start=…&end=… for the month the fixtures pay
PAID_PERIOD = {"start": typed(PAID), "end": typed(PAID)}


def pay_form(person, **changes):
    data = {
        "staff_member": person.pk,
        "month": typed(LAST_MONTH),
        "kind": "monthly",
        "basic_pay": "1500.00",
        "post_allowance": "300.00",
        "seniority_pay": "100.00",
        "performance_pay": "100.00",
        "other_allowances": "0",
        "paid_on": TEST_TODAY.isoformat(),
        "override_reason": "",
    }
    data.update(changes)
    return data


class TestPayRecordList:
    def test_anonymous_is_sent_to_log_in(self, client, world):
        assert client.get(reverse("staff:payrecord_list")).status_code == 302

    def test_it_shows_only_the_communities_in_scope(self, as_user, staff_a, pay_a, pay_b):
        page = as_user(staff_a).get(reverse("staff:payrecord_list")).content.decode()
        assert "张敏" in page and "乙职工" not in page

    def test_the_export_has_money_as_numbers_with_a_yuan_format(
        self, as_user, staff_a, pay_a, pay_b
    ):
        response = as_user(staff_a).get(reverse("staff:payrecord_list"), {"export": "xlsx"})
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        header = [c.value for c in sheet[1]]
        assert "实发工资" in header and "应发工资" in header
        net = sheet.cell(row=2, column=header.index("实发工资") + 1)
        assert net.value == 1100 and "¥" in net.number_format
        assert sheet.max_row == 2  # only A's record

    def test_it_filters_by_month_and_kind_of_staff(self, as_user, district_officer, pay_a, pay_b):
        make_pay(pay_a.staff_member, EARLIER, "2000")
        client = as_user(district_officer)
        page = client.get(reverse("staff:payrecord_list"), PAID_PERIOD).content.decode()
        assert "共 2 条记录" in page
        page = client.get(reverse("staff:payrecord_list"), {"staff_kind": "assistant"})
        assert "共 0 条记录" in page.content.decode()

    def test_it_runs_a_fixed_number_of_queries(
        self, as_user, world, district_officer, pay_a, django_assert_max_num_queries
    ):
        client = as_user(district_officer)
        client.get(reverse("staff:payrecord_list"))
        for person in StaffMemberFactory.create_batch(30, community=world.community_b):
            make_pay(person, PAID, "3000")
        with django_assert_max_num_queries(11):
            response = client.get(reverse("staff:payrecord_list"))
        assert "共 31 条记录" in response.content.decode()


class TestAddPayRecord:
    def test_it_calculates_contributions_tax_and_net(self, as_user, chair_a, worker_a, rates):
        response = as_user(chair_a).post(reverse("staff:payrecord_add"), pay_form(worker_a))
        assert response.status_code == 302
        record = PayRecord.objects.get(staff_member=worker_a)
        assert record.month == LAST_MONTH
        assert record.gross == Decimal("2000.00")
        assert record.pension_individual == Decimal("320.00")  # 8 % of the ¥4,000 lowest base
        assert record.net == Decimal("1100.00")
        assert record.recorded_by == chair_a

    def test_it_refuses_a_net_that_does_not_add_up(self, as_user, chair_a, worker_a, rates):
        data = pay_form(worker_a, net="1200.00")
        response = as_user(chair_a).post(reverse("staff:payrecord_add"), data)
        assert response.status_code == 200
        assert "实发工资必须等于应发工资减个人缴费减个税" in response.content.decode()
        assert not PayRecord.objects.exists()

    def test_it_refuses_a_second_record_for_the_same_month(self, as_user, chair_a, pay_a):
        data = pay_form(pay_a.staff_member, month=typed(PAID))
        response = as_user(chair_a).post(reverse("staff:payrecord_add"), data)
        assert "此人本月已有同类工资记录" in response.content.decode()
        assert PayRecord.objects.count() == 1

    def test_a_changed_figure_needs_a_reason(self, as_user, chair_a, worker_a, rates):
        client = as_user(chair_a)
        data = pay_form(worker_a, pension_employer="0")
        response = client.post(reverse("staff:payrecord_add"), data)
        assert "请说明原因" in response.content.decode()
        assert not PayRecord.objects.exists()
        data["override_reason"] = "街道本月未缴单位养老"
        assert client.post(reverse("staff:payrecord_add"), data).status_code == 302
        record = PayRecord.objects.get()
        assert record.pension_employer == 0 and record.net == Decimal("1100.00")

    def test_it_offers_only_people_in_scope(self, as_user, chair_a, worker_a, worker_b):
        response = as_user(chair_a).post(reverse("staff:payrecord_add"), pay_form(worker_b))
        assert response.status_code == 200
        assert not PayRecord.objects.exists()

    def test_a_street_official_may_not_add(self, as_user, official_a, worker_a):
        assert as_user(official_a).get(reverse("staff:payrecord_add")).status_code == 403


class TestEditPayRecord(ScopingTests):
    url_name, record = "staff:payrecord_edit", "pay_a"
    owner, outsider, reader = "chair_a", "staff_b", "staff_a"

    def test_the_chair_changes_the_pay_and_it_is_recalculated(self, as_user, chair_a, pay_a):
        data = pay_form(pay_a.staff_member, month=typed(PAID), performance_pay="600.00")
        response = as_user(chair_a).post(reverse("staff:payrecord_edit", args=[pay_a.pk]), data)
        assert response.status_code == 302
        pay_a.refresh_from_db()
        assert pay_a.gross == Decimal("2500.00") and pay_a.net == Decimal("1600.00")


class TestCommunityPay(ScopingTests):
    url_name, record = "staff:community_pay", "world.community_a"
    owner, outsider = "official_a", "staff_b"

    def test_it_compares_full_time_workers_with_assistants_and_benchmarks(
        self, as_user, official_a, world, worker_a, assistant_a, rates, benchmark
    ):
        make_pay(worker_a, PAID, "2000", rates=rates)
        make_pay(assistant_a, PAID, "4000", rates=rates)
        url = reverse("staff:community_pay", args=[world.community_a.pk])
        page = as_user(official_a).get(url, PAID_PERIOD)
        text = page.content.decode()
        # ¥1,100 full-time vs ¥3,100 assistants: 35 %; vs ¥2,420 minimum wage: 45 %.
        assert "35\u00a0%" in text and "45\u00a0%" in text
        assert "<svg" in text and "协管员" in text


class TestPayOverview:
    def test_it_lists_the_communities_in_scope_with_their_ratios(
        self, as_user, official_a, world, pay_a, pay_b, benchmark
    ):
        page = as_user(official_a).get(reverse("staff:pay_overview"), PAID_PERIOD)
        text = page.content.decode()
        assert "甲社区" in text and "乙社区" not in text and "45\u00a0%" in text
        assert "甲街道" in text and "¥1,100.00 – ¥1,100.00" in text and "乙街道" not in text
        # the rows (written in Python): the community's page for the same months, a ratio
        # below one marked
        pay_url = reverse("staff:community_pay", args=[world.community_a.pk])
        period = f"start={typed(PAID)}&amp;end={typed(PAID)}"
        assert f'<a href="{pay_url}?{period}">甲社区</a>' in text
        assert '<td class="num below">45\u00a0%</td>' in text

    def test_it_runs_a_fixed_number_of_queries(
        self, as_user, world, district_officer, pay_a, benchmark, django_assert_max_num_queries
    ):
        from tests.factories import CommunityFactory

        client = as_user(district_officer)
        client.get(reverse("staff:pay_overview"))
        CommunityFactory.create_batch(10, street_office=world.street_b)
        # 19 after a change (the 待办 count in the header is one): the page's communities
        # with their street offices, the communities' state (figure cache key) and the
        # kept figures (none under the new key), one read of the offices' person-months
        # (the communities' medians and gaps, the offices' summaries), the total's medians
        # from the pay bands (which districts are whole; the district is, so no
        # person-month is read) and benchmarks, the figures kept (5), their districts'
        # benchmarks; was 18 before the figures were kept
        with django_assert_max_num_queries(19):
            client.get(reverse("staff:pay_overview"))
        # 10 when nothing changed: the figures read back instead of the three reads
        with django_assert_max_num_queries(10):
            client.get(reverse("staff:pay_overview"))

    def test_the_kept_figures_follow_every_pay_and_benchmark_write(
        self, as_user, district_officer, chair_a, pay_a, benchmark
    ):
        overview = as_user(district_officer)
        url = reverse("staff:pay_overview")
        assert "¥1,100.00 – ¥1,100.00" in overview.get(url, PAID_PERIOD).text
        data = pay_form(pay_a.staff_member, month=typed(PAID), performance_pay="600.00")
        as_user(chair_a).post(reverse("staff:payrecord_edit", args=[pay_a.pk]), data)
        text = overview.get(url, PAID_PERIOD).text
        assert "¥1,600.00 – ¥1,600.00" in text and "¥1,100.00" not in text
        assert '<td class="num below">66\u00a0%</td>' in text  # ¥1,600 against ¥2,420
        benchmark.minimum_wage = Decimal("1600.00")
        benchmark.save()
        text = overview.get(url, PAID_PERIOD).text
        assert '<td class="num">100\u00a0%</td>' in text

    def test_a_street_officials_total_is_its_street_offices(
        self,
        as_user,
        world,
        official_a,
        worker_a,
        assistant_a,
        rates,
        benchmark,
        django_assert_max_num_queries,
    ):
        from committee import rollups
        from committee.models import Community
        from staff import metrics

        make_pay(worker_a, PAID, "2000", rates=rates)
        make_pay(assistant_a, PAID, "4000", rates=rates)
        client = as_user(official_a)
        client.get(reverse("staff:pay_overview"), PAID_PERIOD)
        # 9 (the 待办 count in the header is one): the office's figures kept from the
        # first visit (the communities' state, the kept entry), its benchmarks once; 8
        # when its person-months were read each time, 14 before, 16 when the total was
        # read on its own
        with django_assert_max_num_queries(9):
            response = client.get(reverse("staff:pay_overview"), PAID_PERIOD)
        mine = Community.objects.filter(street_office=world.street_a)
        expected = rollups.read(metrics.pay_ratios, mine, PAID, month_end(PAID))
        assert response.context["total"] == expected
        assert expected.fulltime_median == Decimal("1100.00")
        assert expected.assistant_median is not None and expected.minimum_wage is not None

    def test_it_shows_fifty_communities_a_page_and_totals_them_all(
        self, as_user, world, district_officer, pay_a, pay_b, benchmark
    ):
        from tests.factories import CommunityFactory

        CommunityFactory.create_batch(50, street_office=world.street_b)
        client = as_user(district_officer)
        first = client.get(reverse("staff:pay_overview"), PAID_PERIOD)
        second = client.get(reverse("staff:pay_overview"), {**PAID_PERIOD, "page": 2})
        shown = [row["community"].pk for row in first.context["rows"]]
        rest = [row["community"].pk for row in second.context["rows"]]
        assert len(shown) == 50 and len(rest) == 3 and not set(shown) & set(rest)
        assert 'class="pagination"' in first.content.decode()
        # the total covers every community, on every page
        assert first.context["total"] == second.context["total"]
        assert first.context["total"].fulltime_median is not None

    def test_it_sums_up_the_street_offices_of_the_page_over_all_their_communities(
        self, as_user, world, district_officer, pay_a, pay_b, benchmark
    ):
        from tests.factories import CommunityFactory, StreetOfficeFactory

        # 甲街道's 甲社区 first, then 乙街道's 51 communities, 乙社区 among them: the first
        # page shows both offices, the second only 乙街道, and 乙街道's summary counts its
        # communities on both pages.
        CommunityFactory.create_batch(50, street_office=world.street_b)
        later = StreetOfficeFactory(district=world.district, code="ZZ-99")
        CommunityFactory(street_office=later, code="ZZ-99-01")
        client = as_user(district_officer)
        first = client.get(reverse("staff:pay_overview"), PAID_PERIOD)
        second = client.get(reverse("staff:pay_overview"), {**PAID_PERIOD, "page": 2})
        offices = [
            (office.name, fulltime.people) for office, fulltime, _ in first.context["offices"]
        ]
        assert offices == [("甲街道", 1), ("乙街道", 1)]
        assert [o.name for o, *_ in second.context["offices"]] == ["乙街道"]
        assert second.context["offices"][0][1] == first.context["offices"][1][1]
        assert "本页社区所属的街道" in second.content.decode()


def grid_post(response_or_rows, **override):
    """The grid's POST data as the page rendered it, with some fields changed."""
    context = response_or_rows.context
    formset = context["formset"]
    data = {
        "pay-TOTAL_FORMS": str(formset.total_form_count()),
        "pay-INITIAL_FORMS": str(formset.initial_form_count()),
    }
    for i, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            data[f"pay-{i}-{name}"] = "" if value is None else str(value)
    for key, value in override.items():
        data[key] = value
    return data


class TestPayroll(ScopingTests):
    url_name, record, query = "staff:payroll", "world.community_a", f"month={typed(LAST_MONTH)}"
    owner, outsider, reader = "chair_a", "staff_b", "staff_a"

    def url(self, world, month=LAST_MONTH):
        return reverse("staff:payroll", args=[world.community_a.pk]) + f"?month={typed(month)}"

    def test_it_starts_from_last_months_figures_and_saves_everyone(
        self, as_user, chair_a, world, worker_a, assistant_a, rates
    ):
        make_pay(worker_a, PAID, "2000", rates=rates)
        make_pay(assistant_a, PAID, "4000", rates=rates)
        client = as_user(chair_a)
        page = client.get(self.url(world))
        assert 'value="2000.00"' in page.content.decode()
        response = client.post(self.url(world), grid_post(page))
        assert response.status_code == 302
        saved = PayRecord.objects.filter(month=LAST_MONTH).order_by("net")
        assert [r.net for r in saved] == [Decimal("1100.00"), Decimal("3100.00")]
        assert all(r.recorded_by == chair_a for r in saved)
        assert all(r.changes.get().changed_by == chair_a for r in saved)

    def test_one_bad_row_saves_nothing(self, as_user, chair_a, world, worker_a, assistant_a, rates):
        make_pay(worker_a, PAID, "2000", rates=rates)
        make_pay(assistant_a, PAID, "4000", rates=rates)
        client = as_user(chair_a)
        page = client.get(self.url(world))
        # One row's check figure does not add up; the other row is fine.
        response = client.post(self.url(world), grid_post(page, **{"pay-0-net": "9999.00"}))
        assert response.status_code == 400
        text = response.content.decode()
        assert "未保存任何数据" in text and "实发工资必须等于" in text
        assert not PayRecord.objects.filter(month=LAST_MONTH).exists()

    def test_a_negative_amount_saves_nothing(
        self, as_user, chair_a, world, worker_a, assistant_a, rates
    ):
        make_pay(worker_a, PAID, "2000", rates=rates)
        client = as_user(chair_a)
        page = client.get(self.url(world))
        response = client.post(self.url(world), grid_post(page, **{"pay-1-basic_pay": "-5"}))
        assert response.status_code == 400
        assert not PayRecord.objects.filter(month=LAST_MONTH).exists()

    def test_saving_again_updates_the_months_records(
        self, as_user, chair_a, world, worker_a, rates
    ):
        make_pay(worker_a, PAID, "2000", rates=rates)
        client = as_user(chair_a)
        client.post(self.url(world), grid_post(client.get(self.url(world))))
        page = client.get(self.url(world))
        client.post(self.url(world), grid_post(page, **{"pay-0-performance_pay": "500.00"}))
        record = PayRecord.objects.get(staff_member=worker_a, month=LAST_MONTH)
        assert record.gross == Decimal("2500.00") and record.net == Decimal("1600.00")

    def test_it_runs_a_fixed_number_of_queries(
        self, as_user, chair_a, world, rates, django_assert_max_num_queries
    ):
        client = as_user(chair_a)
        people = StaffMemberFactory.create_batch(3, community=world.community_a)
        for person in people:
            make_pay(person, PAID, "3000", rates=rates)
        client.get(self.url(world))
        # 24 (the 待办 count in the header is one), the refresh of the community's
        # monthly rollups in the same transaction (9 counts, 5 deletes, an insert per
        # kind of row there is), the mark that a stored report of the month is stale,
        # 2 for the history, 4 for the district's pay bands (the person-months before,
        # the communities' districts, the bands locked, the one write) and 1 raising the
        # community's revision (dashboards/revisions.py: its cached dashboards are stale)
        with django_assert_max_num_queries(24 + 14 + 1 + 2 + 4 + 1) as few:
            page = client.get(self.url(world))
            client.post(self.url(world), grid_post(page))
        for person in StaffMemberFactory.create_batch(25, community=world.community_a):
            make_pay(person, PAID, "3000", rates=rates)
        with django_assert_max_num_queries(len(few.captured_queries) + 2):
            page = client.get(self.url(world, THIS_MONTH))
            response = client.post(self.url(world, THIS_MONTH), grid_post(page))
        assert response.status_code == 302
        assert PayRecord.objects.filter(month=THIS_MONTH).count() == 28


@covers("staff:benchmark_edit", "staff:insurance_edit", "staff:payscale_edit")
class TestDistrictSettings:
    @pytest.fixture
    def other_district_benchmark(self):
        return WageBenchmarkFactory()

    def test_anonymous_is_sent_to_log_in(self, client, benchmark):
        url = reverse("staff:benchmark_edit", args=[benchmark.pk])
        assert client.get(url).status_code == 302

    def test_another_districts_record_is_404(
        self, as_user, district_officer, other_district_benchmark
    ):
        url = reverse("staff:benchmark_edit", args=[other_district_benchmark.pk])
        assert as_user(district_officer).get(url).status_code == 404

    @pytest.mark.parametrize("name", ["staff_a", "chair_a", "official_a"])
    def test_only_district_officers_edit_benchmarks(self, as_user, request, name, benchmark, rates):
        user = request.getfixturevalue(name)
        for url in (
            reverse("staff:benchmark_edit", args=[benchmark.pk]),
            reverse("staff:insurance_edit", args=[rates.pk]),
            reverse("staff:benchmark_add"),
        ):
            assert as_user(user).get(url).status_code == 403
        page = as_user(user).get(reverse("staff:benchmark_list")).content.decode()
        assert "¥2420.00" in page.replace(",", "")
        # The rows they read do not lead to the edit pages they may not open.
        assert reverse("staff:benchmark_edit", args=[benchmark.pk]) not in page
        rates_list = as_user(user).get(reverse("staff:insurance_list")).content.decode()
        assert reverse("staff:insurance_edit", args=[rates.pk]) not in rates_list

    def test_a_district_officers_rows_lead_to_their_edit_pages(
        self, as_user, district_officer, benchmark, rates
    ):
        page = as_user(district_officer).get(reverse("staff:benchmark_list")).content.decode()
        assert reverse("staff:benchmark_edit", args=[benchmark.pk]) in page
        rates_list = as_user(district_officer).get(reverse("staff:insurance_list"))
        assert reverse("staff:insurance_edit", args=[rates.pk]) in rates_list.content.decode()

    def test_a_district_officer_enters_a_benchmark(self, as_user, district_officer, world):
        next_year = TEST_TODAY.year + 1
        data = {
            "district": world.district.pk,
            "year": str(next_year),
            "minimum_wage": "2540.00",
            "average_wage": "9000.00",
            "disposable_income": "55000.00",
            "source": "区统计局公报",
        }
        response = as_user(district_officer).post(reverse("staff:benchmark_add"), data)
        assert response.status_code == 302
        assert WageBenchmark.objects.get(year=next_year).minimum_wage == Decimal("2540.00")

    def test_a_second_benchmark_for_the_year_is_refused(
        self, as_user, district_officer, world, benchmark
    ):
        data = {
            "district": world.district.pk,
            "year": str(benchmark.year),
            "minimum_wage": "1.00",
            "average_wage": "1.00",
            "disposable_income": "1.00",
        }
        response = as_user(district_officer).post(reverse("staff:benchmark_add"), data)
        assert "本区该年度已有工资参照标准" in response.content.decode()
        assert WageBenchmark.objects.count() == len(YEARS)  # the fixture's, none added

    def test_a_district_officer_edits_rates(self, as_user, district_officer, rates):
        from staff.forms import InsuranceRatesForm

        data = {
            k: v for k, v in InsuranceRatesForm(instance=rates).initial.items() if v is not None
        }
        data.update(pension_individual="0.085", source="新方案")
        url = reverse("staff:insurance_edit", args=[rates.pk])
        assert as_user(district_officer).post(url, data).status_code == 302
        rates.refresh_from_db()
        assert rates.pension_individual == Decimal("0.0850")

    def test_a_pay_scale_is_created_with_18_grades_and_edited(
        self, as_user, district_officer, world
    ):
        client = as_user(district_officer)
        data = {
            "district": world.district.pk,
            "year": str(TEST_TODAY.year),
            "base_amount": "3400.00",
        }
        response = client.post(reverse("staff:payscale_add"), data)
        scale = world.district.pay_scales.get()
        assert response.status_code == 302 and scale.grades.count() == 18
        page = client.get(reverse("staff:payscale_edit", args=[scale.pk]))
        grades = page.context["grades"]
        post = {**data, "grades-TOTAL_FORMS": "18", "grades-INITIAL_FORMS": "18"}
        post["grades-MIN_NUM_FORMS"] = "0"
        post["grades-MAX_NUM_FORMS"] = "1000"
        for i, form in enumerate(grades.forms):
            post[f"grades-{i}-id"] = form.instance.pk
            post[f"grades-{i}-grade"] = form.instance.grade
            post[f"grades-{i}-coefficient"] = "1.500" if form.instance.grade == 18 else "1.000"
        response = client.post(reverse("staff:payscale_edit", args=[scale.pk]), post)
        assert response.status_code == 302
        assert scale.grades.get(grade=18).coefficient == Decimal("1.500")

    def test_staff_may_not_edit_a_pay_scale(self, as_user, staff_a, world, district_officer):
        from staff.services import create_pay_scale

        scale = create_pay_scale(
            district=world.district,
            year=TEST_TODAY.year,
            base_amount=Decimal("3400"),
            user=district_officer,
        )
        url = reverse("staff:payscale_edit", args=[scale.pk])
        assert as_user(staff_a).get(url).status_code == 403


def test_every_save_is_kept_with_who_and_when(as_user, district_officer, chair_a, pay_a, world):
    url = reverse("staff:payrecord_edit", args=[pay_a.pk])
    as_user(district_officer).post(url, pay_form(pay_a.staff_member, month=typed(PAID)))
    data = pay_form(pay_a.staff_member, month=typed(PAID), performance_pay="600.00")
    as_user(chair_a).post(url, data)
    history = list(pay_a.changes.order_by("pk"))
    assert [c.changed_by for c in history] == [district_officer, chair_a]
    assert [c.figures["net"] for c in history] == ["1100.00", "1600.00"]
    page = as_user(district_officer).get(url).content.decode()
    assert "chair_a" in page and "¥1,600.00" in page
