from django.urls import path

from dashboards import drilldown, views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="index"),
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
]
