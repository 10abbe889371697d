"""Tables of the paperwork registers: each list page and its Excel export are drawn from one."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committee.tables import BaseTable
from paperwork.models import Cap, DataItem, Demand, ReturnForm, ReturnItem


class DayColumn(tables.DateColumn):
    """2026-11-30 on screen, a real date in Excel."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y-m-d")
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value


def _edit(url_name: str):
    return tables.LinkColumn(
        url_name,
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        verbose_name="",
        exclude_from_export=True,
    )


class DemandTable(BaseTable):
    demanded_on = DayColumn(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    department = tables.Column(accessor="department__name", verbose_name=_("department"))
    ended_on = DayColumn()
    flag = tables.Column(empty_values=(), orderable=False, verbose_name=_("flag"))
    withdrawal_asked_on = DayColumn()
    attachment_name = tables.Column(
        verbose_name=_("attachment"),
        linkify=lambda record: (
            reverse("paperwork:demand_attachment", args=[record.pk])
            if record.attachment_name
            else None
        ),
    )

    default_columns = (
        "demanded_on",
        "community",
        "kind",
        "name",
        "department",
        "basis",
        "flag",
        "withdrawal_asked_on",
    )

    class Meta(BaseTable.Meta):
        model = Demand
        fields = (
            "demanded_on",
            "community",
            "kind",
            "name",
            "department",
            "basis",
            "ended_on",
            "flag",
            "withdrawal_asked_on",
            "attachment_name",
        )

    def render_flag(self, record):
        return _flag(record)

    def value_flag(self, record):
        return str(_flag(record))


def _flag(demand: Demand) -> str:
    if demand.over_cap and not demand.basis:
        return _("over the cap, no basis")
    if demand.over_cap:
        return _("over the cap")
    if not demand.basis:
        return _("no basis")
    return "—"


class CapTable(BaseTable):
    edit = _edit("paperwork:cap_edit")
    district = tables.Column(accessor="district__name", verbose_name=_("district"))

    default_columns = ("kind", "limit", "rule", "district")

    class Meta(BaseTable.Meta):
        model = Cap
        fields = ("kind", "limit", "permitted", "rule", "district")
        sequence = (*fields, "edit")
        always = ("edit",)


class DataItemTable(BaseTable):
    edit = _edit("paperwork:data_item_edit")

    default_columns = ("name", "definition", "owner", "unit", "valid_days")

    class Meta(BaseTable.Meta):
        model = DataItem
        fields = ("name", "definition", "owner", "unit", "valid_days")
        sequence = (*fields, "edit")
        always = ("edit",)


class ReturnTable(BaseTable):
    registered_on = DayColumn(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    department = tables.Column(accessor="department__name", verbose_name=_("department"))
    due_on = DayColumn()
    valid_until = DayColumn()
    filled_on = DayColumn()
    unapproved = tables.BooleanColumn(orderable=False, verbose_name=_("unapproved"))

    default_columns = (
        "registered_on",
        "community",
        "department",
        "title",
        "frequency",
        "due_on",
        "unapproved",
        "filled_on",
    )

    class Meta(BaseTable.Meta):
        model = ReturnForm
        fields = (
            "registered_on",
            "community",
            "department",
            "title",
            "frequency",
            "due_on",
            "form_number",
            "issuing_authority",
            "approving_authority",
            "approval_number",
            "valid_until",
            "unapproved",
            "filled_on",
        )


class ReturnItemTable(BaseTable):
    registered_on = DayColumn(
        accessor="return_form__registered_on",
        verbose_name=_("registered on"),
        linkify=lambda record: record.return_form.get_absolute_url(),
    )
    community = tables.Column(accessor="return_form__community__name", verbose_name=_("community"))
    department = tables.Column(
        accessor="return_form__department__name", verbose_name=_("department")
    )
    title = tables.Column(accessor="return_form__title", verbose_name=_("form"))
    data_item = tables.Column(accessor="data_item__name", verbose_name=_("data item"))
    value_on = DayColumn()

    default_columns = (
        "registered_on",
        "community",
        "department",
        "title",
        "data_item",
        "value",
        "value_on",
        "repeat",
    )

    class Meta(BaseTable.Meta):
        model = ReturnItem
        fields = (
            "registered_on",
            "community",
            "department",
            "title",
            "data_item",
            "value",
            "value_on",
            "repeat",
        )
