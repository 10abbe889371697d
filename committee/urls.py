"""Root URLs. Each app is included by its dotted name, so this base imports none of them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from committee import account_views, audit_views, health, import_views, job_views, views

committee_patterns = (
    [
        path("communities/", views.CommunityListView.as_view(), name="community_list"),
        path(
            "communities/<int:pk>/",
            views.CommunityDetailView.as_view(),
            name="community_detail",
        ),
        path(
            "communities/<int:pk>/edit/",
            views.CommunityUpdateView.as_view(),
            name="community_edit",
        ),
        path(
            "imports/<int:pk>/",
            import_views.ImportBatchDetailView.as_view(),
            name="import_batch_detail",
        ),
        path("audit/", audit_views.AuditLogView.as_view(), name="audit_log"),
        path("audit/<int:pk>/restore/", audit_views.RestoreView.as_view(), name="audit_restore"),
        path("jobs/", job_views.JobListView.as_view(), name="job_list"),
        path("jobs/<int:pk>/", job_views.JobDetailView.as_view(), name="job_detail"),
        path("jobs/<int:pk>/status/", job_views.JobStatusView.as_view(), name="job_status"),
        path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job_download"),
        path("jobs/<int:pk>/cancel/", job_views.JobCancelView.as_view(), name="job_cancel"),
    ],
    "committee",
)

urlpatterns = [
    # First: its public survey form is the most requested page (surveys/urls.py).
    path("surveys/", include("surveys.urls")),
    path("", include("dashboards.home_urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", account_views.AccountListView.as_view(), name="account_list"),
    path("accounts/new/", account_views.AccountCreateView.as_view(), name="account_create"),
    path("accounts/<int:pk>/", account_views.AccountDetailView.as_view(), name="account_detail"),
    path("accounts/lockouts/", views.LockoutListView.as_view(), name="lockout_list"),
    path("accounts/lockouts/unlock/", views.LockoutUnlockView.as_view(), name="lockout_unlock"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("admin/", admin.site.urls),
    path("", include(committee_patterns)),
    path("tasks/", include("tasks.urls")),
    path("funds/", include("funds.urls")),
    path("staff/", include("staff.urls")),
    path("certificates/", include("certificates.urls")),
    path("paperwork/", include("paperwork.urls")),
    path("api/v1/", include("paperwork.api_urls")),
    path("dashboards/", include("dashboards.urls")),
]
