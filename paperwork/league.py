"""The department league's paperwork columns, registered with tasks (which must not import us)."""

from django.utils.translation import gettext_lazy as _

from paperwork import metrics
from tasks.league import LeagueColumn, register_column


def register() -> None:
    register_column(
        LeagueColumn(key="returns", label=_("returns"), counts=metrics.returns_by_department)
    )
    register_column(
        LeagueColumn(
            key="duplicate_asks",
            label=_("duplicate asks"),
            counts=metrics.repeat_asks_by_department,
        )
    )
