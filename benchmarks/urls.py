"""The project's URLs plus a bench-only admin site: the baseline every list page is held to.

Each model's changelist shows 50 rows, the columns of our table's default view, and the
same scope as our page (``visible_to(user)``), so a street official's list is compared
with a changelist of the same street office's rows.
"""

from django.contrib import admin
from django.urls import include, path

from funds.models import Expense, Income
from staff.models import PayRecord, StaffMember
from surveys.models import Survey
from tasks.models import Task, TimeEntry


class BenchAdminSite(admin.AdminSite):
    site_header = "bench"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated


class ScopedAdmin(admin.ModelAdmin):
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        return True

    def has_module_permission(self, request):
        return True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


site = BenchAdminSite(name="bench_admin")
CHANGELISTS = {
    Task: (
        ["title", "community", "department", "category", "outcome", "status", "received_on"]
        + ["money_promised", "money_received"],
        ["community", "department"],
    ),
    TimeEntry: (
        ["date", "staff_member", "task", "resident_work", "hours", "while_pending"],
        ["staff_member", "task"],
    ),
    StaffMember: (["name", "community", "kind", "post", "grade", "start_date"], ["community"]),
    PayRecord: (
        ["month", "staff_member", "kind", "gross", "net", "paid_on"],
        ["staff_member__community"],
    ),
    Income: (["date", "community", "kind", "payer", "amount", "voucher"], ["community"]),
    Expense: (
        ["date", "community", "category", "payee", "amount", "voucher"],
        ["community", "category"],
    ),
    Survey: (["title", "community", "state", "opens", "closes"], ["community"]),
}
for model, (columns, related) in CHANGELISTS.items():
    site.register(
        model,
        type(
            f"{model.__name__}BenchAdmin",
            (ScopedAdmin,),
            {"list_display": columns, "list_select_related": related},
        ),
    )

urlpatterns = [path("bench-admin/", site.urls), path("", include("committee.urls"))]
