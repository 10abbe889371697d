"""The roster: staff members, their personal data masked unless the user may see it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee import audit, scoping
from committee.charts import line_chart
from committee.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
)
from committee.periods import add_months
from committee.roles import Action
from staff.filters import (
    StaffMemberFilterSet,
)
from staff.forms import (
    StaffMemberForm,
)
from staff.models import (
    PayRecord,
    StaffMember,
)
from staff.services import save_staff_member
from staff.tables import (
    StaffMemberTable,
)
from staff.validators import mask_national_id, mask_phone
from staff.views.common import chart_yuan, default_period


class PersonalDataMixin:
    def get_table_kwargs(self):
        kwargs = super().get_table_kwargs()
        kwargs["personal_ids"] = frozenset(
            scoping.communities(self.request.user, Action.PERSONAL_DATA).values_list(
                "pk", flat=True
            )
        )
        return kwargs


# --- Roster ---------------------------------------------------------------------------------


class StaffMemberListView(PersonalDataMixin, ObjectListView):
    """The roster of every community the user may see; personal data masked unless allowed."""

    model = StaffMember
    queryset = StaffMember.objects.select_related("community", "employer")
    table_class = StaffMemberTable
    filterset_class = StaffMemberFilterSet
    template_name = "staff/staff_list.html"
    add_url_name = "staff:staff_add"
    export_title = gettext_lazy("Roster")
    keep_page_sql = True  # its query depends on the scope, the address and the columns


class StaffMemberDetailView(ObjectDetailView):
    """One person: the roster facts and the last 12 months of pay, drawn and tabled."""

    model = StaffMember
    queryset = StaffMember.objects.select_related("community__street_office", "employer")
    template_name = "staff/staffmember_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        shown = scoping.can(self.request.user, Action.PERSONAL_DATA, person.community)
        context["national_id"] = (
            person.national_id if shown else mask_national_id(person.national_id)
        )
        context["phone"] = person.phone if shown else mask_phone(person.phone)
        if shown and (person.national_id or person.phone):
            # Who saw this person's ID number and phone in full, when (committee/audit.py).
            audit.log_access(person, "national_id")
        start, end = default_period()
        records = list(
            PayRecord.objects.filter(staff_member=person)
            .between(start, end)
            .order_by("month", "kind")
        )
        context["records"] = records
        context["period"] = (start, end)
        monthly = {r.month: r for r in records if r.kind == PayRecord.Kind.MONTHLY}
        months = [add_months(start, i) for i in range(12)]
        if monthly:
            context["chart"] = line_chart(
                _("Monthly pay, last 12 months"),
                [f"{m:%y-%m}" for m in months],
                [
                    (_("gross pay"), [monthly[m].gross if m in monthly else None for m in months]),
                    (_("net pay"), [monthly[m].net if m in monthly else None for m in months]),
                ],
                formatter=chart_yuan,
            )
        return context


class StaffMemberFormMixin:
    service = save_staff_member
    model = StaffMember
    form_class = StaffMemberForm
    template_name = "staff/object_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk:
            kwargs["may_see_personal_data"] = scoping.can(
                self.request.user, Action.PERSONAL_DATA, obj.community
            )
        return kwargs


class StaffMemberCreateView(StaffMemberFormMixin, ObjectCreateView):
    pass


class StaffMemberUpdateView(StaffMemberFormMixin, ObjectUpdateView):
    queryset = StaffMember.objects.select_related("community__street_office")
