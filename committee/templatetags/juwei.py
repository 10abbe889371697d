"""Template filters shared by every app: {% load juwei %}."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from committee import charts, demo, filters, numbers, pdf
from committee.tables import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """¥1,234.50"""
    return format_money(value)


@register.simple_tag
def demo_logins() -> list[tuple[str, str]]:
    """The demo's users for the login page, when DEMO_LOGINS is on (a demo install)."""
    return demo.demo_logins() if settings.DEMO_LOGINS else []


@register.simple_tag
def demo_password() -> str:
    return demo.DEMO_PASSWORD


@register.filter
def count(value) -> str:
    """1,451: whole numbers with a thousands separator, the same in both languages (as money)."""
    if value in (None, ""):
        return "0"
    return f"{int(value):,}"


@register.filter
def percent(value) -> str:
    """A Decimal share (0.4) as 40 %, half up (0.6667 is 67 %); a dash when there is none."""
    return numbers.percent(value)


@register.filter
def chart_image(svg) -> str:
    """A server-drawn chart as an image carrying its own stylesheet, for PDFs."""
    return charts.as_image(svg)


@register.filter
def column_widths(panel) -> list[float]:
    """A panel's table columns as shares of a PDF's width (percent), for a fixed layout."""
    return pdf.column_widths(panel.headers, [[c.text for c in row] for row in panel.rows])


@register.simple_tag(takes_context=True)
def table(context, table):
    """``{% render_table %}`` inside the page's own context.

    django-tables2's tag renders the table as a new page, so every context processor
    (the navigation, the user's places) ran a second time for each list.
    """
    template = context.template.engine.get_template(table.template_name)
    table.context = context  # TemplateColumn reads it, as with render_table
    try:
        table.before_render(context.get("request"))
        with context.push(table=table):
            return template.render(context)
    finally:
        del table.context


@register.simple_tag(takes_context=True)
def form_fields(context, form):
    """committee/form_fields.html written in Python, for a form without errors.

    Every list page draws its filter form: two template includes per field cost more
    than the rest of the page's header. A form with errors (the error summary, each
    field's messages) is drawn by the template itself.
    """
    if form.is_bound and form.errors:
        template = context.template.engine.get_template("committee/form_fields.html")
        with context.push(form=form):
            return template.render(context)
    key = getattr(form, "kept_key", None)  # a list's filter form (committee/filters.py)
    drawn = filters.kept(key)
    if drawn is None:
        drawn = _draw_fields(form)
        filters.keep(key, drawn)
    return drawn


@register.simple_tag(takes_context=True)
def filter_form(context, filterset):
    """A list's filter form (committee/object_list.html): its kept drawing when the list is
    opened with no filter, without making the form; otherwise ``form_fields``."""
    if not filterset.is_bound:
        drawn = filters.kept(getattr(filterset, "kept_key", None))
        if drawn is not None:
            return drawn
    return form_fields(context, filters.drawable_form(filterset))


def _draw_fields(form) -> str:
    parts = [str(field) for field in form.hidden_fields()]
    for field in form.visible_fields():
        required = " required" if field.field.required else ""
        help_text = ""
        if field.help_text:
            help_text = format_html(
                '<small class="help" id="{}_helptext">{}</small>', field.auto_id, field.help_text
            )
        parts.append(
            format_html(
                '\n<div class="field{}">\n  <label for="{}">{}</label>\n  {}\n  {}\n</div>',
                required,
                field.id_for_label,
                field.label,
                field,
                help_text,
            )
        )
    return mark_safe("".join(parts) + "\n")  # noqa: S308 -- every part escaped above


# Stands for the CSRF token in a kept header (letters only: escaping leaves it as it is).
CSRF_MARK = "juweiHeaderCsrfTokenPlaceholder"


@register.simple_tag(takes_context=True)
def site_header(context):
    """templates/committee/_site_header.html: the header of every page, drawn once and kept
    in the process for a minute (committee/filters.py) under everything it shows: the
    user, their places and rights, the language, the address, the 待办 count and the
    navigation. Drawing it (a dozen links reversed, the strings translated, the language
    form) was a tenth of a list page. The CSRF token, the one thing it holds that differs
    per request, is put in afterwards.
    """
    template = context.template.engine.get_template("committee/_site_header.html")
    request, user = context.get("request"), context.get("user")
    token = context.get("csrf_token")
    if request is None or user is None or not user.is_authenticated or not token:
        return template.render(context)
    count = context.get("inbox_count")
    count = count() if callable(count) else count
    match = getattr(request, "resolver_match", None)
    key = (
        "header",
        translation.get_language(),
        get_script_prefix(),
        user.pk,
        user.get_username(),
        user.is_superuser,
        request.path,
        request.get_full_path(),
        match.url_name if match else None,
        count,
        tuple((str(u["unit"]), str(u["role"])) for u in context.get("user_units", ())),
        tuple((str(i["label"]), i["url"], i["active"]) for i in context.get("nav_items", ())),
        *(bool(context.get(name)) for name in ("may_manage_accounts", "may_unlock", "may_audit")),
    )
    drawn = filters.kept(key)
    if drawn is None:
        with context.push(csrf_token=CSRF_MARK, inbox_count=count):
            drawn = template.render(context)
        filters.keep(key, drawn)
    return mark_safe(drawn.replace(CSRF_MARK, str(token)))  # noqa: S308 -- drawn by a template
