"""Pages of the base app: the community list and a community's page."""

from django.utils.translation import gettext_lazy as _

from committee.filters import CommunityFilterSet
from committee.forms import CommunityForm
from committee.generic import ObjectDetailView, ObjectListView, ObjectUpdateView
from committee.models import Community
from committee.roles import Action
from committee.services import save_community
from committee.tables import CommunityTable


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
