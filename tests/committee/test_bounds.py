"""Dates and amounts are checked against what the column and the domain allow, everywhere.

Imports name the row, the column and the allowed range; services refuse the same values
(so no caller can save them); forms show the range next to the field.
"""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from committee import workbooks
from committee.imports import ImportRefused
from funds import services as funds_services
from funds.importers import IncomeImporter
from funds.models import Income
from tests.committee.hostile_files import LAUGHS, corpus, zip_bomb
from tests.conftest import logged_in
from tests.reports.conftest import xlsx

HEADER = ("日期", "类型", "金额")


def income_errors(world, user, rows):
    result = IncomeImporter(user=user, community=world.community_a).parse(
        xlsx(HEADER, rows), "x.xlsx"
    )
    return [(e.row, e.column, e.message) for e in result.errors]


class TestImports:
    def test_dates_outside_the_years_allowed_name_row_column_and_range(self, world, staff_a):
        errors = income_errors(
            world,
            staff_a,
            [
                ("0001-01-01", "其他", "10"),
                ("2173-05-05", "其他", "10"),
                ("9999-12-31", "其他", "10"),
                (date(1999, 12, 31), "其他", "10"),
                ("2099-12-31", "其他", "10"),
            ],
        )
        assert errors == [
            (2, "日期", "0001-01-01 超出允许的日期范围（2000-01-01 至 2099-12-31）。"),
            (3, "日期", "2173-05-05 超出允许的日期范围（2000-01-01 至 2099-12-31）。"),
            (4, "日期", "9999-12-31 超出允许的日期范围（2000-01-01 至 2099-12-31）。"),
            (5, "日期", "1999-12-31 超出允许的日期范围（2000-01-01 至 2099-12-31）。"),
        ]

    def test_the_date_bounds_come_from_the_settings(self, world, staff_a, settings):
        settings.DATE_MIN_YEAR, settings.DATE_MAX_YEAR = 2020, 2030
        [(row, column, message)] = income_errors(world, staff_a, [("2019-06-01", "其他", "10")])
        assert (row, column) == (2, "日期") and "2020-01-01 至 2030-12-31" in message

    def test_amounts_past_the_column_or_the_domain_are_refused(self, world, staff_a):
        errors = income_errors(
            world,
            staff_a,
            [
                ("2026-01-01", "其他", "999,999,999,999.99"),
                ("2026-01-02", "其他", 1e26),
                ("2026-01-03", "其他", "10000000"),
                ("2026-01-04", "其他", "9,999,999.99"),
            ],
        )
        assert [(row, column) for row, column, _m in errors] == [
            (2, "金额"),
            (3, "金额"),
            (4, "金额"),
        ]
        assert "至 9,999,999.99" in errors[0][2]
        assert "数字过大" in errors[1][2]


class TestServicesAndForms:
    def test_the_income_service_refuses_what_the_import_refuses(self, world, staff_a):
        for fields in (
            {"date": date(2173, 1, 1), "amount": Decimal("10")},
            {"date": date(2026, 1, 1), "amount": Decimal("999999999999.99")},
        ):
            with pytest.raises(ValidationError) as refused:
                funds_services.record_income(
                    community=world.community_a, user=staff_a, kind="other", **fields
                )
            assert set(refused.value.message_dict) <= {"date", "amount"}
        assert not Income.objects.exists()

    def test_the_income_form_shows_the_range_next_to_the_field(self, world, staff_a):
        page = logged_in(staff_a).post(
            reverse("funds:income_add"),
            {
                "community": world.community_a.pk,
                "date": "2173-01-01",
                "kind": "other",
                "amount": "12345678.00",
            },
        )
        assert page.status_code == 200
        errors = page.context["form"].errors
        assert "2000-01-01" in errors["date"][0] and "9,999,999.99" in errors["amount"][0]
        assert not Income.objects.exists()


class TestHostileFiles:
    def test_a_zip_bomb_is_refused_from_its_directory_before_any_parsing(self, world, staff_a):
        data = zip_bomb()
        started = time.perf_counter()
        with pytest.raises(ImportRefused, match="解压后"):
            IncomeImporter(user=staff_a, community=world.community_a).parse(data, "x.xlsx")
        assert time.perf_counter() - started < 1
        assert len(data) < workbooks.MAX_BYTES

    def test_an_xml_bomb_is_refused_unread(self, world, staff_a):
        files = dict(corpus(IncomeImporter(user=staff_a).template_bytes()))
        importer = IncomeImporter(user=staff_a, community=world.community_a)
        for name in ("laughs-used-sheet", "xxe-used-workbook", "laughs-strings"):
            with pytest.raises(ImportRefused, match="DTD"):
                importer.parse(files[name], "x.xlsx")
        assert LAUGHS.startswith("<?xml")

    def test_blank_rows_count_toward_the_limit(self, world, staff_a):
        files = dict(corpus(IncomeImporter(user=staff_a).template_bytes()))
        importer = IncomeImporter(user=staff_a, community=world.community_a)
        for name in ("blank-rows-bomb", "blank-row-elements"):
            with pytest.raises(ImportRefused, match="空行也计入"):
                importer.parse(files[name], "x.xlsx")
