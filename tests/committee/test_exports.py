from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from committee.exports import workbook_response


def test_a_report_workbook_keeps_numbers_formats_and_typed_formulas_as_text():
    sheets = [
        (
            "经费",
            [("项目", "text"), ("金额", "money"), ("占比", "percent")],
            [["=1+1", Decimal("15000.00"), Decimal("0.6")], ["@SUM(A1)", Decimal("0.10"), None]],
        ),
        ("人员", [("姓名", "text"), ("人数", "number")], [["-张三", 3], ["+李四", 4]]),
    ]
    response = workbook_response(sheets, "report.xlsx")
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["经费", "人员"]
    money = wb["经费"]
    assert [c.value for c in money[1]] == ["项目", "金额", "占比"]
    assert money["A2"].value == "=1+1" and money["A2"].data_type == "s"
    assert money["A3"].data_type == "s"
    assert money["B2"].value == 15000 and money["B2"].number_format == '"¥"#,##0.00'
    assert money["C2"].number_format == "0.0%"
    assert money.freeze_panes == "A2"
    people = wb["人员"]
    assert people["A2"].value == "-张三" and people["A2"].data_type == "s"
    assert people["B3"].value == 4


def test_styled_cells_keep_their_formats_and_leave_the_next_cells_plain():
    columns = [("日期", "date"), ("金额", "money"), ("备注", "text"), ("人数", "number")]
    rows = [
        [date(2026, 6, 1), Decimal("12.50"), "=cmd", 3],
        [None, Decimal("1.00"), "ok", None],
    ]
    response = workbook_response([("明细", columns, rows)], "detail.xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["明细"]
    assert sheet["A2"].value.date() == date(2026, 6, 1)
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["B2"].number_format == sheet["B3"].number_format == '"¥"#,##0.00'
    assert sheet["C2"].value == "=cmd" and sheet["C2"].data_type == "s"
    assert sheet["C2"].number_format == sheet["C3"].number_format == "General"
    assert sheet["D2"].value == 3 and sheet["D2"].number_format == "#,##0.##"
    assert sheet["A3"].value is None and sheet["C3"].value == "ok"
