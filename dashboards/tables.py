"""The street-office and district tables: one row per unit, each flag a coloured cell.

Each cell shows the value and the colour's name in words (never colour alone) and
links to the records behind the figure. Rows are sortable by any flag; the worst first.
"""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from dashboards.flags import Flag, colour_count, sort_key, standing
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
        template_name = "dashboards/flag_table.html"

    def __init__(self, rows, kinds, totals, **kwargs):
        extra = [(kind, FlagColumn(kind)) for kind in kinds]
        super().__init__(rows, extra_columns=extra, **kwargs)
        self.kinds = list(kinds)
        self.totals = totals

    def render_worst(self, value):
        return format_html('<span class="flag flag-{}">{}</span>', value.css, value.label)

    def body_html(self) -> str:
        """The rows of the page (dashboards/flag_table.html), drawn in Python as
        django-tables2 draws them: even/odd rows, each column's cell attributes."""
        columns = [(column.name, column.attrs["td"].as_html()) for column in self.columns]
        flag_columns = {kind: self.columns[kind].column for kind in self.kinds}
        rows = []
        for number, row in enumerate(self.paginated_rows):
            record = row.record
            cells = []
            for name, td in columns:
                column = flag_columns.get(name)
                if column is not None:
                    flag = record["flags"].get(name)
                    cell = column.render(flag, record) if flag is not None else "—"
                else:
                    cell = self.cell_html(name, record)
                cells.append(f"<td {td}>{cell}</td>")
            parity = "odd" if number % 2 else "even"
            rows.append(f'<tr class="{parity}">{"".join(cells)}</tr>')
        return mark_safe("\n".join(rows))  # noqa: S308 -- every cell escaped as drawn

    def cell_html(self, name: str, record: dict) -> str:
        """A cell of a column that is not a flag's."""
        if name == "name":
            return format_html('<a href="{}">{}</a>', record["url"], record["name"])
        if name == "street_office":
            return format_html('<a href="{}">{}</a>', record["office_url"], record["street_office"])
        return self.render_worst(record[name])


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


def _standing(unit_flags: dict[str, Flag], kinds) -> tuple[Severity, tuple, dict]:
    """A unit's worst colour, its (worst, reds, ambers) and each flag's sort key."""
    worst = max((f.severity for f in unit_flags.values()), default=Severity.NONE)
    keys = {kind: sort_key(unit_flags.get(kind)) for kind in kinds}
    return worst, colour_count([f.severity for f in unit_flags.values()]), keys


def worst_key(flag_list, kinds) -> tuple:
    """Where a unit stands among the worst: the worst colour, then the most reds and
    ambers, then the flag that goes furthest on its bad side."""
    by_kind = {f.kind: f for f in flag_list}
    keys = {kind: sort_key(flag) for kind, flag in by_kind.items()}
    return standing([f.severity for f in by_kind.values()], keys, kinds)


def worst_units(units: list, ranks: dict[int, tuple], count: int) -> list:
    """The `count` worst units by their ``worst_key`` (ties in the order given)."""
    return sorted(units, key=lambda unit: ranks[unit.pk], reverse=True)[:count]


def listed_rows(units, kinds, flags_of, offices) -> list[dict]:
    """rows_for rows of communities, each with its street office: `units` are (community,
    url) pairs, `offices` maps a street office id to its (name, url)."""
    rows = rows_for(units, kinds, flags_of)
    for row, (unit, _url) in zip(rows, units, strict=True):
        row["street_office"], row["office_url"] = offices[unit.street_office_id]
    return rows


def rows_for(units, kinds, flags_of, notes_of=None) -> list[dict]:
    """Build table rows for units (objects with .pk and a name) and their flags."""
    rows = []
    for unit, url in units:
        unit_flags = {f.kind: f for f in flags_of.get(unit.pk, [])}
        worst, key, keys = _standing(unit_flags, kinds)
        rows.append(
            {
                "pk": unit.pk,
                "name": str(unit),
                "url": url,
                "flags": unit_flags,
                "keys": keys,
                "worst": worst,
                "worst_key": key,
                "notes": (notes_of or {}).get(unit.pk, {}),
            }
        )
    return rows
