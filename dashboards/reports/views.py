"""The report downloads: PDFs and workbooks of a community or a street office, refusal notes.

Each goes through the one scoping rule like the dashboards: a community the user may not
see, or a street office whose communities they may not all see, is a 404. A refusal note
is the committee's letter on the street office's decision, so the committee (who may change
the community's records) and the street office that decides (review) print it; others who
may see the task get a 403.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from committee import scoping
from committee.generic import scoped_object_or_404
from committee.models import Community, District, StreetOffice
from committee.pdf import pdf_response, render_pdf
from committee.periods import KINDS, Period
from committee.roles import Action
from dashboards import workbooks
from dashboards.jobs import REPORT_JOBS, request_report
from dashboards.reports import stored
from dashboards.reports.content import community_report, street_office_report
from tasks.models import Outcome, Task


def _period(request) -> Period:
    return Period.from_query(request.GET, timezone.localdate())


def _community(request, pk: int) -> Community:
    return scoped_object_or_404(
        Community.objects.visible_to(request.user).select_related("street_office__district"),
        pk=pk,
    )


class CommunityReportView(LoginRequiredMixin, View):
    """A community's report for a period, as a PDF to print and hand in."""

    def get(self, request, pk: int):
        community = _community(request, pk)
        period = _period(request)

        def draw() -> bytes:
            context = community_report(community, period) | {
                "heading": _("%(name)s: work report %(period)s")
                % {"name": community.name, "period": period.label},
                "subheading": f"{community.street_office.district} · {community.street_office}",
                "today": timezone.localdate(),
            }
            return render_pdf("dashboards/reports/report.html", context, request=request)

        filename = f"{community.name}-{period.at}.pdf"
        data = stored.report_pdf(
            stored.COMMUNITY, community.pk, [community.pk], period, filename, draw
        )
        return pdf_response(data, filename)


class StreetOfficeReportView(LoginRequiredMixin, View):
    """A street office's report comparing its communities, with the department league."""

    def get(self, request, pk: int):
        office = scoped_object_or_404(
            StreetOffice.objects.visible_to(request.user).select_related("district"), pk=pk
        )
        period = _period(request)

        def draw() -> bytes:
            context = street_office_report(office, period) | {
                "heading": _("%(name)s: report on its communities %(period)s")
                % {"name": office.name, "period": period.label},
                "subheading": str(office.district),
                "today": timezone.localdate(),
            }
            return render_pdf("dashboards/reports/report.html", context, request=request)

        filename = f"{office.name}-{period.at}.pdf"
        communities = list(office.communities.values_list("pk", flat=True))
        data = stored.report_pdf(
            stored.STREET_OFFICE, office.pk, communities, period, filename, draw
        )
        return pdf_response(data, filename)


class CommunityWorkbookView(LoginRequiredMixin, View):
    """A community's period as one workbook, a sheet per area."""

    def get(self, request, pk: int):
        community = _community(request, pk)
        period = _period(request)
        group = Community.objects.filter(pk=community.pk)
        return workbooks.period_workbook(group, period, f"{community.name}-{period.at}.xlsx")


class StreetOfficeWorkbookView(LoginRequiredMixin, View):
    """A street office's period as one workbook: its communities together and side by side."""

    def get(self, request, pk: int):
        office = scoped_object_or_404(
            StreetOffice.objects.visible_to(request.user).select_related("district"), pk=pk
        )
        period = _period(request)
        communities = Community.objects.filter(street_office=office)
        return workbooks.period_workbook(communities, period, f"{office.name}-{period.at}.xlsx")


class ReportJobView(LoginRequiredMixin, View):
    """Ask for a street office's or a district's report as a background job, then watch it.

    The same rule as the downloads: only who sees every community of the unit (404
    otherwise). Asking again for the same report and period joins the running job.
    """

    services = (request_report,)

    def post(self, request):
        what = request.POST.get("what", "")
        try:
            pk = int(request.POST.get("pk", ""))
        except ValueError:
            return HttpResponseBadRequest(_("Choose a report."))
        if what not in REPORT_JOBS:
            return HttpResponseBadRequest(_("Choose a report."))
        if what.startswith("district"):
            unit = scoped_object_or_404(District.objects.visible_to(request.user), pk=pk)
            group = Community.objects.filter(street_office__district=unit)
        else:
            unit = scoped_object_or_404(StreetOffice.objects.visible_to(request.user), pk=pk)
            group = Community.objects.filter(street_office=unit)
        period = Period.from_query(request.POST, timezone.localdate())
        job = request_report(
            user=request.user,
            what=what,
            unit=unit,
            communities=list(group.values_list("pk", flat=True)),
            period=period,
        )
        return redirect("committee:job_detail", pk=job.pk)


class RefusalNoteView(LoginRequiredMixin, View):
    """The committee's note to a department returning a refused task, ready to stamp."""

    def get(self, request, pk: int):
        task = scoped_object_or_404(
            Task.objects.visible_to(request.user).select_related(
                "community__street_office__district",
                "department",
                "catalogue_item__district",
                "refusal_item",
            ),
            pk=pk,
        )
        if task.outcome != Outcome.REFUSED:
            raise Http404(_("Only a refused task has a refusal note."))
        if not (
            scoping.can(request.user, Action.CHANGE, task.community)
            or scoping.can(request.user, Action.REVIEW, task.community)
        ):
            raise PermissionDenied(
                _("Only the community's committee and its street office print refusal notes.")
            )
        item = task.catalogue_item or task.refusal_item
        context = {
            "task": task,
            "item": item,
            "basis": (item.basis if item else "") or _("no basis given"),
            "catalogue_name": _("catalogue of community work matters of %(district)s")
            % {"district": task.community.street_office.district.name},
            "today": timezone.localdate(),
        }
        data = render_pdf("dashboards/reports/refusal_note.html", context, request=request)
        return pdf_response(data, _("refusal-note-%(pk)s.pdf") % {"pk": task.pk})


class ReportsView(LoginRequiredMixin, TemplateView):
    """Every report the user may download, for the period they choose, and refusal notes."""

    template_name = "dashboards/reports/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        period = _period(self.request)
        visible = list(scoping.communities(user).select_related("street_office").order_by("code"))
        shown = Counter(c.street_office_id for c in visible)
        totals = dict(
            Community.objects.filter(street_office_id__in=shown)
            .values("street_office_id")
            .annotate(n=Count("pk"))
            .values_list("street_office_id", "n")
        )
        offices = {c.street_office_id: c.street_office for c in visible}
        district_totals = dict(
            Community.objects.filter(street_office__district__in=scoping.districts(user))
            .values("street_office__district_id")
            .annotate(n=Count("pk"))
            .values_list("street_office__district_id", "n")
        )
        shown_by_district = Counter(c.street_office.district_id for c in visible)
        context.update(
            period=period,
            period_params=parse_qsl(period.query()),
            period_kinds=KINDS,
            previous_period=period.shifted(-1),
            next_period=period.shifted(1),
            communities=visible,
            # A street office's report covers all its communities: only for who sees them all.
            street_offices=[o for pk, o in offices.items() if totals.get(pk) == shown[pk]],
            refused=self._refused(user),
            # A district's workbook covers all its communities: only for who sees them all.
            districts=list(
                scoping.districts(user).filter(
                    pk__in=[
                        pk for pk, n in shown_by_district.items() if district_totals.get(pk) == n
                    ]
                )
            ),
        )
        return context

    def _refused(self, user):
        decided_here = Task.objects.for_action(user, Action.REVIEW).values("pk")
        return list(
            Task.objects.filter(
                Q(pk__in=Task.objects.for_action(user, Action.CHANGE).values("pk"))
                | Q(pk__in=decided_here)
            )
            .filter(outcome=Outcome.REFUSED)
            .select_related("community", "department")
            .order_by("-decided_on", "-pk")[:30]
        )
