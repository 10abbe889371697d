"""Pages of the base app: the community list, a community's page, locked logins."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import generic

from committee import lockouts, scoping
from committee.filters import CommunityFilterSet
from committee.forms import CommunityForm
from committee.generic import ObjectDetailView, ObjectListView, ObjectUpdateView
from committee.models import Community
from committee.roles import Action
from committee.services import save_community
from committee.tables import CommunityTable

User = get_user_model()


class CommunityListView(ObjectListView):
    """The communities the user may see (Home itself is the dashboards' landing)."""

    model = Community
    queryset = Community.objects.select_related("street_office__district")
    table_class = CommunityTable
    filterset_class = CommunityFilterSet
    template_name = "committee/community_list.html"
    export_title = _("Communities")


class CommunityDetailView(ObjectDetailView):
    model = Community
    queryset = Community.objects.select_related("street_office__district")
    template_name = "committee/community_detail.html"
    write_action = Action.MANAGE  # the Edit button shows for whoever may edit


class CommunityUpdateView(ObjectUpdateView):
    """The chair keeps the community's own figures current."""

    model = Community
    form_class = CommunityForm
    write_action = Action.MANAGE
    service = save_community

    def form_valid(self, form):
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)


class LockoutListView(LoginRequiredMixin, generic.TemplateView):
    """Logins locked after too many wrong passwords, for the district officer to clear."""

    template_name = "committee/lockout_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not lockouts.may_unlock(request.user):
            raise PermissionDenied(_("Only a district officer may unlock logins."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lockouts"] = [
            (attempt, lockouts.locked_until(attempt))
            for attempt in lockouts.lockouts_visible_to(self.request.user)
        ]
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        context["lockout_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context


class LockoutUnlockView(LockoutListView):
    """POST ``username``: clears that account's lockouts (404 outside the officer's district)."""

    http_method_names = ["post"]
    services = (lockouts.unlock,)

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if not scoping.users(request.user).filter(**{User.USERNAME_FIELD: username}).exists():
            raise Http404(_("No such account, or not one you look after."))
        lockouts.unlock(username=username, by=request.user)
        messages.success(request, _("%(username)s may log in again.") % {"username": username})
        return redirect("lockout_list")
