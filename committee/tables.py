"""Shared table bases: every list page and its Excel export are drawn from one of these."""

from decimal import Decimal

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from committee.models import Community
from committee.numbers import cents


def format_money(value: Decimal | None) -> str:
    """¥1,234.50 — the one way money is shown as text."""
    if value is None:
        return "—"
    amount = cents(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


class MoneyColumn(tables.Column):
    """A Decimal yuan amount: ¥1,234.50 on screen, a number with a ¥ format in Excel."""

    excel_number_format = '"¥"#,##0.00'

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_money(value)

    def value(self, value):
        return value


class NumberColumn(tables.Column):
    """A count or a Decimal quantity such as hours, right-aligned, exported as a number."""

    excel_number_format = "#,##0.##"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value


class BaseTable(tables.Table):
    """Base of every list table: our template, sortable, 50 rows a page.

    Declare every column in ``Meta.fields`` and the few shown first in
    ``default_columns``; the list view's Excel export follows the visible columns.
    """

    default_columns: tuple[str, ...] = ()

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("Nothing here yet.")
        per_page = 50

    def __init__(self, *args, columns: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        shown = columns or self.default_columns
        if shown:
            for name in self.columns.names():
                if name not in shown and name not in getattr(self.Meta, "always", ()):
                    self.columns.hide(name)


class CommunityTable(BaseTable):
    name = tables.Column(linkify=True)
    street_office = tables.Column(accessor="street_office__name", verbose_name=_("street office"))
    district = tables.Column(accessor="street_office__district__name", verbose_name=_("district"))
    area_km2 = NumberColumn()
    residents = NumberColumn()
    households = NumberColumn()

    default_columns = ("name", "street_office", "area_km2", "residents", "households")

    class Meta(BaseTable.Meta):
        model = Community
        fields = (
            "code",
            "name",
            "street_office",
            "district",
            "area_km2",
            "residents",
            "households",
            "address",
        )
        sequence = fields
