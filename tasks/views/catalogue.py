"""The district's catalogue of community work matters."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee import scoping
from committee.generic import (
    ObjectCreateView,
    ObjectListView,
    ObjectUpdateView,
)
from committee.roles import Action
from tasks import services
from tasks.filters import (
    CatalogueItemFilterSet,
)
from tasks.forms import (
    CatalogueItemForm,
)
from tasks.models import (
    CatalogueItem,
    CatalogueList,
)
from tasks.tables import (
    CatalogueItemTable,
)

# --- catalogue ----------------------------------------------------------------------------


class CatalogueItemListView(ObjectListView):
    """The catalogue of community work matters: anyone may read and search it."""

    model = CatalogueItem
    queryset = CatalogueItem.objects.select_related("district").order_by(
        Case(*(When(list=v, then=i) for i, v in enumerate(CatalogueList.values))),
        "category",
        "item",
    )
    table_class = CatalogueItemTable
    filterset_class = CatalogueItemFilterSet
    template_name = "tasks/catalogue_list.html"
    export_title = gettext_lazy("Catalogue")
    add_url_name = "tasks:catalogue_create"
    write_action = Action.ADMINISTER

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not scoping.districts(self.request.user, Action.ADMINISTER).exists():
            kwargs["exclude"] = ("edit",)
        return kwargs


class CatalogueItemCreateView(ObjectCreateView):
    service = services.save_catalogue_item
    model = CatalogueItem
    form_class = CatalogueItemForm
    write_action = Action.ADMINISTER

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("tasks:catalogue_list")


class CatalogueItemUpdateView(ObjectUpdateView):
    service = services.save_catalogue_item
    model = CatalogueItem
    form_class = CatalogueItemForm
    write_action = Action.ADMINISTER

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("tasks:catalogue_list")
