"""The shared import machinery, on a small importer of departments defined here."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from committee.imports import (
    CHOICE,
    DATE,
    MONEY,
    Column,
    Importer,
    ImportFailed,
    ImportRefused,
    closest,
    parse_date,
    parse_decimal,
)
from committee.models import Department


@pytest.mark.parametrize(
    "raw",
    [
        "2023年4月5日",
        "2023 年 4 月 5 日",
        "2023/4/5",
        "2023-04-05",
        "２０２３-０４-０５",
        " 2023.4.5 ",
        45021,
        "45021",
        dt.datetime(2023, 4, 5, 0, 0),
        dt.date(2023, 4, 5),
        "20230405",
    ],
)
def test_it_reads_the_dates_real_ledgers_hold(raw):
    assert parse_date(raw) == dt.date(2023, 4, 5)


@pytest.mark.parametrize("raw", ["2023-02-30", "下周", "4/5", 3.5, "2023年13月1日"])
def test_it_refuses_what_is_not_a_date(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (1500, "1500.00"),
        ("1,500.00", "1500.00"),
        ("¥1,500", "1500.00"),
        ("￥1,500.5", "1500.50"),
        ("1500元", "1500.00"),
        ("１５００元", "1500.00"),
        (" 1500 ", "1500.00"),
        (1500.1, "1500.10"),
        (0.1, "0.10"),
        ("RMB 20", "20.00"),
    ],
)
def test_it_reads_amounts_without_float(raw, expected):
    assert parse_decimal(raw) == Decimal(expected)
    assert str(parse_decimal(raw)) == expected


@pytest.mark.parametrize("raw", ["一千五", "1.234", "1,5x0", "", "NaN"])
def test_it_refuses_what_is_not_an_amount(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw)


def test_it_suggests_the_closest_name():
    assert closest("区统计", ["区民政局", "区统计局", "区卫健委"]) == "区统计局"


class DepartmentImporter(Importer):
    title = "部门导入"
    columns = [
        Column("name", "部门名称", example="区统计局", max_length=100),
        Column(
            "level",
            "层级",
            kind=CHOICE,
            choices={"区级部门": "district", "街道科室": "street"},
            example="区级部门",
        ),
        Column("since", "设立日期", kind=DATE, required=False, example="2020-01-01"),
        Column("budget", "预算", kind=MONEY, required=False, example="1,500.00"),
    ]

    def clean_row(self, values):
        if Department.objects.filter(district=self.community, name=values["name"]).exists():
            return [("部门名称", "已存在")]
        return []

    def save_row(self, values):
        if values["name"] == "拒绝":
            raise ValidationError("服务拒绝了这一行")
        Department.objects.create(
            district=self.community, name=values["name"], level=values["level"]
        )


def workbook(rows, header=("部门名称", "层级（可选）", "设立日期", "预算")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def importer(world, staff_a):
    # The district stands in for a community: the machinery does not care.
    return DepartmentImporter(user=staff_a, community=world.district)


def test_a_good_messy_file_imports_completely(importer, world):
    data = workbook(
        [
            ("  区统计局 ", "区级部门", "2023年4月5日", "¥1,500"),
            (None, None, None, None),
            ("街道城管科", "街道科室", 45021, "1500元"),
        ]
    )
    result = importer.parse(data, "部门.xlsx")
    assert result.ok, result.errors
    assert [r.row for r in result.rows] == [2, 4]
    assert result.rows[0].display["budget"] == "¥1,500.00"
    assert importer.save(result) == 2
    assert sorted(
        Department.objects.filter(district=world.district).values_list("name", flat=True)
    ) == [
        "区统计局",
        "街道城管科",
    ]


def test_one_bad_row_names_its_row_and_column_and_nothing_is_saved(importer, world):
    data = workbook([("区统计局", "区级部门", None, None), ("区民政局", "区级", "明天", "-5")])
    result = importer.parse(data, "x.xlsx")
    problems = {(e.row, e.column) for e in result.errors}
    assert problems == {(3, "层级"), (3, "设立日期"), (3, "预算")}
    with pytest.raises(ImportFailed):
        importer.save(result)
    assert not Department.objects.filter(district=world.district).exists()


def test_a_row_the_service_refuses_rolls_back_every_row(importer, world):
    result = importer.parse(workbook([("区统计局", "区级部门"), ("拒绝", "区级部门")]), "x.xlsx")
    with pytest.raises(ImportFailed) as failed:
        importer.save(result)
    assert [(e.row, e.message) for e in failed.value.errors] == [(3, "服务拒绝了这一行")]
    assert not Department.objects.filter(district=world.district).exists()


def test_a_duplicate_of_a_saved_record_is_refused(importer, world):
    Department.objects.create(district=world.district, name="区统计局")
    result = importer.parse(workbook([("区统计局", "区级部门")]), "x.xlsx")
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "部门名称", "已存在")]


def test_it_refuses_a_file_that_is_not_xlsx(importer):
    with pytest.raises(ImportRefused, match=".xlsx"):
        importer.parse(b"name,level\n", "部门.csv")
    with pytest.raises(ImportRefused):
        importer.parse(b"not a zip at all", "fake.xlsx")


def test_it_refuses_a_file_over_5_mb(importer):
    with pytest.raises(ImportRefused, match="5 MB"):
        importer.parse(b"0" * (5 * 1024 * 1024 + 1), "big.xlsx")


def test_it_refuses_more_than_10000_rows(importer):
    data = workbook([(f"部门{i}", "区级部门") for i in range(10_001)])
    with pytest.raises(ImportRefused, match="10,000"):
        importer.parse(data, "many.xlsx")


def test_it_refuses_a_missing_required_column(importer):
    with pytest.raises(ImportRefused, match="层级"):
        importer.parse(workbook([("区统计局",)], header=("部门名称",)), "x.xlsx")


def test_the_template_has_the_headers_and_an_example_row(importer):
    sheet = load_workbook(io.BytesIO(importer.template_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "部门名称"
    assert rows[1][:2] == ("区统计局", "区级部门")
    # The template reads back as a valid file.
    assert importer.parse(importer.template_bytes(), "t.xlsx").ok
