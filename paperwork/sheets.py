"""A community's current figures: the latest value given of each data item of the dictionary.

One query for any number of communities (a window over the values given, the latest of
each community and item kept), so the sheet and each page of the 一表通 pull cost the
same whatever their size. A value is current while it is within its item's validity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import django_tables2 as tables
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.tables import BaseTable
from paperwork.models import DataItem, ReturnItem


@dataclass(frozen=True)
class Figure:
    community_id: int
    item: DataItem
    value: str | None
    value_on: date | None
    sent_to: str | None

    @property
    def current(self) -> bool:
        if self.value_on is None:
            return False
        return self.value_on + timedelta(days=self.item.valid_days) >= timezone.localdate()

    @property
    def valid_until(self) -> date | None:
        return None if self.value_on is None else self.value_on + timedelta(self.item.valid_days)


def latest_values(community_ids) -> dict[tuple[int, int], dict]:
    """{(community id, data item id): the latest value given, its day and to whom}."""
    rows = (
        ReturnItem.objects.filter(
            return_form__community_id__in=list(community_ids), value_on__isnull=False
        )
        .exclude(value="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("return_form__community_id"), F("data_item_id")],
                order_by=[F("value_on").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .values(
            "return_form__community_id",
            "data_item_id",
            "value",
            "value_on",
            "return_form__department__name",
        )
    )
    return {(r["return_form__community_id"], r["data_item_id"]): r for r in rows}


def figures(communities, items) -> dict[int, list[Figure]]:
    """{community id: [Figure per dictionary item of its district]}."""
    communities = list(communities)
    found = latest_values(c.pk for c in communities)
    by_district: dict[int, list[DataItem]] = {}
    for item in items:
        by_district.setdefault(item.district_id, []).append(item)
    result = {}
    for community in communities:
        rows = []
        for item in by_district.get(community.street_office.district_id, []):
            r = found.get((community.pk, item.pk), {})
            rows.append(
                Figure(
                    community.pk,
                    item,
                    r.get("value"),
                    r.get("value_on"),
                    r.get("return_form__department__name"),
                )
            )
        result[community.pk] = rows
    return result


def current_figures(community) -> list[Figure]:
    items = DataItem.objects.filter(district_id=community.street_office.district_id)
    return figures([community], items)[community.pk]


class SheetTable(BaseTable):
    name = tables.Column(accessor="item__name", verbose_name=_("data item"))
    definition = tables.Column(accessor="item__definition", verbose_name=_("definition (口径)"))
    owner = tables.Column(accessor="item__owner", verbose_name=_("owner"))
    value = tables.Column(verbose_name=_("value"), default="—")
    unit = tables.Column(accessor="item__unit", verbose_name=_("unit"))
    value_on = tables.DateColumn(format="Y-m-d", verbose_name=_("value as of"))
    valid_until = tables.DateColumn(format="Y-m-d", verbose_name=_("valid until"))
    sent_to = tables.Column(verbose_name=_("last sent to"))

    class Meta(BaseTable.Meta):
        orderable = False
        per_page = 200
