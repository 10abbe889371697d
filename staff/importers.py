"""Excel import of pay records (工资表), saved through staff/services.py (save_pay_record).

The calculator fills contributions, tax and net from the district's rates, as on the pay
form; a net typed in the sheet is a check figure the service compares. Here only the
month is read (2026-03, 2026年3月 or a date), names are looked up, and a payment already
recorded for that person, month and kind is refused.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.bounds import PAY_MAX
from committee.import_views import ImportView
from committee.imports import (
    CHOICE,
    DATE,
    DECIMAL,
    Column,
    Importer,
    ParsedRow,
    RowError,
    choice_labels,
    normalise,
    parse_date,
    repeated_rows,
    unknown_name,
)
from committee.periods import month_start
from committee.roles import Action
from staff.models import InsuranceRates, PayRecord, StaffMember
from staff.services import save_pay_record
from staff.tables import PayRecordTable

MONTH, NAME, KIND, NET, PAID_ON = "月份", "姓名", "类型", "实发工资", "发放日期"
PARTS = {
    "basic_pay": "基本工资",
    "post_allowance": "岗位津贴",
    "seniority_pay": "工龄工资",
    "performance_pay": "绩效工资",
    "other_allowances": "其他津贴",
}
PAY_RANGE = {"low": Decimal("0"), "high": PAY_MAX, "money": True}
_MONTH = re.compile(r"^(\d{4})\s*[年/\-.]\s*(\d{1,2})\s*月?$")


def parse_month(text: str) -> Any:
    """The first day of the pay month: 2026-03, 2026/3, 2026年3月, or any date in it."""
    match = _MONTH.match(text)
    if match:
        year, month = (int(part) for part in match.groups())
        if 1 <= month <= 12:
            return parse_date(f"{year}-{month}-1")
    try:
        return month_start(parse_date(text))
    except ValueError:
        raise ValueError(
            _("Not a month: “%(value)s”. Write it like 2026-03 or 2026年3月.") % {"value": text}
        ) from None


class PayRecordImporter(Importer):
    """A month's pay sheet: one row per person; each saved by save_pay_record."""

    title = gettext_lazy("Import pay records")
    table_class = PayRecordTable
    columns = [
        Column("month", MONTH, example="2026年3月"),
        Column("staff_member", NAME, example="王芳", max_length=50),
        Column(
            "kind",
            KIND,
            kind=CHOICE,
            required=False,
            choices=choice_labels(PayRecord.Kind.choices),
            example="月工资",
        ),
        Column("basic_pay", PARTS["basic_pay"], kind=DECIMAL, example="2,400", **PAY_RANGE),
        *(
            Column(field, header, kind=DECIMAL, required=False, example="300", **PAY_RANGE)
            for field, header in PARTS.items()
            if field != "basic_pay"
        ),
        Column("net", NET, kind=DECIMAL, required=False, example="", **PAY_RANGE),
        Column("paid_on", PAID_ON, kind=DATE, required=False, example="2026/4/10"),
    ]

    @cached_property
    def staff(self) -> dict[str, StaffMember]:
        return {
            normalise(s.name): s
            for s in StaffMember.objects.filter(community=self.community).select_related(
                "community__street_office"
            )
        }

    @cached_property
    def saved(self) -> set[tuple]:
        return set(
            PayRecord.objects.filter(staff_member__community=self.community).values_list(
                "staff_member_id", "month", "kind"
            )
        )

    @cached_property
    def _rates(self) -> dict[int, InsuranceRates | None]:
        return {}

    def rates(self, year: int) -> InsuranceRates | None:
        """The district's insurance rates for a year, asked once a year."""
        if year not in self._rates:
            district_id = self.community.street_office.district_id
            self._rates[year] = InsuranceRates.objects.for_year(district_id, year)
        return self._rates[year]

    def clean_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        try:
            values["month"] = parse_month(values["month"])
        except ValueError as error:
            problems.append((MONTH, str(error)))
        person = self.staff.get(normalise(values["staff_member"]))
        if person is None:
            name = values["staff_member"]
            problems.append(
                (NAME, unknown_name(_("staff member"), name, [s.name for s in self.staff.values()]))
            )
        values["staff_obj"] = person
        values["kind"] = values.get("kind") or PayRecord.Kind.MONTHLY
        for field, header in PARTS.items():
            if values.get(field) is not None and values[field] < 0:
                problems.append((header, _("Pay cannot be negative.")))
        key = self._key(values)
        if key is not None and key in self.saved:
            problems.append(
                (MONTH, _("This person already has a pay record of this kind for this month."))
            )
        return problems

    @staticmethod
    def _key(values: dict[str, Any]) -> tuple | None:
        person = values.get("staff_obj")
        if person is None or not hasattr(values.get("month"), "year"):
            return None
        return (person.pk, values["month"], values["kind"])

    def clean_all(self, rows: list[ParsedRow]) -> list[RowError]:
        return repeated_rows(rows, self._key, MONTH)

    def display(self, values: dict[str, Any]) -> dict[str, str]:
        shown = super().display(values)
        if hasattr(values.get("month"), "year"):
            shown["month"] = f"{values['month']:%Y-%m}"
        return shown

    def save_row(self, values: dict[str, Any]) -> None:
        record = PayRecord(
            staff_member=values["staff_obj"],
            month=values["month"],
            kind=values["kind"],
            paid_on=values.get("paid_on"),
            **{field: values.get(field) or Decimal("0.00") for field in PARTS},
        )
        try:
            save_pay_record(
                record=record,
                given={"net": values.get("net")},
                user=self.user,
                rates=self.rates(values["month"].year),
            )
        except ValidationError as error:
            raise ValidationError(_net_message(error)) from None


def _net_message(error: ValidationError) -> list[str]:
    """The service's refusal, with the field named in the sheet's words where it has one."""
    if not hasattr(error, "error_dict"):
        return error.messages
    headers = {"net": NET, **PARTS}
    return [
        f"{headers[field]}: {message}" if field in headers else message
        for field, messages in error.message_dict.items()
        for message in messages
    ]


class PayRecordImportView(ImportView):
    write_action = Action.PAY
    services = (save_pay_record,)
    importer_class = PayRecordImporter
    success_url_name = "staff:payrecord_list"
