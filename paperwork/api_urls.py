"""The versioned read-only API (/api/v1/…) a provincial 一表通 platform pulls from."""

from django.urls import path

from paperwork import api

app_name = "paperwork_api"

urlpatterns = [path("paperwork/figures/", api.FiguresView.as_view(), name="figures")]
