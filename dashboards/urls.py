from django.urls import path

from dashboards import drilldown, views
from dashboards.reports import views as reports

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="index"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read/", views.MarkReadView.as_view(), name="inbox_read"),
    path("communities/<int:pk>/", views.CommunityDashboardView.as_view(), name="community"),
    path(
        "street-offices/<int:pk>/",
        views.StreetOfficeDashboardView.as_view(),
        name="street_office",
    ),
    path("districts/<int:pk>/", views.DistrictDashboardView.as_view(), name="district"),
    path("districts/<int:pk>/thresholds/", views.ThresholdView.as_view(), name="thresholds"),
    path("hours/", drilldown.HoursListView.as_view(), name="hours"),
    path("tasks/", drilldown.TaskRecordsView.as_view(), name="tasks"),
    path("reports/", reports.ReportsView.as_view(), name="reports"),
    path("reports/jobs/", reports.ReportJobView.as_view(), name="report_job"),
    path(
        "communities/<int:pk>/report.pdf",
        reports.CommunityReportView.as_view(),
        name="community_report",
    ),
    path(
        "communities/<int:pk>/workbook.xlsx",
        reports.CommunityWorkbookView.as_view(),
        name="community_workbook",
    ),
    path(
        "street-offices/<int:pk>/report.pdf",
        reports.StreetOfficeReportView.as_view(),
        name="street_office_report",
    ),
    path(
        "street-offices/<int:pk>/workbook.xlsx",
        reports.StreetOfficeWorkbookView.as_view(),
        name="street_office_workbook",
    ),
    path(
        "tasks/<int:pk>/refusal-note.pdf",
        reports.RefusalNoteView.as_view(),
        name="refusal_note",
    ),
]
