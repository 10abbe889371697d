"""Pages of the paperwork registers: caps, demands, returns, the data-item dictionary,
the withdraw letter and the community's one sheet of current figures.

Every page goes through the one scoping rule: a record outside the user's communities is
a 404; writing needs the right to change the community's records (403 for those who
only see them, such as the street office, which sees every over-cap item of its
communities); caps and the dictionary are district settings.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from committee import scoping
from committee.exports import table_to_workbook_file, xlsx_response
from committee.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    errors_to_form,
    scoped_object_or_404,
)
from committee.models import Community
from committee.pdf import pdf_response, render_pdf
from committee.roles import Action
from paperwork import services, sheets
from paperwork.filters import DemandFilterSet, ReturnFilterSet, ReturnItemFilterSet
from paperwork.forms import CapForm, DataItemForm, DemandForm, ReturnRegisterForm
from paperwork.models import Cap, DataItem, Demand, ReturnForm, ReturnItem
from paperwork.tables import CapTable, DataItemTable, DemandTable, ReturnItemTable, ReturnTable

# --- demands ---------------------------------------------------------------------------


class DemandListView(ObjectListView):
    """Every demand logged, with its flag; the street office sees all its communities'."""

    model = Demand
    queryset = Demand.objects.select_related("community", "department").defer("attachment")
    table_class = DemandTable
    filterset_class = DemandFilterSet
    template_name = "paperwork/demand_list.html"
    add_url_name = "paperwork:demand_new"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["letter_communities"] = scoping.communities(self.request.user).order_by("name")
        return context


class _DemandFormMixin:
    model = Demand
    form_class = DemandForm
    service = services.save_demand
    success_url = reverse_lazy("paperwork:demand_list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return services.save_demand(
            form.instance, user=self.request.user, attachment=form.cleaned_data.get("file")
        )


class DemandCreateView(_DemandFormMixin, ObjectCreateView):
    pass


class DemandUpdateView(_DemandFormMixin, ObjectUpdateView):
    pass


class DemandAttachmentView(LoginRequiredMixin, View):
    """The photo or file kept with a demand, as a download (never shown inline)."""

    def get(self, request, pk: int):
        found = scoped_object_or_404(Demand.objects.visible_to(request.user), pk=pk)
        if not found.has_attachment:
            raise Http404(_("This demand has no attachment."))
        response = HttpResponse(bytes(found.attachment), content_type="application/octet-stream")
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(found.attachment_name)}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- district settings: caps and the data-item dictionary ------------------------------


class _DistrictSetting:
    write_action = Action.ADMINISTER

    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        if not scoping.districts(self.request.user, Action.ADMINISTER).exists():
            kwargs["exclude"] = ("edit",)
        return kwargs


class CapListView(_DistrictSetting, ObjectListView):
    model = Cap
    queryset = Cap.objects.select_related("district")
    table_class = CapTable
    template_name = "paperwork/cap_list.html"
    add_url_name = "paperwork:cap_new"


class _CapFormMixin:
    model = Cap
    form_class = CapForm
    write_action = Action.ADMINISTER
    service = services.save_cap
    success_url = reverse_lazy("paperwork:cap_list")


class CapCreateView(_CapFormMixin, ObjectCreateView):
    pass


class CapUpdateView(_CapFormMixin, ObjectUpdateView):
    pass


class DataItemListView(_DistrictSetting, ObjectListView):
    model = DataItem
    table_class = DataItemTable
    template_name = "paperwork/data_item_list.html"
    add_url_name = "paperwork:data_item_new"


class _DataItemFormMixin:
    model = DataItem
    form_class = DataItemForm
    write_action = Action.ADMINISTER
    service = services.save_data_item
    success_url = reverse_lazy("paperwork:data_item_list")


class DataItemCreateView(_DataItemFormMixin, ObjectCreateView):
    pass


class DataItemUpdateView(_DataItemFormMixin, ObjectUpdateView):
    pass


# --- returns ---------------------------------------------------------------------------


class ReturnListView(ObjectListView):
    model = ReturnForm
    queryset = ReturnForm.objects.select_related("community", "department")
    table_class = ReturnTable
    filterset_class = ReturnFilterSet
    template_name = "paperwork/return_list.html"
    add_url_name = "paperwork:return_new"


class ReturnItemListView(ObjectListView):
    """Every data item asked, by which form; the 重复填报 flag drills down to here."""

    model = ReturnItem
    queryset = ReturnItem.objects.select_related(
        "return_form__community", "return_form__department", "data_item"
    )
    table_class = ReturnItemTable
    filterset_class = ReturnItemFilterSet
    template_name = "paperwork/return_item_list.html"


class ReturnCreateView(LoginRequiredMixin, View):
    """Register a form a department asks for; its repeats are counted as it is saved."""

    template_name = "paperwork/return_form.html"
    services = (services.register_return,)

    def get_form(self, data=None):
        communities = scoping.communities(self.request.user, Action.CHANGE).select_related(
            "street_office"
        )
        if not communities.exists():
            raise PermissionDenied(_("You may not add records here."))
        return ReturnRegisterForm(data, communities=communities, user=self.request.user)

    def get(self, request):
        return render(request, self.template_name, {"form": self.get_form()})

    def post(self, request):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                made = services.register_return(**form.cleaned_data, user=request.user)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Registered."))
                return redirect(made)
        return render(request, self.template_name, {"form": form}, status=400)


class ReturnDetailView(ObjectDetailView):
    """A return: its marks, its items, and which of them the committee already holds."""

    model = ReturnForm
    queryset = ReturnForm.objects.select_related("community", "department")
    template_name = "paperwork/return_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = list(self.object.lines.select_related("data_item", "reused_from__return_form"))
        held = services.held_values(
            self.object.community, [line.data_item_id for line in lines], exclude_return=self.object
        )
        rows = [(line, held.get(line.data_item_id)) for line in lines]
        waiting = [h for line, h in rows if h is not None and not line.value]
        latest = max(waiting, key=lambda h: h.sent_on) if waiting else None
        context.update(
            rows=rows,
            held_count=len(waiting),
            latest=latest,
            repeats=sum(1 for line in lines if line.repeat),
        )
        return context


class _ReturnActionView(LoginRequiredMixin, View):
    """A write on one return: visible → else 404; changeable → else 403."""

    def return_object(self, pk: int) -> ReturnForm:
        found = scoped_object_or_404(
            ReturnForm.objects.visible_to(self.request.user).select_related(
                "community__street_office"
            ),
            pk=pk,
        )
        if not scoping.can(self.request.user, Action.CHANGE, found.community):
            raise PermissionDenied(_("Only the community's committee fills its returns."))
        return found


class ReturnReuseView(_ReturnActionView):
    services = (services.reuse_held,)

    def post(self, request, pk: int):
        found = self.return_object(pk)
        taken = services.reuse_held(return_form=found, user=request.user)
        messages.success(request, _("%(n)s values reused.") % {"n": taken})
        return redirect(found)


class ReturnFillView(_ReturnActionView):
    services = (services.fill_return,)

    def post(self, request, pk: int):
        found = self.return_object(pk)
        values = {
            int(key.removeprefix("item-")): value
            for key, value in request.POST.items()
            if key.startswith("item-") and key.removeprefix("item-").isdigit()
        }
        services.fill_return(return_form=found, values=values, user=request.user)
        messages.success(request, _("Saved."))
        return redirect(found)


# --- a community's letter and sheet ----------------------------------------------------


def _community_or_404(user, pk: int) -> Community:
    return scoped_object_or_404(
        Community.objects.visible_to(user).select_related("street_office__district"), pk=pk
    )


def _letter_context(community: Community) -> dict:
    items = list(services.withdraw_items(community))
    caps = {c.kind: c for c in Cap.objects.filter(district_id=community.street_office.district_id)}
    return {
        "community": community,
        "rows": [(d, caps.get(d.kind)) for d in items],
        "today": timezone.localdate(),
    }


class WithdrawLetterView(LoginRequiredMixin, View):
    """The request to withdraw (PDF): every flagged item standing, with its cap and rule."""

    def get(self, request, pk: int):
        community = _community_or_404(request.user, pk)
        data = render_pdf("paperwork/letter_pdf.html", _letter_context(community), request=request)
        return pdf_response(data, f"{community.name}-withdraw.pdf")


class WithdrawSendView(LoginRequiredMixin, View):
    """Send the letter up through the street office: the items are marked as asked."""

    services = (services.ask_withdrawal,)

    def post(self, request, pk: int):
        community = _community_or_404(request.user, pk)
        if not scoping.can(request.user, Action.CHANGE, community):
            raise PermissionDenied(_("Only the community's committee sends its letter."))
        found = services.ask_withdrawal(community=community, user=request.user)
        messages.success(request, _("Sent to the street office: %(n)s items.") % {"n": len(found)})
        return redirect(
            reverse("paperwork:demand_list") + f"?community={community.pk}&flagged=true"
        )


class SheetView(LoginRequiredMixin, View):
    """The community's current figures as one sheet (and ?export=xlsx)."""

    def get(self, request, pk: int):
        community = _community_or_404(request.user, pk)
        table = sheets.SheetTable(sheets.current_figures(community))
        if request.GET.get("export") == "xlsx":
            handle = table_to_workbook_file(table, community.name)
            return xlsx_response(handle, f"{community.code}-figures.xlsx")
        return render(request, "paperwork/sheet.html", {"community": community, "table": table})
