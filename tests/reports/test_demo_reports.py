"""The demo's 爱国社区 year as a PDF and a workbook, against its own dashboard.

The demo is put in once for the module (tests/snapshots.py), inside a transaction that is
rolled back; the
PDFs, the workbook and every number they are checked against are taken while it exists.
"""

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from committee.models import Community
from committee.periods import Period
from dashboards.flags import flags_by_community
from dashboards.reports.content import RECOMMENDATIONS
from funds import metrics as funds_metrics
from funds import services as funds_services
from staff import metrics as staff_metrics
from surveys import metrics as survey_metrics
from tasks import metrics as task_metrics
from tests import snapshots


@dataclass
class Demo:
    fonts: str  # pdffonts of the community's PDF
    text: str  # its text, squeezed
    office_text: str
    workbook: Workbook  # reopened from the downloaded bytes
    flags: list  # the community dashboard's flags
    panels: list  # the community dashboard's panels
    office_flags: list
    office_panels: list
    community_flags: dict  # each of the street office's communities' flags
    metrics: dict


def _chart_titles(panels) -> list[str]:
    return [
        re.search(r'class="title[^"]*"[^>]*>([^<]+)<', str(p.chart)).group(1)
        for p in panels
        if p.chart
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        override_settings(STORAGES=storages),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        snapshots.demo_in_transaction()
        aiguo = Community.objects.get(code="XX-01-01")
        user = get_user_model().objects.get(username="aiguo")
        # A clerk typed a formula-looking payer; the workbook must show it as text.
        funds_services.record_income(
            community=aiguo,
            user=user,
            date=timezone.localdate().replace(month=1, day=2),
            kind="contribution",
            amount=Decimal("1.00"),
            payer="=1+1",
        )
        year = timezone.localdate().year
        query = f"?period=year&at={year}"
        client = Client()
        client.force_login(user)
        page = client.get(reverse("dashboards:community", args=[aiguo.pk]) + query)
        pdf = client.get(reverse("dashboards:community_report", args=[aiguo.pk]) + query)
        workbook = client.get(reverse("dashboards:community_workbook", args=[aiguo.pk]) + query)
        official = Client()
        official.force_login(get_user_model().objects.get(username="street"))
        office = aiguo.street_office
        office_page = official.get(reverse("dashboards:street_office", args=[office.pk]) + query)
        office_pdf = official.get(
            reverse("dashboards:street_office_report", args=[office.pk]) + query
        )
        period = Period.year(year)
        group = Community.objects.filter(pk=aiguo.pk)
        args = (group, period.start, period.end)
        found = Demo(
            fonts=poppler("pdffonts", pdf.content),
            text=squeezed(poppler("pdftotext", pdf.content)),
            office_text=squeezed(poppler("pdftotext", office_pdf.content)),
            workbook=load_workbook(io.BytesIO(b"".join(workbook.streaming_content))),
            flags=page.context["flags"],
            panels=page.context["panels"],
            office_flags=office_page.context["flags"],
            office_panels=office_page.context["panels"],
            community_flags=flags_by_community(
                Community.objects.filter(street_office=office), period.start, period.end
            ),
            metrics={
                "league": task_metrics.department_league(*args),
                "money": task_metrics.money_promised_received(*args),
                "hours": task_metrics.hours_by_nature(*args),
                "funds": funds_metrics.summary(*args),
                "budget": funds_metrics.budget_vs_actual(*args),
                "pay": staff_metrics.pay_ratios(*args),
                "nature": survey_metrics.latest_committee_nature_counts(*args),
            },
        )
        transaction.set_rollback(True)
    return found


def poppler(tool: str, data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        command = [tool, handle.name, "-"] if tool == "pdftotext" else [tool, handle.name]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    return "".join(text.split())  # pdftotext spaces Chinese and table cells as it likes


class TestCommunityYearPdf:
    def test_it_embeds_a_chinese_font(self, demo):
        fonts = demo.fonts
        assert "Noto-Sans-CJK" in fonts or "WenQuanYi" in fonts
        rows = [line.split() for line in fonts.splitlines()[2:]]
        assert rows and all(row[-5] == "yes" for row in rows)  # every font embedded

    def test_it_numbers_its_pages(self, demo):
        text = demo.text
        pages = int(re.search(r"共(\d+)页", text).group(1))
        assert pages >= 2
        for page in range(1, pages + 1):
            assert f"第{page}页/共{pages}页" in text

    def test_it_draws_the_dashboards_charts(self, demo):
        text = demo.text
        titles = _chart_titles(demo.panels)
        assert len(titles) >= 4
        for title in titles:
            assert squeezed(title) in text

    def test_its_numbers_are_the_dashboards(self, demo):
        text = demo.text
        assert demo.flags
        for flag in demo.flags:
            assert squeezed(f"{flag.label}:{flag.value_text}") in text
            assert squeezed(flag.explanation) in text
        cells = [c.text for p in demo.panels for row in p.rows for c in row if c.numeric]
        assert len(cells) > 40
        for cell in cells:
            assert squeezed(cell) in text

    def test_it_recommends_from_its_red_flags(self, demo):
        text = demo.text
        red = [f for f in demo.flags if f.severity.name == "RED"]
        assert red
        for flag in red:
            assert squeezed(str(RECOMMENDATIONS[flag.kind])) in text


class TestStreetOfficePdf:
    def test_it_compares_the_communities_with_the_dashboards_numbers(self, demo):
        text = demo.office_text
        assert "爱国社区" in text and "和平社区" in text
        marks = {"red": "▲", "amber": "■", "green": "●"}  # each value with its status's mark
        for flag in demo.office_flags:
            assert squeezed(flag.value_text) + marks.get(flag.severity.css, "") in text
        assert squeezed(f"▲ {_('red')} · ■ {_('amber')} · ● {_('green')}") in text  # the legend
        # Each community's cells: its flags' values as its dashboard words them.
        assert len(demo.community_flags) == 2
        for found in demo.community_flags.values():
            assert found
            for flag in found:
                assert squeezed(flag.value_text) + marks.get(flag.severity.css, "") in text
                if flag.too_few is not None:
                    assert squeezed(flag.status_label) in text
        league = next(p for p in demo.office_panels if p.title == _("Tasks by department"))
        for row in league.rows:
            assert squeezed("".join(c.text for c in row[:3])) in text


def sheet_rows(workbook: Workbook, title: str):
    return list(workbook[title].iter_rows(values_only=True))


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


class TestCommunityYearWorkbook:
    def test_it_has_a_sheet_per_area_with_frozen_chinese_headers(self, demo):
        wb = demo.workbook
        assert wb.sheetnames == [
            "警示",
            "任务",
            "工时",
            "收入",
            "支出",
            "预算执行",
            "工资",
            "工资对比",
            "调查结果",
        ]
        for sheet in wb.worksheets:
            assert sheet.freeze_panes == "A2"
            assert sheet.column_dimensions["A"].width >= 12
        assert [c.value for c in wb["任务"][1]][:4] == ["接收日期", "社区", "任务", "部门"]

    def test_the_tasks_sheet_adds_up_to_the_metrics(self, demo):
        header, *rows, total = sheet_rows(demo.workbook, "任务")
        promised, received = header.index("承诺经费"), header.index("到位经费")
        assert len(rows) == sum(r.tasks for r in demo.metrics["league"])
        assert sum(money(r[promised]) for r in rows) == demo.metrics["money"].promised
        assert money(total[promised]) == demo.metrics["money"].promised
        assert money(total[received]) == demo.metrics["money"].received

    def test_the_hours_sheet_adds_up_to_the_metrics(self, demo):
        header, *rows = sheet_rows(demo.workbook, "工时")
        *entries, admin, community = rows
        column = header.index("工时")
        total = sum(money(r[column]) for r in entries)
        assert total == sum(demo.metrics["hours"].values())
        assert money(admin[column]) == demo.metrics["hours"]["administrative"]
        assert money(community[column]) == demo.metrics["hours"]["community"]

    def test_the_money_sheets_add_up_to_the_metrics(self, demo):
        funds = demo.metrics["funds"]
        header, *rows, total, usable = sheet_rows(demo.workbook, "收入")
        assert sum(money(r[-1]) for r in rows) == funds.money_in == money(total[-1])
        assert money(usable[-1]) == funds.usable
        header, *rows, total = sheet_rows(demo.workbook, "支出")
        assert sum(money(r[-1]) for r in rows) == funds.spent == money(total[-1])
        header, *lines, total = sheet_rows(demo.workbook, "预算执行")
        assert [line[0] for line in lines] == [b.name for b in demo.metrics["budget"]]
        assert money(total[3]) == sum(b.actual for b in demo.metrics["budget"])

    def test_the_pay_and_survey_sheets_show_the_metrics(self, demo):
        rows = sheet_rows(demo.workbook, "工资对比")
        assert money(rows[1][1]) == demo.metrics["pay"].fulltime_median
        assert money(rows[2][1]) == demo.metrics["pay"].assistant_median
        header, government, residents, unknown, total, _satisfaction = sheet_rows(
            demo.workbook, "调查结果"
        )
        nature = demo.metrics["nature"]
        assert (government[1], residents[1], total[1]) == (
            nature.government,
            nature.residents,
            nature.total,
        )

    def test_the_flags_sheet_holds_the_dashboards_flags(self, demo):
        header, *rows = sheet_rows(demo.workbook, "警示")
        assert [(r[1], r[3]) for r in rows] == [(f.label, f.value_text) for f in demo.flags]

    def test_formats_are_money_and_percent_and_a_typed_formula_stays_text(self, demo):
        wb = demo.workbook
        income = wb["收入"]
        typed = [row for row in income.iter_rows(min_row=2) if row[3].value == "=1+1"]
        assert len(typed) == 1 and typed[0][3].data_type == "s"
        assert "¥" in income.cell(row=2, column=8).number_format
        assert "%" in wb["预算执行"].cell(row=2, column=6).number_format
