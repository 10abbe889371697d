"""The street-office and district tables: one row per unit, each flag a coloured cell.

Each cell shows the value and the colour's name in words (never colour alone) and
links to the records behind the figure. Rows are sortable by any flag; the worst first.
"""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dashboards.flags import Flag, sort_key
from dashboards.specs import SPECS, Severity


def flag_cell(flag: Flag | None, note: str = ""):
    if flag is None:
        return "—"
    text = format_html(
        '{} <span class="flag-word">· {}</span>{}',
        flag.value_text,
        flag.status_label,
        format_html(' <small class="muted">{}</small>', note) if note else "",
    )
    if flag.url:
        return format_html(
            '<a class="flag flag-{}" href="{}" title="{}">{}</a>',
            flag.severity.css,
            flag.url,
            flag.explanation,
            text,
        )
    return format_html(
        '<span class="flag flag-{}" title="{}">{}</span>', flag.severity.css, flag.explanation, text
    )


class FlagColumn(tables.Column):
    """One flag per row; the footer shows the same flag for the whole group."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        super().__init__(
            accessor=f"flags__{kind}",
            order_by=(f"keys__{kind}",),
            verbose_name=SPECS[kind].label,
            attrs={"td": {"class": "flag-cell"}},
            **kwargs,
        )

    def render(self, value, record):
        note = (
            record.get("notes", {}).get(self.kind, "") if value and value.value is not None else ""
        )
        return flag_cell(value, note)

    def render_footer(self, bound_column, table):
        return flag_cell(getattr(table, "totals", {}).get(self.kind))


class FlagTable(tables.Table):
    """Rows are dicts: name, url, flags {kind: Flag}, keys {kind: sort key}, worst."""

    name = tables.Column(
        verbose_name=capfirst(_("name")), linkify=lambda record: record["url"], footer=_("Total")
    )
    worst = tables.Column(verbose_name=capfirst(_("worst")), order_by=("worst_key",))

    class Meta:
        attrs = {"class": "table flag-table"}
        orderable = True
        order_by = ("-worst",)
        empty_text = _("Nothing here yet.")

    def __init__(self, rows, kinds, totals, **kwargs):
        extra = [(kind, FlagColumn(kind)) for kind in kinds]
        super().__init__(rows, extra_columns=extra, **kwargs)
        self.totals = totals

    def render_worst(self, value):
        return format_html('<span class="flag flag-{}">{}</span>', value.css, value.label)


class CommunityFlagTable(FlagTable):
    """The district's worst communities: each with its street office, in a fixed order."""

    street_office = tables.Column(
        verbose_name=capfirst(_("street office")),
        linkify=lambda record: record["office_url"],
        attrs={"td": {"class": "unit-name"}},
    )

    class Meta(FlagTable.Meta):
        orderable = False
        show_footer = False
        sequence = ("name", "street_office", "worst", "...")


def worst_rows(units, kinds, flags_of, offices, count: int) -> list[dict]:
    """The `count` worst of these communities (rows_for rows, with their street office).

    Worst first: the worst colour, then the most reds and ambers, then the flag that goes
    furthest on its bad side; `offices` maps a street office id to its (name, url).
    """
    rows = rows_for(units, kinds, flags_of)
    for row, (unit, _url) in zip(rows, units, strict=True):
        row["street_office"], row["office_url"] = offices[unit.street_office_id]
    rows.sort(
        key=lambda row: (row["worst_key"], max(row["keys"].values(), default=(0, 0))),
        reverse=True,
    )
    return rows[:count]


def rows_for(units, kinds, flags_of, notes_of=None) -> list[dict]:
    """Build table rows for units (objects with .pk and a name) and their flags."""
    rows = []
    for unit, url in units:
        unit_flags = {f.kind: f for f in flags_of.get(unit.pk, [])}
        reds = sum(1 for f in unit_flags.values() if f.severity == Severity.RED)
        ambers = sum(1 for f in unit_flags.values() if f.severity == Severity.AMBER)
        worst = max((f.severity for f in unit_flags.values()), default=Severity.NONE)
        rows.append(
            {
                "pk": unit.pk,
                "name": str(unit),
                "url": url,
                "flags": unit_flags,
                "keys": {kind: sort_key(unit_flags.get(kind)) for kind in kinds},
                "worst": worst,
                "worst_key": (int(worst), reds, ambers),
                "notes": (notes_of or {}).get(unit.pk, {}),
            }
        )
    return rows
