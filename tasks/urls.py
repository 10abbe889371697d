from django.urls import path

from tasks import importers, views

app_name = "tasks"
urlpatterns = [
    path("", views.TaskListView.as_view(), name="task_list"),
    path("new/", views.TaskCreateView.as_view(), name="task_create"),
    path("import/", importers.TaskImportView.as_view(), name="task_import"),
    path("suggest/", views.CatalogueSuggestView.as_view(), name="catalogue_suggest"),
    path("<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("<int:pk>/edit/", views.TaskUpdateView.as_view(), name="task_edit"),
    path("<int:pk>/delete/", views.TaskDeleteView.as_view(), name="task_delete"),
    path("<int:pk>/approve/", views.TaskApproveView.as_view(), name="task_approve"),
    path("<int:pk>/refuse/", views.TaskRefuseView.as_view(), name="task_refuse"),
    path("<int:pk>/status/", views.TaskStatusView.as_view(), name="task_status"),
    path("<int:pk>/hours/", views.TaskLogHoursView.as_view(), name="task_log_hours"),
    path("approvals/", views.ApprovalQueueView.as_view(), name="approval_queue"),
    path("approvals/decide/", views.ApprovalBulkView.as_view(), name="approval_bulk"),
    path("timesheet/", views.TimesheetView.as_view(), name="timesheet"),
    path("hours/", views.TimeEntryListView.as_view(), name="time_entry_list"),
    path("hours/import/", importers.TimeEntryImportView.as_view(), name="time_entry_import"),
    path("catalogue/", views.CatalogueItemListView.as_view(), name="catalogue_list"),
    path("catalogue/new/", views.CatalogueItemCreateView.as_view(), name="catalogue_create"),
    path(
        "catalogue/<int:pk>/edit/",
        views.CatalogueItemUpdateView.as_view(),
        name="catalogue_edit",
    ),
    path("departments/", views.DepartmentLeagueView.as_view(), name="department_league"),
]
