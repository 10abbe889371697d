"""Shared table bases: every list page and its Excel export are drawn from one of these."""

import copy
import datetime
import html
import re
from decimal import Decimal

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db import models
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.columns import library
from django_tables2.columns.base import LinkTransform
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.templatetags.django_tables2 import table_page_range
from django_tables2.utils import A, signature

from committee.filters import keep, kept
from committee.models import Community
from committee.numbers import cents
from committee.paging import CappedPaginator, field_path, page_records, picks_by_ids


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
    export_raw = True  # the export writes the Decimal itself (committee/exports.py)

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
    export_raw = True

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value


@library.register
class IsoDateColumn(tables.DateColumn):
    """A model's date in any list: 2026-03-01 in both languages, one date style with the
    columns that name their format (django-tables2 would write 03/01/2026 in English,
    2026年3月1日 in Chinese). Registered, so a table's date fields get it by default."""

    def __init__(self, format="Y-m-d", *args, **kwargs):
        super().__init__(format, *args, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None


class BaseTable(tables.Table):
    """Base of every list table: our template, sortable, 50 rows a page.

    Declare every column in ``Meta.fields`` and the few shown first in
    ``default_columns``; the list view's Excel export follows the visible columns.
    """

    default_columns: tuple[str, ...] = ()
    # Related rows a column needs, fetched only when the column is shown: {column: lookup}.
    prefetch_when_shown: dict[str, str] = {}

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("Nothing here yet.")
        per_page = 50
        template_name = "committee/table.html"

    def __init__(self, *args, columns: list[str] | None = None, page_sql_key=None, **kwargs):
        self.page_sql_key = page_sql_key  # the first page's SQL is kept under it (paging.py)
        cls = type(self)
        if type(cls.__dict__.get("base_columns")) is not _CopiedColumns:
            cls.base_columns = _CopiedColumns(cls.base_columns)
        super().__init__(*args, **kwargs)
        shown = columns or self.default_columns
        if shown:
            for name in self.columns.names():
                if name not in shown and name not in getattr(self.Meta, "always", ()):
                    self.columns.hide(name)

    def paginate(self, *args, **kwargs):
        """Load the page's rows once, then let ``annotate_page`` add per-row figures.

        Figures such as a task's hours are summed for the 50 rows shown, not for every
        row the filter matches before the page is picked. The rows are counted up to
        ``CappedPaginator.cap`` only.
        """
        if not args and kwargs.get("paginator_class") in (None, Paginator):
            kwargs["paginator_class"] = CappedPaginator  # list views pass Django's own
        super().paginate(*args, **kwargs)
        rows = self.page.object_list
        if isinstance(rows.data, models.QuerySet):
            paginator, extend = self.paginator, self.page_queryset
            counted = getattr(paginator, "count_with_rows", False) and "count" not in vars(
                paginator
            )
            key = None
            if counted and picks_by_ids(rows.data):
                key = self.page_sql_key

                def extend(page):
                    return paginator.with_count(self.page_queryset(page))

            else:
                counted = False
            rows.data = page_records(rows.data, extend, key)
            if counted:
                paginator.counted_rows(rows.data)
            models.prefetch_related_objects(rows.data, *self.shown_prefetches())
            self.annotate_page(rows.data)
        return self

    def shown_prefetches(self) -> list[str]:
        shown = {column.name for column in self.columns}
        return [lookup for name, lookup in self.prefetch_when_shown.items() if name in shown]

    def export_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        """The rows an export writes (committee/exports.py): with what the shown columns need."""
        return queryset.prefetch_related(*self.shown_prefetches())

    def page_queryset(self, rows: models.QuerySet) -> models.QuerySet:
        """The query that loads the page's rows (and only them): a table may add figures
        to it, computed for those rows alone, in the same query (see ``page_records``).

        A table with ``narrow_rows`` loads only the fields its shown columns read, and
        joins only the tables they read from.
        """
        fields = self.shown_fields(rows) if self.narrow_rows else None
        if fields is None:
            return rows
        flat = self.flat_paths()
        fields = [path for path in fields if path not in flat]
        joined = {path.rsplit("__", 1)[0] for path in fields if "__" in path}
        rows = rows.select_related(None)
        if joined:  # select_related() without names would join every relation
            rows = rows.select_related(*joined)
        rows = rows.only(*fields)
        return rows.annotate(**{alias: models.F(path) for path, alias in flat.items()})

    def flat_paths(self) -> dict[str, str]:
        """{``community__name``: its column on the page's rows} for the shown columns of a
        ``narrow_rows`` table that show a related record's field as it is: read as a
        column of the row (``_cell_drawer``), not as 50 related records made for one name."""
        if not self.narrow_rows:
            return {}
        found = self.__dict__.get("_flat_paths")
        if found is None:
            found = self.__dict__["_flat_paths"] = {}
            model = self._meta.model
            for column in self.columns:
                path = field_path(model, str(column.accessor))
                plain = getattr(column.render, "__func__", None) is tables.Column.render
                related = path and "__" in path and column.name not in self.narrow_fields
                if related and plain and not column.link:
                    found[path] = "flat_" + path.replace("__", "_0_")
        return found

    # Set on a table whose cells read only their own columns' fields (and the record's
    # pk, for links): its page loads nothing else (a page's 50 tasks, their communities
    # and departments were 200 model instances of every field).
    narrow_rows = False
    # The fields a column showing a related record reads ({column: ("task__title",)}): the
    # record is loaded with those alone (what its str() and its address need).
    narrow_fields: dict[str, tuple[str, ...]] = {}

    def shown_fields(self, rows: models.QuerySet) -> list[str] | None:
        """The model fields the shown columns read, as ``only()`` takes them; None when a
        column reads something else (a related record as a whole, a property)."""
        fields = ["pk"]
        if rows.query.select_related is True:
            return None
        for column in self.columns:
            accessor = str(column.accessor)
            if accessor in rows.query.annotations or column.name in self.prefetch_when_shown:
                continue
            if column.name in self.narrow_fields:
                fields += self.narrow_fields[column.name]
                continue
            path = field_path(rows.model, accessor)
            if path is None:
                return None
            fields.append(path)
        return fields

    def annotate_page(self, records: list) -> None:
        """Add figures to the records of the page shown (see ``paginate``)."""

    def _drawers(self, columns, model) -> list:
        return [_cell_drawer(self, column, model) for column in columns]

    def body_html(self) -> str:
        """The rows of the page shown as HTML (committee/table.html): one string built in
        Python, instead of a template variable per cell, the way the page drew 500 cells."""
        context = self._html_context()
        # Without row_attrs a row's attributes are its even/odd class: drawn once each.
        plain_rows = not self.row_attrs
        columns = list(self.columns)
        model = getattr(self.data, "model", None)
        cells = [
            (f"<td {column.attrs['td'].as_html()}>", _html_drawer(draw, context))
            for column, draw in zip(columns, self._drawers(columns, model), strict=True)
        ]
        rows = []
        for row in self.paginated_rows:
            tds = "".join(f"{td}{html(row)}</td>" for td, html in cells)
            attrs = _PARITY[row.row_counter % 2] if plain_rows else row.attrs.as_html()
            rows.append(f"<tr {attrs}>{tds}</tr>")
        return mark_safe("\n".join(rows))  # noqa: S308 -- every cell escaped above

    def header_html(self) -> str:
        """The header cells, each sortable one a link that keeps the page's other filters."""
        return self._kept_html("header", self._header_html)

    def _kept_html(self, part: str, draw) -> str:
        """``draw()``, kept for a minute with the page's SQL (committee/paging.py) when the
        list keeps it: the header and the column chooser depend on the address, the
        columns and the language alone."""
        if self.page_sql_key is None:
            return draw()
        key = (part, translation.get_language(), *self.page_sql_key)
        found = kept(key)
        if found is None:
            found = draw()
            keep(key, found)
        return found

    def _header_html(self) -> str:
        context = self._html_context()
        request = getattr(self, "request", None) or context.get("request")
        query = dict(request.GET) if request is not None else {}
        cells = []
        for column in self.columns:
            # Verbose names are lower case; a header starts with a capital in English.
            header = capfirst(render_value_in_context(column.header, context))
            if column.orderable:
                href = "?" + urlencode(
                    {**query, self.prefixed_order_by_field: column.order_by_alias.next}, doseq=True
                )
                header = format_html('<a href="{}">{}</a>', href, header)
            cells.append(f"<th {column.attrs['th'].as_html()}>{header}</th>")
        return mark_safe("".join(cells))  # noqa: S308 -- escaped above

    def pagination_html(self) -> str:
        """The page links under the table (committee/table.html), as django-tables2's
        ``querystring_replace`` and ``table_page_range`` write them, in one pass."""
        page, paginator = getattr(self, "page", None), getattr(self, "paginator", None)
        if not page or paginator.num_pages <= 1:
            return ""
        context = self._html_context()
        request = getattr(self, "request", None) or context.get("request")
        query = dict(request.GET)
        field = self.prefixed_page_field

        def href(number) -> str:
            return html.escape("?" + urlencode({**query, field: number}, doseq=True))

        parts = ['\n<ul class="pagination">\n']
        if page.has_previous():
            parts.append(
                f'<li class="previous"><a href="{href(page.previous_page_number())}">'
                f"{html.escape(gettext('previous'))}</a></li>"
            )
        parts.append("\n")
        for number in table_page_range(page, paginator):
            active = 'class="active"' if number == page.number else ""
            shown = render_value_in_context(number, context)
            link = "#" if number == "..." else href(number)
            parts.append(f'<li {active}><a href="{link}">{shown}</a></li>')
        parts.append("\n")
        if page.has_next():
            parts.append(
                f'<li class="next"><a href="{href(page.next_page_number())}">'
                f"{html.escape(gettext('next'))}</a></li>"
            )
        parts.append("\n</ul>\n")
        return mark_safe("".join(parts))  # noqa: S308 -- escaped above

    def column_choices_html(self) -> str:
        """The column chooser's tick boxes (tasks/task_list.html), one per column: ticked
        when shown, greyed out when always shown. Drawn in Python, as the header is."""
        return self._kept_html("chooser", self._column_choices_html)

    def _column_choices_html(self) -> str:
        context = self._html_context()
        always = getattr(self.Meta, "always", ())
        boxes = []
        for column in self.columns.all():
            header = render_value_in_context(column.header, context)
            boxes.append(
                '<label><input type="checkbox" name="columns" value="{}"{}{}> {}</label>'.format(
                    html.escape(column.name),
                    " checked" if column.visible else "",
                    " disabled" if column.name in always else "",
                    header,
                )
            )
        return mark_safe("".join(boxes))  # noqa: S308 -- escaped above

    def _html_context(self) -> Context:
        context = getattr(self, "context", None)
        if context is None:
            context = Context({"request": getattr(self, "request", None)})
        return context


class _CopiedColumns(dict):
    """A table class's columns, copied for each table one by one instead of deep-copied.

    django-tables2 deep-copies a table's columns (their attributes, links, lazy names)
    each time a table is made; a table only sets attributes of its own copy of a column
    (``visible``) and never changes what they hold, so a copy of each column will do.
    """

    def __deepcopy__(self, memo):
        return {name: copy.copy(column) for name, column in self.items()}


_PARITY = ('class="even"', 'class="odd"')  # django-tables2's row classes


def _cell_html(cell, context) -> str:
    """What ``{{ cell }}`` writes: most cells are already text, escaped or not."""
    if isinstance(cell, SafeString):
        return cell
    if type(cell) is str:
        return html.escape(cell)  # what django.utils.html.escape does, without its wrappers
    return render_value_in_context(cell, context)


def _cell_drawer(table, bound_column, model):
    """A function drawing this column's cell for a row, as ``row.get_cell`` would.

    django-tables2 works out, for every cell, the accessor's field, the render method's
    signature and (for dates) a template; here that is done once per column and page.
    Columns it cannot draw the same way (links with fixed text, many-to-many columns,
    records that are dicts) keep ``row.get_cell``.
    """
    column = bound_column.column
    name = bound_column.name

    def slow(row):
        return row.get_cell(name)

    if model is None or isinstance(column, tables.ManyToManyColumn | BaseLinkColumn):
        return slow
    accessor = A(bound_column.accessor)
    bits = accessor.bits
    # A related record's field loaded as a column of the row (BaseTable.flat_paths).
    flat = table.flat_paths().get("__".join(bits)) if model is table._meta.model else None
    field = accessor.get_field(model)
    display = bool(field is not None and field.choices and field.name == bits[-1])
    # get_FOO_display() hashes every (lazily translated) choice on each call: the labels
    # are looked up once per page instead.
    labels = {key: force_str(label) for key, label in field.flatchoices} if display else {}
    render = bound_column.render
    date = _date_format(column) if render == column.render else None
    if type(column) is tables.BooleanColumn and render == column.render and not display:
        render = _yes_no(render)
    args, catch_all = _signature(render)
    empty, default, link = column.empty_values, bound_column.default, bound_column.link
    record_link = _plain_link(link)
    if record_link:
        link = _absolute_url_link(name)
    # A plain column's render gives the value back; one that reads only the value needs
    # none of the other arguments made for it (most cells of a page are one or the other).
    plain = getattr(render, "__func__", None) is tables.Column.render
    value_only = args == ("value",) and not catch_all
    dates: dict = {}

    def value_of(row):
        value = row.record
        if flat is not None:
            found = value.__dict__.get(flat, _UNREAD)
            if found is not _UNREAD:
                return labels.get(found, found) if display else found
        for bit in bits[:-1]:
            value = getattr(value, bit, None)
            if value is None:
                break
        if value is not None:
            if display:
                value = getattr(value, bits[-1], None)
                value = labels.get(value, value)
            else:
                value = getattr(value, bits[-1], None)
                if callable(value) and not getattr(value, "do_not_call_in_templates", False):
                    value = value()
        return value

    def draw(row, value=_UNREAD):
        if value is _UNREAD:
            value = value_of(row)
        if value in empty:
            return default
        if date is not None:
            content = dates.get(value)
            if content is None:  # a page shows the same few days on many rows
                content = dates[value] = date_filter(value, date) or default
        elif plain:
            content = value
        elif value_only:
            content = render(value=value)
        else:
            kwargs = _arguments(row, value, args, catch_all)
            content = None if kwargs is None else render(**kwargs)
        if not link:
            return content
        if record_link:
            return link(content, record=row.record)
        return link(content, **_arguments(row, value, None, True))

    def _arguments(row, value, wanted, every) -> dict | None:
        kwargs = {
            "value": value,
            "record": row.record,
            "column": column,
            "bound_column": bound_column,
            "bound_row": row,
            "table": table,
        }
        if every:
            return kwargs
        if all(arg in kwargs for arg in wanted):
            return {arg: kwargs[arg] for arg in wanted}
        return None  # a render method wanting what django-tables2 would not give: no cell

    draw.value_of = value_of
    # A cell drawn from its value alone: the same value draws the same cell (see body_html).
    draw.by_value = not link and (date is not None or plain or value_only)
    return draw


_UNREAD = object()  # a cell's value not read yet
# The values whose equals are drawn alike (not datetimes of other zones, not 1 and True).
_DRAWN_ALIKE = frozenset({str, int, bool, Decimal, datetime.date, type(None)})


def _html_drawer(draw, context):
    """The HTML of a column's cell for a row: drawn once per value on a page when the cell
    depends on its value alone (a page shows the same community, status or day on many
    rows), otherwise for each row."""
    if not getattr(draw, "by_value", False):
        return lambda row: _cell_html(draw(row), context)
    value_of, drawn = draw.value_of, {}

    def html(row):
        value = value_of(row)
        kind = value.__class__
        if kind not in _DRAWN_ALIKE:
            return _cell_html(draw(row, value), context)
        # Equal Decimals may be written differently (1.5 and 1.50): told apart by their text.
        key = (kind, str(value) if kind is Decimal else value)
        found = drawn.get(key)
        if found is None:
            found = drawn[key] = _cell_html(draw(row, value), context)
        return found

    return html


_SIGNATURES: dict = {}


def _signature(render):
    """django-tables2's ``signature`` (inspect.signature each time), once per function."""
    function = getattr(render, "__func__", None)  # a method: the same for every page
    if function is None:
        return signature(render)
    found = _SIGNATURES.get(function)
    if found is None:
        found = _SIGNATURES[function] = signature(render)
    return found


def _yes_no(render):
    """A plain BooleanColumn draws the same two cells on every row: drawn once each."""
    drawn = {}

    def draw(value, record, bound_column):
        key = bool(value)
        if key not in drawn:
            drawn[key] = render(value=value, record=record, bound_column=bound_column)
        return drawn[key]

    return draw


def unlink(table) -> None:
    """Draw every cell of ``table`` as plain text, without its column's link."""
    for bound_column in table.columns:
        bound_column.link = None


def _plain_link(link) -> bool:
    """``linkify=True``: a link to the cell's object (or the row's) get_absolute_url()."""
    if not isinstance(link, LinkTransform):
        return False
    return link.url is None and not link.reverse_args and not link.attrs and not link.accessor


def _absolute_url_link(name: str):
    """django-tables2's LinkTransform for ``linkify=True``, without its per-cell set-up."""

    def link(content, *, record, **kwargs):
        target = getattr(record, name, None) if "." not in name else None
        if not hasattr(target, "get_absolute_url"):
            target = record
        href = target.get_absolute_url()
        if href is None:
            return content
        # format_html's escaping, without its per-call wrappers (a cell per row).
        text = content.__html__() if hasattr(content, "__html__") else html.escape(str(content))
        return SafeString(f'<a href="{html.escape(href)}">{text}</a>')

    return link


def _date_format(column) -> str | None:
    """The format of a plain DateColumn, whose cells django-tables2 draws with a template."""
    if type(column).render is not tables.TemplateColumn.render:
        return None
    if not isinstance(column, tables.DateColumn):
        return None
    found = re.fullmatch(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}', column.template_code)
    return found.group(1) if found else None


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
