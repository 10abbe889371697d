"""Home (the root URL): each user lands on the dashboard of their unit."""

from django.urls import path

from dashboards import views

urlpatterns = [path("", views.home, name="home")]
