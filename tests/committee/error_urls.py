"""The site's URLs plus one that fails, for the 500 page's test."""

from django.urls import path

from committee.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_patterns]
