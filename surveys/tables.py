"""The survey list table (and its Excel export)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from committee.tables import BaseTable, NumberColumn
from surveys.models import Survey


class SurveyTable(BaseTable):
    title = tables.Column(linkify=True)
    owner = tables.Column(
        accessor="owner", verbose_name=_("community or street office"), orderable=False
    )
    response_count = NumberColumn(verbose_name=_("responses"))
    question_count = NumberColumn(verbose_name=_("questions"))

    default_columns = ("title", "owner", "state", "opens", "closes", "response_count")

    class Meta(BaseTable.Meta):
        model = Survey
        fields = (
            "title",
            "owner",
            "state",
            "access",
            "opens",
            "closes",
            "question_count",
            "response_count",
            "created_at",
        )
        sequence = fields
