"""The department league: which departments push the most work down."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from committee import rollups, scoping
from committee.charts import bar_chart
from committee.exports import table_to_workbook_file, xlsx_response
from committee.periods import month_end
from committee.tables import NumberColumn
from tasks import league, metrics
from tasks.tables import (
    DepartmentLeagueTable,
)
from tasks.views.common import date_param

# --- department league ------------------------------------------------------------------


@lru_cache(maxsize=64)
def _chart(title: str, labels: tuple[str, ...], series: tuple) -> str:
    """The league's chart, drawn once per process for the same words and figures (pygal
    took a fifth of a street official's page)."""
    return bar_chart(title, labels, series, height=340)


class DepartmentLeagueView(LoginRequiredMixin, TemplateView):
    """Which departments push the most work, unauthorised, and with how much money.

    The default period, the months from a year ago to the end of this one, is whole months,
    so the figures come from the monthly rollups (committee.rollups.read); custom dates
    are counted from the records.
    """

    template_name = "tasks/department_league.html"

    def get(self, request, *args, **kwargs):
        with rollups.shared():
            return self._get(request)

    def _get(self, request):
        today = timezone.localdate()
        end = date_param(request.GET.get("end")) or month_end(today)
        start = date_param(request.GET.get("start")) or date(end.year - 1, end.month, 1)
        if start > end:
            start, end = end, start
        communities = scoping.communities(request.user)
        wanted = request.GET.get("community", "")
        if wanted.isdigit():
            communities = communities.filter(pk=wanted)
        rows = metrics.with_league_columns(
            rollups.read(metrics.department_league, communities, start, end),
            communities,
            start,
            end,
        )
        table = DepartmentLeagueTable(
            rows,
            extra_columns=[
                (c.key, NumberColumn(verbose_name=c.label, accessor=f"extra__{c.key}", default=0))
                for c in league.COLUMNS
            ],
        )
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                table_to_workbook_file(table, _("Departments")), "departments.xlsx"
            )
        top = rows[:10]
        chart = _chart(
            _("Tasks pushed down, by department"),
            tuple(r.name for r in top),
            (
                (_("tasks"), tuple(r.tasks for r in top)),
                (_("unauthorised"), tuple(r.unauthorised for r in top)),
                (_("refused"), tuple(r.refused for r in top)),
            ),
        )
        query = request.GET.copy()
        query["export"] = "xlsx"
        return self.render_to_response(
            {
                "table": table,
                "chart": chart if rows else None,
                "start": start,
                "end": end,
                "communities": scoping.communities(request.user),
                "community": wanted or "",
                "export_query": query.urlencode(),
                "returns": rollups.read(metrics.returns_by_month, communities, start, end),
                "money": rollups.read(metrics.money_promised_received, communities, start, end),
                "share": rollups.read(metrics.administrative_share, communities, start, end),
            }
        )
