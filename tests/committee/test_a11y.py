"""Accessibility of the shared form templates (issue 18 point 6)."""

import re
from datetime import date

from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from tasks.forms import TimesheetForm


class Sample(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the ID card")
    age = forms.IntegerField(label="Age")


def described_ids_missing(html: str) -> list[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    wanted = [i for v in re.findall(r'aria-describedby="([^"]+)"', html) for i in v.split()]
    return [i for i in wanted if i not in ids]


def test_help_and_errors_carry_the_ids_the_inputs_point_to():
    form = Sample(data={"name": "", "age": "x"})
    html = render_to_string("committee/form_fields.html", {"form": form})
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-describedby="id_age_error"' in html
    assert described_ids_missing(html) == []
    # The summary comes first and links to each field in error.
    summary = html.index("error-summary")
    assert summary < html.index("<input") and 'href="#id_age"' in html


def test_a_valid_form_has_no_summary_and_help_still_has_its_id():
    html = render_to_string("committee/form_fields.html", {"form": Sample()})
    assert "error-summary" not in html
    assert 'id="id_name_helptext"' in html and described_ids_missing(html) == []


def test_every_timesheet_cell_names_its_row_and_day():
    form = TimesheetForm(what_choices=[("work:x", "X")], initial_rows=[])
    with translation.override("en"):
        html = str(form["r0_what"]) + str(form["r1_d6"])
    assert 'aria-label="Task or resident work · Row 1"' in html
    assert 'aria-label="Row 2 · Sunday"' in html


def test_both_inputs_of_a_date_range_filter_have_a_name():
    from committee.widgets import DateRangeWidget

    with translation.override("en"):
        html = DateRangeWidget().render("date", None, {"id": "id_date"})
    assert html.count('type="date"') == 2
    assert 'aria-label="From date"' in html and 'aria-label="To date"' in html


def test_a_tables_model_date_is_iso_whatever_the_language():
    from django.template import Context, Template
    from django_tables2.columns import library

    from committee.models import ImportBatch
    from committee.tables import IsoDateColumn
    from staff.models import StaffMember

    column = library.column_for_field(StaffMember._meta.get_field("start_date"))
    assert isinstance(column, IsoDateColumn)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            drawn = Template(column.template_code).render(
                Context({"value": date(2017, 3, 1), "default": "—"})
            )
        assert drawn == "2017-03-01"
    # A date and time keeps django-tables2's own column.
    timestamp = ImportBatch._meta.get_field("uploaded_at")
    assert not isinstance(library.column_for_field(timestamp), IsoDateColumn)
