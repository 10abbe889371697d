"""The reports that run as background jobs: a street office's PDF and workbook, a district's
workbook. Each covers many communities and can take minutes at city scale, so it is drawn
by a worker (committee/jobs.py) while the page shows its progress.

Registered in DashboardsConfig.ready, so the worker knows them. The file is drawn in the
language of the user who asked, from the replica when there is one.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qsl

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from committee.exports import XLSX_CONTENT_TYPE, add_sheet
from committee.jobs import LONG, Job, Progress, Result, job_kind, request_job
from committee.models import Community, District, StreetOffice
from committee.pdf import PDF_CONTENT_TYPE, render_pdf
from committee.periods import Period
from committee.routers import replica_reads
from committee.services import service
from dashboards import workbooks
from dashboards.reports import stored
from dashboards.reports.content import street_office_report

STREET_OFFICE_REPORT = "dashboards.street_office_report"
STREET_OFFICE_WORKBOOK = "dashboards.street_office_workbook"
DISTRICT_WORKBOOK = "dashboards.district_workbook"


def _period(job: Job) -> Period:
    return Period.from_query(job.params["period"], timezone.localdate())


def _workbook(communities, period: Period, progress: Progress) -> bytes:
    """The period workbook, one sheet at a time, counting sheets as they are written."""
    found = workbooks.sheets(communities, period)
    progress.set_total(len(found))
    wb = Workbook(write_only=True)
    for title, columns, rows in found:
        add_sheet(wb, str(title), columns, rows)
        progress.advance()
    handle = io.BytesIO()
    wb.save(handle)
    return handle.getvalue()


@job_kind(STREET_OFFICE_WORKBOOK, queue=LONG)
def street_office_workbook(job: Job, progress: Progress) -> Result:
    office = StreetOffice.objects.get(pk=job.params["pk"])
    period = _period(job)
    with translation.override(job.params.get("language")), replica_reads():
        data = _workbook(Community.objects.filter(pk__in=job.community_ids), period, progress)
    return Result(f"{office.name}-{period.at}.xlsx", XLSX_CONTENT_TYPE, data)


@job_kind(DISTRICT_WORKBOOK, queue=LONG)
def district_workbook(job: Job, progress: Progress) -> Result:
    district = District.objects.get(pk=job.params["pk"])
    period = _period(job)
    with translation.override(job.params.get("language")), replica_reads():
        data = _workbook(Community.objects.filter(pk__in=job.community_ids), period, progress)
    return Result(f"{district.name}-{period.at}.xlsx", XLSX_CONTENT_TYPE, data)


@job_kind(STREET_OFFICE_REPORT, queue=LONG)
def street_office_pdf(job: Job, progress: Progress) -> Result:
    office = StreetOffice.objects.select_related("district").get(pk=job.params["pk"])
    period = _period(job)
    progress.set_total(2)
    filename = f"{office.name}-{period.at}.pdf"

    def draw() -> bytes:
        with replica_reads():
            context = street_office_report(office, period) | {
                "heading": _("%(name)s: report on its communities %(period)s")
                % {"name": office.name, "period": period.label},
                "subheading": str(office.district),
                "today": timezone.localdate(),
            }
            progress.advance()
            return render_pdf("dashboards/reports/report.html", context)

    with translation.override(job.params.get("language")):
        data = stored.report_pdf(
            stored.STREET_OFFICE, office.pk, list(job.community_ids), period, filename, draw
        )
    progress.advance()
    return Result(filename, PDF_CONTENT_TYPE, data)


# What the reports page may ask for, by name.
REPORT_JOBS = {
    "street_office_report": STREET_OFFICE_REPORT,
    "street_office_workbook": STREET_OFFICE_WORKBOOK,
    "district_workbook": DISTRICT_WORKBOOK,
}


@service
def request_report(*, user, what: str, unit, communities: list[int], period: Period) -> Job:
    """Start (or join) the job drawing this report of this unit for this period."""
    kind = REPORT_JOBS[what]
    titles = {
        STREET_OFFICE_REPORT: _("%(name)s: PDF report %(period)s"),
        STREET_OFFICE_WORKBOOK: _("%(name)s: Excel workbook %(period)s"),
        DISTRICT_WORKBOOK: _("%(name)s: Excel workbook %(period)s"),
    }
    language = translation.get_language()
    job, _started = request_job(
        user=user,
        kind=kind,
        key=f"{unit.pk}:{period.query()}:{language}",
        title=titles[kind] % {"name": unit.name, "period": period.label},
        communities=communities,
        params={"pk": unit.pk, "period": dict(parse_qsl(period.query())), "language": language},
        unit="sheets" if kind != STREET_OFFICE_REPORT else "steps",
    )
    return job
