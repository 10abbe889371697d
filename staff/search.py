"""Staff names as you type: the suggestions behind a list filter's staff field.

A district has thousands of staff members; a drop-down of all of them is a page of
megabytes. Filters take a typed name instead (``StaffSearchInput``), and this view
offers up to 20 matches among the staff the user may see.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.views import View

from staff.models import StaffMember

LIMIT = 20


class StaffSearchView(LoginRequiredMixin, View):
    def get(self, request):
        typed = request.GET.get("q", "").strip()[:50]
        if not typed:
            return JsonResponse({"results": []})
        found = (
            StaffMember.objects.visible_to(request.user)
            .filter(name__icontains=typed)
            .order_by("name", "community__name", "pk")
            .values_list("name", "community__name")[:LIMIT]
        )
        return JsonResponse(
            {"results": [{"name": name, "community": community} for name, community in found]}
        )
