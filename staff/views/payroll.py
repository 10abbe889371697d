"""The payroll grid: a month's pay for every staff member of a community at once."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from committee import scoping, versions
from committee.generic import (
    scoped_object_or_404,
)
from committee.models import Community
from committee.numbers import cents
from committee.periods import add_months, month_end
from committee.roles import Action
from staff.forms import (
    MonthField,
    PayrollFormSet,
)
from staff.models import (
    InsuranceRates,
    PayGrade,
    PayRecord,
    PayScale,
    StaffMember,
)
from staff.services import (
    PayrollRow,
    record_payroll,
)

# --- Payroll grid ---------------------------------------------------------------------------


class PayrollView(LoginRequiredMixin, TemplateView):
    """A community's month of pay in one grid, started from last month; saved whole or not."""

    services = (record_payroll,)

    template_name = "staff/payroll.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.community = scoped_object_or_404(
            Community.objects.visible_to(request.user).select_related("street_office"),
            pk=kwargs["pk"],
        )
        if not scoping.can(request.user, Action.PAY, self.community):
            raise PermissionDenied(_("You may look at this record but not change it."))
        field = MonthField(required=False)
        try:
            month = field.clean(request.GET.get("month"))
        except ValidationError:
            month = None
        self.month = month or add_months(timezone.localdate().replace(day=1), -1)
        self.load_rows()
        return super().dispatch(request, *args, **kwargs)

    def load_rows(self) -> None:
        month, last = self.month, add_months(self.month, -1)
        people = list(
            StaffMember.objects.filter(community=self.community, start_date__lte=month_end(month))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
            .order_by("kind", "post", "name")
        )
        records = PayRecord.objects.monthly().filter(
            staff_member__in=[p.pk for p in people], month__in=[month, last]
        )
        this_month, last_month = {}, {}
        by_id = {p.pk: p for p in people}
        for record in records:
            record.staff_member = by_id[record.staff_member_id]
            (this_month if record.month == month else last_month)[record.staff_member_id] = record
        district_id = self.community.street_office.district_id
        scale = PayScale.objects.for_year(district_id, month.year)
        coefficients = (
            dict(PayGrade.objects.filter(scale=scale).values_list("grade", "coefficient"))
            if scale
            else {}
        )
        self.rates = InsuranceRates.objects.for_year(district_id, month.year)
        self.existing = this_month
        self.people, self.locked, initial = [], [], []
        for person in people:
            current = this_month.get(person.pk)
            if current is not None and current.override_reason:
                self.locked.append(current)
                continue
            source = current or last_month.get(person.pk)
            row = {
                "staff": person.pk,
                "paid_on": source.paid_on if current else None,
                versions.VERSION_FIELD: current.version if current else None,
            }
            for name in PayRecord.PAY_PARTS:
                row[name] = getattr(source, name) if source else Decimal("0.00")
            if source is None and scale and person.grade in coefficients:
                row["basic_pay"] = cents(scale.base_amount * coefficients[person.grade])
            self.people.append(person)
            initial.append(row)
        self.initial = initial

    def formset(self, data="post"):
        if data == "post":
            data = self.request.POST if self.request.method == "POST" else None
        # Every row counts, changed or not: none is an optional extra form.
        return PayrollFormSet(
            data, initial=self.initial, prefix="pay", form_kwargs={"empty_permitted": False}
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = kwargs.get("formset") or self.formset()
        context.update(
            community=self.community,
            month=self.month,
            previous=add_months(self.month, -1),
            following=add_months(self.month, 1),
            rows=list(zip(self.people, formset.forms, strict=True)),
            formset=formset,
            locked=self.locked,
            rates=self.rates,
            existing=len(self.existing),
            parts=[PayRecord._meta.get_field(n).verbose_name for n in PayRecord.PAY_PARTS],
        )
        return context

    def post(self, request, *args, **kwargs):
        formset = self.formset()
        if not formset.management_form.is_valid() or formset.total_form_count() != len(self.people):
            # A tampered or stale grid (rows added, removed, TOTAL_FORMS edited): start again.
            messages.error(
                request,
                _("The grid sent does not match this month's roster; it is shown again."),
            )
            return self.render_to_response(
                self.get_context_data(formset=self.formset(data=None)), status=400
            )
        by_id = {p.pk: p for p in self.people}
        if formset.is_valid():
            rows = []
            for form in formset.forms:
                person = by_id.get(form.cleaned_data["staff"])
                if person is None:
                    form.add_error(None, _("This person is not on this month's roster."))
                    continue
                rows.append(
                    PayrollRow(
                        staff_member=person,
                        parts={n: form.cleaned_data[n] for n in PayRecord.PAY_PARTS},
                        net=form.cleaned_data.get("net"),
                        paid_on=form.cleaned_data.get("paid_on"),
                        version=form.cleaned_data.get(versions.VERSION_FIELD),
                        drawn=form.add_prefix(versions.VERSION_FIELD) in formset.data,
                    )
                )
            if len(rows) == len(formset.forms):
                try:
                    with transaction.atomic():
                        saved = record_payroll(
                            month=self.month,
                            rows=rows,
                            existing=self.existing,
                            rates=self.rates,
                            user=request.user,
                        )
                except versions.StaleEdit as error:
                    formset = self.show_stale(formset, error)
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, message)
                else:
                    messages.success(
                        request,
                        _("Payroll for %(month)s saved: %(n)s people.")
                        % {"month": f"{self.month:%Y-%m}", "n": len(saved)},
                    )
                    return redirect(
                        reverse("staff:payroll", args=[self.community.pk])
                        + f"?month={self.month:%Y-%m}"
                    )
        messages.error(request, _("Nothing was saved: correct the marked rows and save again."))
        return self.render_to_response(self.get_context_data(formset=formset), status=400)

    def show_stale(self, formset, error: versions.StaleEdit):
        """The grid again with what was typed; each row saved meanwhile shows what is on record.

        Its rows now carry the versions on record, so saving again is a deliberate merge.
        """
        stale = {r.staff_member_id: r for r in error.records}
        data = formset.data.copy()
        for form in formset.forms:
            record = stale.get(form.cleaned_data["staff"])
            if record is not None:
                data[form.add_prefix(versions.VERSION_FIELD)] = str(record.version)
        formset = self.formset(data=data)
        formset.is_valid()
        for form in formset.forms:
            record = stale.get(form.cleaned_data.get("staff"))
            if record is None:
                continue
            form.add_error(None, versions.stale_row_message(record))
            for name in (*PayRecord.PAY_PARTS, "paid_on"):
                if form.cleaned_data.get(name) != getattr(record, name):
                    field = PayRecord._meta.get_field(name)
                    form.add_error(
                        name,
                        _("On record now: %(value)s") % {"value": versions.shown(record, field)},
                    )
        return formset
