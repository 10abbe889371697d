"""Filter forms drawn without a template per option.

Django draws a select by rendering one small template per option: a district officer's
task filter has a few hundred options (communities, departments, categories …), and
drawing them took as long as the rest of the list page. ``fast_widgets(form)`` gives the
plain inputs and selects of a form a ``render`` that writes the same HTML in Python;
anything else (date ranges, check boxes, grouped choices) keeps Django's own.
"""

from __future__ import annotations

import django_filters.widgets
from django import forms
from django.forms import widgets
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

_INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "number", "email", "url", "date", "datetime", "time", "search", "tel")
}
_SELECT_TEMPLATES = {"django/forms/widgets/select.html"}


class FastInputMixin:
    """``<input>`` as django/forms/widgets/input.html writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        shown = self.format_value(value)
        value_html = "" if shown is None else format_html(' value="{}"', str(shown))
        return format_html(
            '<input type="{}" name="{}"{}{}>', self.input_type, name, value_html, flatatt(final)
        )


class FastSelectMixin:
    """``<select>`` as django/forms/widgets/select.html writes it, options in one pass."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        if isinstance(chosen, str):  # NullBooleanSelect gives one value, not a list
            chosen = [chosen]
        chosen = set(chosen)
        options, has_selected = [], False
        for option_value, label in _listed(self.choices):
            if isinstance(label, list | tuple):  # grouped choices: Django's own template
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and (
                option_value in chosen
            )
            has_selected |= selected
            options.append((option_value, " selected" if selected else "", label))
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )


def _listed(choices):
    """A model choice field's options read in one plain query.

    Django walks them with ``queryset.iterator()``, which on PostgreSQL opens a
    server-side cursor: three round trips (declare, fetch, close) for a few dozen
    departments. The options are the same, in the same order.
    """
    if type(choices) is not ModelChoiceIterator:  # a subclass may iterate its own way
        return choices
    field = choices.field
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    return empty + [choices.choice(obj) for obj in choices.queryset.all()]


_FAST: dict[type, type] = {}


def _fast_class(widget: forms.Widget) -> type | None:
    cls = type(widget)
    if cls not in _FAST:
        fast = None
        if isinstance(widget, widgets.Input) and widget.template_name in _INPUT_TEMPLATES:
            if cls.get_context is widgets.Input.get_context:
                fast = type(cls.__name__, (FastInputMixin, cls), {})
        elif isinstance(widget, forms.Select) and widget.template_name in _SELECT_TEMPLATES:
            plain_option = widget.option_template_name == "django/forms/widgets/select_option.html"
            if plain_option and cls.get_context is forms.Select.get_context:
                fast = type(cls.__name__, (FastSelectMixin, cls), {})
        _FAST[cls] = fast
    return _FAST[cls]


def fast_widgets(form: forms.Form) -> forms.Form:
    """Give the form's plain inputs and selects the Python ``render`` above."""
    for field in form.fields.values():
        fast = _fast_class(field.widget)
        if fast is not None:
            field.widget.__class__ = fast
    return form


class DateRangeWidget(django_filters.widgets.DateRangeWidget):
    """A filter's two dates, each named for a screen reader. Django gives the label of a
    pair of inputs no ``for``, so neither input had a name (axe: label, critical)."""

    def __init__(self, attrs=None):
        super().__init__({"type": "date", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        names = (_("From date"), _("To date"))
        for subwidget, text in zip(context["widget"]["subwidgets"], names, strict=True):
            subwidget["attrs"]["aria-label"] = text
        return context
