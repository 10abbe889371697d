"""Pages of the work-admission register, one module per room; the URLconf reads them from here."""

from .approvals import ApprovalBulkView, ApprovalQueueView
from .catalogue import (
    CatalogueItemCreateView,
    CatalogueItemListView,
    CatalogueItemUpdateView,
)
from .departments import DepartmentLeagueView
from .register import (
    CatalogueSuggestView,
    TaskActionView,
    TaskApproveView,
    TaskCreateView,
    TaskDeleteView,
    TaskDetailView,
    TaskListView,
    TaskLogHoursView,
    TaskRefuseView,
    TaskStatusView,
    TaskUpdateView,
)
from .timesheet import TimeEntryListView, TimesheetView

__all__ = [
    "TaskListView",
    "TaskDetailView",
    "TaskCreateView",
    "CatalogueSuggestView",
    "TaskUpdateView",
    "TaskDeleteView",
    "TaskActionView",
    "TaskApproveView",
    "TaskRefuseView",
    "TaskStatusView",
    "TaskLogHoursView",
    "ApprovalBulkView",
    "ApprovalQueueView",
    "TimeEntryListView",
    "TimesheetView",
    "CatalogueItemListView",
    "CatalogueItemCreateView",
    "CatalogueItemUpdateView",
    "DepartmentLeagueView",
]
