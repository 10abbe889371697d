"""Imports of real-looking, messy ledgers: all rows or none, every problem by row and column."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from committee.imports import ImportFailed
from funds import services as funds_services
from funds.importers import ExpenseImporter, IncomeImporter
from funds.models import Expense, Income
from staff.importers import PayRecordImporter
from staff.models import PayRecord
from tasks.importers import TaskImporter, TimeEntryImporter
from tasks.models import Outcome, Task, TimeEntry
from tests.factories import DepartmentFactory, StaffMemberFactory
from tests.funds.factories import IncomeFactory
from tests.reports.conftest import xlsx
from tests.staff.factories import make_pay
from tests.tasks.factories import CatalogueItemFactory, TaskFactory

TASK_HEADER = (
    "任务名称",
    "下派部门 ",
    "收到日期",
    "类别",
    "性质(可选)",
    "清单事项(可选)",
    "承诺经费",
)


@pytest.fixture
def ledger(world):
    """What 甲社区's ledgers refer to: departments, catalogue items, staff, a task."""
    district = world.district
    return {
        "stats": DepartmentFactory(district=district, name="区统计局", short_name="统计局"),
        "civil": DepartmentFactory(district=district, name="区民政局"),
        "duty": CatalogueItemFactory(district=district, list="duty", item="调解民间纠纷"),
        "negative": CatalogueItemFactory(
            district=district, list="negative", item="摊派商业保险、报刊订阅", basis="八个不得"
        ),
        "wang": StaffMemberFactory(community=world.community_a, name="王芳"),
        "li": StaffMemberFactory(community=world.community_a, name="李明"),
    }


def task_importer(world, user):
    return TaskImporter(user=user, community=world.community_a)


class TestTaskImport:
    def test_a_good_messy_file_imports_completely(self, world, staff_a, ledger):
        data = xlsx(
            TASK_HEADER,
            [
                (
                    "流动人口统计（9月） ",
                    "区统计局",
                    "2026年4月5日",
                    "临时统计调查",
                    "政务性",
                    None,
                    "¥1,500",
                ),
                (None, None, None, None, None, None, None),
                (
                    "调解邻里纠纷",
                    " 区民政局",
                    "2026/4/6",
                    "调解",
                    "事务性",
                    "调解民间纠纷",
                    "1500元",
                ),
                ("保险摊派", "统计局", 46119, "其他", None, "摊派商业保险、报刊订阅", None),
                ("防汛值班", "区民政局", "２０２６-０４-０８", "other", None, None, "1,500.00"),
            ],
        )
        importer = task_importer(world, staff_a)
        result = importer.parse(data, "台账.xlsx")
        assert result.ok, result.errors
        assert [r.row for r in result.rows] == [2, 4, 5, 6]
        assert importer.save(result) == 4
        tasks = {t.title: t for t in Task.objects.filter(community=world.community_a)}
        first = tasks["流动人口统计（9月）"]  # full-width brackets kept, spaces trimmed
        assert (first.received_on, first.money_promised) == (date(2026, 4, 5), Decimal("1500"))
        assert first.outcome == Outcome.PENDING and first.decision_due is not None
        assert tasks["调解邻里纠纷"].outcome == Outcome.DUTY
        assert tasks["保险摊派"].outcome == Outcome.REFUSED  # the admission rule, via log_task
        assert tasks["保险摊派"].received_on == date(2026, 4, 7)  # Excel serial 46119
        assert tasks["防汛值班"].received_on == date(2026, 4, 8)
        assert all(t.created_by == staff_a for t in tasks.values())

    def test_one_bad_row_imports_nothing_and_names_its_row_and_column(self, world, staff_a, ledger):
        data = xlsx(
            TASK_HEADER,
            [
                ("报表一", "区统计局", "2026-04-05", "填表报数", None, None, None),
                ("报表二", "区统计局", "明天", "填表报数", None, None, "一千五"),
            ],
        )
        importer = task_importer(world, staff_a)
        result = importer.parse(data, "x.xlsx")
        assert {(e.row, e.column) for e in result.errors} == {(3, "收到日期"), (3, "承诺经费")}
        with pytest.raises(ImportFailed):
            importer.save(result)
        assert not Task.objects.exists()

    def test_it_suggests_the_closest_department(self, world, staff_a, ledger):
        data = xlsx(TASK_HEADER, [("报表", "区统计", "2026-04-05", "填表报数", None, None, None)])
        result = task_importer(world, staff_a).parse(data, "x.xlsx")
        [error] = result.errors
        assert (error.row, error.column) == (2, "下派部门")
        assert "区统计局" in error.message

    def test_it_refuses_a_task_already_saved_or_twice_in_the_file(self, world, staff_a, ledger):
        TaskFactory(
            community=world.community_a,
            title="报表",
            department=ledger["stats"],
            received_on=date(2026, 4, 5),
        )
        data = xlsx(
            TASK_HEADER,
            [
                ("报表", "区统计局", "2026-04-05", "填表报数", None, None, None),
                ("新报表", "区统计局", "2026-04-06", "填表报数", None, None, None),
                ("新报表", "区统计局", "2026/4/6", "填表报数", None, None, None),
            ],
        )
        result = task_importer(world, staff_a).parse(data, "x.xlsx")
        assert [(e.row, e.column) for e in result.errors] == [(2, "任务名称"), (4, "任务名称")]
        assert "第 3 行" in result.errors[1].message or "row 3" in result.errors[1].message

    def test_a_row_the_service_refuses_rolls_back_every_row(self, world, staff_a, ledger):
        ledger["duty"].valid_from = date(2027, 1, 1)  # not in force when the task came
        ledger["duty"].save()
        data = xlsx(
            TASK_HEADER,
            [
                ("报表", "区统计局", "2026-04-05", "填表报数", None, None, None),
                ("调解", "区民政局", "2026-04-06", "调解", None, "调解民间纠纷", None),
            ],
        )
        importer = task_importer(world, staff_a)
        result = importer.parse(data, "x.xlsx")
        assert result.ok
        with pytest.raises(ImportFailed) as failed:
            importer.save(result)
        assert [e.row for e in failed.value.errors] == [3]
        assert not Task.objects.exists()


HOURS_HEADER = ("日期", "工作人员", "工时", "任务", "居民工作", "备注")


class TestTimeEntryImport:
    def test_it_logs_hours_through_the_service(self, world, staff_a, ledger):
        task = TaskFactory(
            community=world.community_a, title="人口统计（9月）", received_on=date(2026, 3, 2)
        )
        data = xlsx(
            HOURS_HEADER,
            [
                ("2026年3月3日", "王芳 ", "1.5", "人口统计（9月）", None, "入户"),
                (46085, "李明", 2, None, "文化", None),
            ],
        )
        importer = TimeEntryImporter(user=staff_a, community=world.community_a)
        result = importer.parse(data, "工时.xlsx")
        assert result.ok, result.errors
        assert importer.save(result) == 2
        entry = TimeEntry.objects.get(task=task)
        assert (entry.staff_member, entry.hours) == (ledger["wang"], Decimal("1.50"))
        task.refresh_from_db()
        assert task.worked_while_pending  # the service's rule, not the importer's
        assert TimeEntry.objects.get(resident_work="culture").date == date(2026, 3, 4)

    def test_it_names_unknown_staff_and_bad_hours(self, world, staff_a, ledger):
        data = xlsx(HOURS_HEADER, [("2026-03-03", "王方", "1.3", None, "文化", None)])
        result = TimeEntryImporter(user=staff_a, community=world.community_a).parse(data, "x.xlsx")
        found = {e.column: e.message for e in result.errors}
        assert "王芳" in found["工作人员"]
        assert set(found) == {"工作人员", "工时"}

    def test_it_refuses_hours_already_saved(self, world, staff_a, ledger):
        TimeEntry.objects.create(
            staff_member=ledger["li"], date=date(2026, 3, 4), hours=2, resident_work="culture"
        )
        data = xlsx(HOURS_HEADER, [("2026-03-04", "李明", "1", None, "文化", None)])
        result = TimeEntryImporter(user=staff_a, community=world.community_a).parse(data, "x.xlsx")
        assert [(e.row, e.column) for e in result.errors] == [(2, "日期")]

    def test_more_than_24_hours_a_day_saves_nothing(self, world, staff_a, ledger):
        data = xlsx(
            HOURS_HEADER,
            [
                ("2026-03-04", "李明", "20", None, "文化", None),
                ("2026-03-04", "李明", "6", None, "健康", None),
            ],
        )
        importer = TimeEntryImporter(user=staff_a, community=world.community_a)
        with pytest.raises(ImportFailed) as failed:
            importer.save(importer.parse(data, "x.xlsx"))
        assert [e.row for e in failed.value.errors] == [3]
        assert not TimeEntry.objects.exists()


INCOME_HEADER = ("日期", "类型", "金额", "付款方", "凭证号", "任务", "备注")
EXPENSE_HEADER = ("日期", "支出类别", "金额", "收款方", "凭证号", "任务", "备注")


class TestMoneyImport:
    def test_income_imports_with_pooling_and_task_money(self, world, staff_a):
        task = TaskFactory(community=world.community_a, title="人口普查")
        data = xlsx(
            INCOME_HEADER,
            [
                ("2026年1月15日", "区级拨款", "¥15,000", "区民政局", "收-001", None, None),
                ("2026/1/20", "统筹", "9,000.00", "街道", "收-002", None, None),
                ("2026-02-01", "随任务拨付的经费", "800元", None, None, "人口普查", None),
            ],
        )
        importer = IncomeImporter(user=staff_a, community=world.community_a)
        result = importer.parse(data, "收入.xlsx")
        assert result.ok, result.errors
        assert importer.save(result) == 3
        kinds = dict(Income.objects.values_list("kind", "amount"))
        assert kinds == {
            "allocation": Decimal("15000"),
            "pooling": Decimal("9000"),
            "task_funding": Decimal("800"),
        }
        task.refresh_from_db()
        assert task.money_received == Decimal("800")  # kept in step by record_income

    def test_it_refuses_a_used_voucher_a_closed_year_and_a_saved_record(
        self, world, staff_a, chair_a
    ):
        IncomeFactory(community=world.community_a, date=date(2026, 1, 15), voucher="收-001")
        IncomeFactory(
            community=world.community_a,
            date=date(2026, 2, 1),
            amount=Decimal("500"),
            payer="共建单位",
            kind="contribution",
        )
        funds_services.close_year(community=world.community_a, year=2025, user=chair_a)
        data = xlsx(
            INCOME_HEADER,
            [
                ("2026-03-01", "拨款", "100", None, "收-001", None, None),
                ("2025-12-01", "拨款", "100", None, None, None, None),
                ("2026-02-01", "共建单位支持", "500", "共建单位", None, None, None),
            ],
        )
        result = IncomeImporter(user=staff_a, community=world.community_a).parse(data, "x.xlsx")
        assert [(e.row, e.column) for e in result.errors] == [
            (2, "凭证号"),
            (3, "日期"),
            (4, "金额"),
        ]

    def test_expenses_import_and_an_unknown_category_is_named(self, world, staff_a):
        good = xlsx(
            EXPENSE_HEADER,
            [
                ("2026-03-20", "水电暖气", "1,500", "供电公司", "支-001", None, None),
                ("2026年3月21日", "网络", "＝1+1", "=HYPERLINK()", None, None, None),
            ],
        )
        importer = ExpenseImporter(user=staff_a, community=world.community_a)
        result = importer.parse(good, "支出.xlsx")
        assert [(e.row, e.column) for e in result.errors] == [(3, "金额")]
        bad = xlsx(EXPENSE_HEADER, [("2026-03-20", "水电费", "1500", None, None, None, None)])
        [error] = importer.parse(bad, "x.xlsx").errors
        assert error.column == "支出类别" and "水电暖气" in error.message
        fixed = xlsx(EXPENSE_HEADER, [("2026-03-20", "水电暖气", "1500元", None, None, None, None)])
        assert importer.save(importer.parse(fixed, "x.xlsx")) == 1
        assert Expense.objects.get().amount == Decimal("1500")


PAY_HEADER = ("月份", "姓名", "类型", "基本工资", "岗位津贴", "绩效工资", "实发工资")


class TestPayImport:
    def test_a_pay_sheet_is_calculated_and_saved(self, world, chair_a, ledger):
        data = xlsx(
            PAY_HEADER,
            [
                ("2026年3月", "王芳", None, "2,400", "300", None, None),
                ("2026-03", "李明", "月工资", 2000, None, "¥200", "2200"),
            ],
        )
        importer = PayRecordImporter(user=chair_a, community=world.community_a)
        result = importer.parse(data, "工资表.xlsx")
        assert result.ok, result.errors
        assert result.rows[0].display["month"] == "2026-03"
        assert importer.save(result) == 2
        wang = PayRecord.objects.get(staff_member=ledger["wang"])
        assert (wang.month, wang.gross, wang.net) == (
            date(2026, 3, 1),
            Decimal("2700"),
            Decimal("2700"),  # no insurance rates for the year: nothing deducted
        )
        assert wang.recorded_by == chair_a

    def test_a_wrong_check_figure_saves_nothing(self, world, chair_a, ledger):
        data = xlsx(
            PAY_HEADER,
            [
                ("2026-03", "王芳", None, "2400", None, None, None),
                ("2026-03", "李明", None, "2000", None, None, "1999"),
            ],
        )
        importer = PayRecordImporter(user=chair_a, community=world.community_a)
        with pytest.raises(ImportFailed) as failed:
            importer.save(importer.parse(data, "x.xlsx"))
        [error] = failed.value.errors
        assert error.row == 3 and "实发工资" in error.message
        assert not PayRecord.objects.exists()


def test_a_pay_sheet_with_problems_names_each(world, chair_a, ledger):
    make_pay(ledger["wang"], date(2026, 3, 1), "2400")
    data = xlsx(
        PAY_HEADER,
        [
            ("2026-03-15", "王芳", None, "2400", None, None, None),
            ("2026-03", "李铭", None, "2000", None, None, None),
            ("2026-13", "李明", None, "2000", None, None, None),
        ],
    )
    result = PayRecordImporter(user=chair_a, community=world.community_a).parse(data, "p.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(2, "月份"), (3, "姓名"), (4, "月份")]
    assert "李明" in result.errors[1].message


# --- the pages ------------------------------------------------------------------------------

PAGES = [
    "tasks:task_import",
    "tasks:time_entry_import",
    "funds:income_import",
    "funds:expense_import",
    "staff:payrecord_import",
]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_must_log_in(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_officials_may_not_import(as_user, official_a, district_officer, name):
    assert as_user(official_a).get(reverse(name)).status_code == 403
    if name != "staff:payrecord_import":  # pay is entered by the chair or the district
        assert as_user(district_officer).post(reverse(name)).status_code == 403


def test_staff_may_not_import_pay(as_user, staff_a, world):
    assert as_user(staff_a).get(reverse("staff:payrecord_import")).status_code == 403


def test_the_template_has_chinese_headers_and_an_example_row(as_user, staff_a):
    response = as_user(staff_a).get(reverse("tasks:task_import") + "?template=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, example = list(sheet.iter_rows(values_only=True))[:2]
    assert header[:4] == ("任务名称", "下派部门", "收到日期", "类别")
    assert example[0] == "2026年第二季度流动人口统计"


def named(data: bytes, filename: str):
    handle = io.BytesIO(data)
    handle.name = filename
    return handle


class TestImportPages:
    def test_upload_preview_confirm_saves_every_row(self, as_user, world, staff_a, ledger):
        client = as_user(staff_a)
        data = xlsx(
            TASK_HEADER,
            [
                ("报表一", "区统计局", "2026-04-05", "填表报数", None, None, None),
                ("报表二", "区民政局", "2026-04-06", "建台账", None, None, None),
            ],
        )
        preview = client.post(
            reverse("tasks:task_import"),
            {"file": named(data, "台账.xlsx"), "community": world.community_a.pk},
        )
        page = preview.content.decode()
        assert "报表一" in page and "建台账" in page
        assert not Task.objects.exists()  # the preview saves nothing
        token = preview.context["token"]
        done = client.post(reverse("tasks:task_import"), {"confirm": token})
        assert done["Location"] == reverse("tasks:task_list")
        assert set(Task.objects.values_list("title", flat=True)) == {"报表一", "报表二"}
        assert Task.objects.filter(community=world.community_a).count() == 2

    def test_the_preview_names_each_problem_and_offers_no_confirm(
        self, as_user, world, staff_a, ledger
    ):
        data = xlsx(TASK_HEADER, [("报表", "区统计", "2026-04-05", "填表报数", None, None, None)])
        response = as_user(staff_a).post(
            reverse("tasks:task_import"),
            {"file": named(data, "台账.xlsx"), "community": world.community_a.pk},
        )
        page = response.content.decode()
        assert "第 2 行" in page and "下派部门" in page and "区统计局" in page
        assert 'name="confirm"' not in page

    @pytest.mark.parametrize(
        "data, filename, message",
        [
            (b"title,department\n", "台账.csv", ".xlsx"),
            (b"x" * (5 * 1024 * 1024 + 1), "big.xlsx", "5 MB"),
            (xlsx(("任务名称", "收到日期"), [("报表", "2026-04-05")]), "台账.xlsx", "下派部门"),
        ],
        ids=["not-xlsx", "over-5-mb", "missing-column"],
    )
    def test_it_refuses_a_file_whole_with_a_message(
        self, as_user, world, staff_a, data, filename, message
    ):
        response = as_user(staff_a).post(
            reverse("tasks:task_import"),
            {"file": named(data, filename), "community": world.community_a.pk},
        )
        assert message in response.context["form"].errors["file"][0]
        assert not Task.objects.exists()

    def test_it_refuses_more_rows_than_the_limit(
        self, as_user, world, staff_a, ledger, monkeypatch
    ):
        monkeypatch.setattr("committee.imports.MAX_ROWS", 2)
        rows = [
            (f"报表{i}", "区统计局", "2026-04-05", "填表报数", None, None, None) for i in range(3)
        ]
        response = as_user(staff_a).post(
            reverse("tasks:task_import"),
            {"file": named(xlsx(TASK_HEADER, rows), "a.xlsx"), "community": world.community_a.pk},
        )
        assert "2" in response.context["form"].errors["file"][0]
        assert not Task.objects.exists()

    def test_staff_cannot_import_into_another_community(self, as_user, world, staff_a, ledger):
        data = xlsx(TASK_HEADER, [("报表", "区统计局", "2026-04-05", "填表报数", None, None, None)])
        response = as_user(staff_a).post(
            reverse("tasks:task_import"),
            {"file": named(data, "a.xlsx"), "community": world.community_b.pk},
        )
        assert "community" in response.context["form"].errors
        assert not Task.objects.exists()
