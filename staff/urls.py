from django.urls import path

from staff import importers, search, views

app_name = "staff"
urlpatterns = [
    path("", views.StaffMemberListView.as_view(), name="staff_list"),
    path("add/", views.StaffMemberCreateView.as_view(), name="staff_add"),
    path("search/", search.StaffSearchView.as_view(), name="staff_search"),
    path("<int:pk>/", views.StaffMemberDetailView.as_view(), name="staff_detail"),
    path("<int:pk>/edit/", views.StaffMemberUpdateView.as_view(), name="staff_edit"),
    path("pay/", views.PayRecordListView.as_view(), name="payrecord_list"),
    path("pay/add/", views.PayRecordCreateView.as_view(), name="payrecord_add"),
    path("pay/import/", importers.PayRecordImportView.as_view(), name="payrecord_import"),
    path("pay/<int:pk>/edit/", views.PayRecordUpdateView.as_view(), name="payrecord_edit"),
    path("pay/<int:pk>/delete/", views.PayRecordDeleteView.as_view(), name="payrecord_delete"),
    path("pay/communities/", views.PayOverviewView.as_view(), name="pay_overview"),
    path("pay/communities/<int:pk>/", views.CommunityPayView.as_view(), name="community_pay"),
    path("pay/communities/<int:pk>/payroll/", views.PayrollView.as_view(), name="payroll"),
    path("benchmarks/", views.WageBenchmarkListView.as_view(), name="benchmark_list"),
    path("benchmarks/add/", views.WageBenchmarkCreateView.as_view(), name="benchmark_add"),
    path(
        "benchmarks/<int:pk>/edit/",
        views.WageBenchmarkUpdateView.as_view(),
        name="benchmark_edit",
    ),
    path("insurance/", views.InsuranceRatesListView.as_view(), name="insurance_list"),
    path("insurance/add/", views.InsuranceRatesCreateView.as_view(), name="insurance_add"),
    path(
        "insurance/<int:pk>/edit/",
        views.InsuranceRatesUpdateView.as_view(),
        name="insurance_edit",
    ),
    path("scales/", views.PayScaleListView.as_view(), name="payscale_list"),
    path("scales/add/", views.PayScaleCreateView.as_view(), name="payscale_add"),
    path("scales/<int:pk>/edit/", views.PayScaleUpdateView.as_view(), name="payscale_edit"),
]
