"""Staff pages: roster, pay records, the community pay comparison, the payroll grid, settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from committee import scoping
from committee.charts import bar_chart, line_chart
from committee.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    scoped_object_or_404,
)
from committee.models import Community
from committee.numbers import WHOLE, cents, round_half_up
from committee.periods import add_months, last_full_months, month_end
from committee.roles import Action
from committee.tables import format_money
from staff import metrics
from staff.filters import (
    InsuranceRatesFilterSet,
    PayRecordFilterSet,
    PayScaleFilterSet,
    StaffMemberFilterSet,
    WageBenchmarkFilterSet,
)
from staff.forms import (
    InsuranceRatesForm,
    MonthField,
    PayGradeFormSet,
    PayRecordForm,
    PayrollFormSet,
    PayScaleForm,
    StaffMemberForm,
    WageBenchmarkForm,
)
from staff.models import (
    InsuranceRates,
    PayGrade,
    PayRecord,
    PayScale,
    StaffMember,
    WageBenchmark,
)
from staff.services import (
    PayrollRow,
    create_pay_scale,
    rates_for,
    record_payroll,
    save_pay_record,
)
from staff.tables import (
    InsuranceRatesTable,
    PayRecordTable,
    PayScaleTable,
    StaffMemberTable,
    WageBenchmarkTable,
)
from staff.validators import mask_national_id, mask_phone


def _yuan(value: float) -> str:
    return f"¥{value:,.0f}"


def default_period() -> tuple[date, date]:
    """The 12 full months before this one."""
    return last_full_months(timezone.localdate())


def period_from(request) -> tuple[date, date]:
    """?start=2026-01&end=2026-06 (months, inclusive); default the last 12 full months."""
    start, end = default_period()
    field = MonthField(required=False)
    try:
        start = field.clean(request.GET.get("start")) or start
        end = field.clean(request.GET.get("end")) or end
    except ValidationError:
        messages.warning(
            request, _("That period is not a month like 2026-05; showing the default.")
        )
        return default_period()
    end = month_end(end)
    if end < start:
        start, end = default_period()
    return start, end


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
                formatter=_yuan,
            )
        return context


class StaffMemberFormMixin:
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

    def form_valid(self, form):
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)


class StaffMemberCreateView(StaffMemberFormMixin, ObjectCreateView):
    pass


class StaffMemberUpdateView(StaffMemberFormMixin, ObjectUpdateView):
    queryset = StaffMember.objects.select_related("community__street_office")


# --- Pay records ----------------------------------------------------------------------------


class PayRecordListView(ObjectListView):
    """Every payment the user may see, filtered by community, kind and month."""

    model = PayRecord
    queryset = PayRecord.objects.for_list()
    table_class = PayRecordTable
    filterset_class = PayRecordFilterSet
    template_name = "staff/payrecord_list.html"
    add_url_name = "staff:payrecord_add"
    export_title = gettext_lazy("Pay records")

    def _can_add(self) -> bool:
        return scoping.communities(self.request.user, Action.CHANGE).exists()


class PayRecordFormMixin:
    model = PayRecord
    form_class = PayRecordForm
    template_name = "staff/payrecord_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_success_url(self):
        return reverse("staff:payrecord_list")

    def form_valid(self, form):
        record = form.instance
        try:
            save_pay_record(
                record=record,
                given=form.given(),
                user=self.request.user,
                rates=rates_for(record.staff_member, record.month),
            )
        except ValidationError as error:
            form._update_errors(error)
            return self.form_invalid(form)
        self.object = record
        messages.success(
            self.request,
            _("Saved: net pay %(net)s for %(name)s, %(month)s.")
            % {
                "net": format_money(record.net),
                "name": record.staff_member,
                "month": f"{record.month:%Y-%m}",
            },
        )
        return HttpResponseRedirect(self.get_success_url())


class PayRecordCreateView(PayRecordFormMixin, ObjectCreateView):
    def get_initial(self):
        return {**super().get_initial(), "month": default_period()[1].replace(day=1)}

    def get_form(self, form_class=None):
        if not scoping.communities(self.request.user, Action.CHANGE).exists():
            raise PermissionDenied(_("You may not add records here."))
        return super().get_form(form_class)


class PayRecordUpdateView(PayRecordFormMixin, ObjectUpdateView):
    queryset = PayRecord.objects.select_related("staff_member__community__street_office")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = self.object.changes.select_related("changed_by")[:24]
        return context


# --- Pay against benchmarks -----------------------------------------------------------------


class PeriodMixin(LoginRequiredMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.start, self.end = period_from(self.request)
        context["start"], context["end"] = self.start, self.end
        return context


class PayOverviewView(PeriodMixin, TemplateView):
    """Pay by community for everyone the user may see: the street office's comparison."""

    template_name = "staff/pay_overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        communities = scoping.communities(self.request.user).select_related("street_office")
        ratios = metrics.pay_ratios_by_community(communities, self.start, self.end)
        gaps = metrics.months_without_employer_insurance_by_community(
            communities, self.start, self.end
        )
        writable = set(
            scoping.communities(self.request.user, Action.CHANGE).values_list("pk", flat=True)
        )
        context["rows"] = [
            {
                "community": c,
                "ratios": ratios.get(c.pk),
                "gaps": gaps.get(c.pk, 0),
                "writable": c.pk in writable,
            }
            for c in communities
        ]
        context["total"] = metrics.pay_ratios(communities, self.start, self.end)
        by_office = metrics.net_pay_summary_by_street_office(communities, self.start, self.end)
        offices = {c.street_office_id: c.street_office for c in communities}
        context["offices"] = [
            (offices[pk], summary["fulltime"], summary["assistant"])
            for pk, summary in sorted(by_office.items())
            if pk in offices
        ]
        return context


class CommunityPayView(PeriodMixin, TemplateView):
    """One community: full-time workers against assistants and the district's benchmarks."""

    template_name = "staff/community_pay.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = scoped_object_or_404(
            Community.objects.visible_to(self.request.user).select_related("street_office"),
            pk=self.kwargs["pk"],
        )
        only = Community.objects.filter(pk=community.pk)
        start, end = self.start, self.end
        summary = metrics.net_pay_summary(only, start, end)
        ratios = metrics.pay_ratios(only, start, end)
        bench = metrics.benchmarks(only, start, end)
        by_month = metrics.median_net_pay_by_month(only, start, end)
        share = _share(self.request.GET.get("share"))
        fulltime, assistant = StaffMember.Kind.FULLTIME, StaffMember.Kind.ASSISTANT
        labels = [str(StaffMember.Kind(fulltime).label), str(StaffMember.Kind(assistant).label)]
        values = [summary[fulltime].median, summary[assistant].median]
        if bench:
            labels += [_("minimum wage"), _("average wage")]
            values += [bench.minimum_wage, bench.average_wage]
        context.update(
            community=community,
            summary=[(StaffMember.Kind(k).label, summary[k]) for k in (fulltime, assistant)],
            ratios=ratios,
            bench=bench,
            by_month=by_month,
            share=share,
            share_percent=round_half_up(share * 100, WHOLE),
            lift_cost=metrics.cost_to_lift_fulltime(only, start, end, share),
            gaps=metrics.months_without_employer_insurance(only, start, end),
            staffing=metrics.staffing(only, start, end),
            can_change=scoping.can(self.request.user, Action.CHANGE, community),
            comparison_chart=bar_chart(
                _("Median monthly net pay against the benchmarks"),
                labels,
                [(_("yuan a month"), values)],
                formatter=_yuan,
            ),
            trend_chart=line_chart(
                _("Median monthly net pay by month"),
                [f"{m:%y-%m}" for m in by_month],
                [
                    (str(StaffMember.Kind(k).label), [row[k] for row in by_month.values()])
                    for k in (fulltime, assistant)
                ],
                formatter=_yuan,
            )
            if by_month
            else None,
        )
        return context


def _share(raw: str | None) -> Decimal:
    """The share of the average wage to lift full-time pay to, as a fraction (default 60 %)."""
    try:
        percent = Decimal(raw) if raw else Decimal("60")
    except InvalidOperation:
        percent = Decimal("60")
    return min(max(percent, Decimal("0")), Decimal("200")) / 100


# --- Payroll grid ---------------------------------------------------------------------------


class PayrollView(LoginRequiredMixin, TemplateView):
    """A community's month of pay in one grid, started from last month; saved whole or not."""

    template_name = "staff/payroll.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.community = scoped_object_or_404(
            Community.objects.visible_to(request.user).select_related("street_office"),
            pk=kwargs["pk"],
        )
        if not scoping.can(request.user, Action.CHANGE, self.community):
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
            row = {"staff": person.pk, "paid_on": source.paid_on if current else None}
            for name in PayRecord.PAY_PARTS:
                row[name] = getattr(source, name) if source else Decimal("0.00")
            if source is None and scale and person.grade in coefficients:
                row["basic_pay"] = cents(scale.base_amount * coefficients[person.grade])
            self.people.append(person)
            initial.append(row)
        self.initial = initial

    def formset(self):
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
        by_id = {p.pk: p for p in self.people}
        if formset.is_valid() and len(formset.forms) != len(self.people):
            messages.error(request, _("The roster changed while you were typing; check the rows."))
        elif formset.is_valid():
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


# --- District settings: benchmarks, insurance rates, pay scales ---------------------------


class DistrictSettingsMixin:
    write_action = Action.ADMINISTER

    def form_valid(self, form):
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)


class WageBenchmarkListView(ObjectListView):
    model = WageBenchmark
    queryset = WageBenchmark.objects.select_related("district")
    table_class = WageBenchmarkTable
    filterset_class = WageBenchmarkFilterSet
    template_name = "staff/settings_list.html"
    add_url_name = "staff:benchmark_add"
    write_action = Action.ADMINISTER


class WageBenchmarkCreateView(DistrictSettingsMixin, ObjectCreateView):
    model = WageBenchmark
    form_class = WageBenchmarkForm
    template_name = "staff/object_form.html"


class WageBenchmarkUpdateView(DistrictSettingsMixin, ObjectUpdateView):
    model = WageBenchmark
    form_class = WageBenchmarkForm
    template_name = "staff/object_form.html"


class InsuranceRatesListView(ObjectListView):
    model = InsuranceRates
    queryset = InsuranceRates.objects.select_related("district")
    table_class = InsuranceRatesTable
    filterset_class = InsuranceRatesFilterSet
    template_name = "staff/settings_list.html"
    add_url_name = "staff:insurance_add"
    write_action = Action.ADMINISTER


class InsuranceRatesCreateView(DistrictSettingsMixin, ObjectCreateView):
    model = InsuranceRates
    form_class = InsuranceRatesForm
    template_name = "staff/object_form.html"


class InsuranceRatesUpdateView(DistrictSettingsMixin, ObjectUpdateView):
    model = InsuranceRates
    form_class = InsuranceRatesForm
    template_name = "staff/object_form.html"


class PayScaleListView(ObjectListView):
    model = PayScale
    queryset = PayScale.objects.select_related("district")
    table_class = PayScaleTable
    filterset_class = PayScaleFilterSet
    template_name = "staff/settings_list.html"
    add_url_name = "staff:payscale_add"
    write_action = Action.ADMINISTER


class PayScaleCreateView(DistrictSettingsMixin, ObjectCreateView):
    """A new year's scale, its grade coefficients copied from the year before (or 1.0)."""

    model = PayScale
    form_class = PayScaleForm
    template_name = "staff/object_form.html"

    def form_valid(self, form):
        self.object = create_pay_scale(**form.cleaned_data)
        messages.success(self.request, _("Saved. Check the grade coefficients below."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class PayScaleUpdateView(DistrictSettingsMixin, ObjectUpdateView):
    """The scale and its 18 grade coefficients, saved together or not at all."""

    model = PayScale
    form_class = PayScaleForm
    template_name = "staff/payscale_form.html"

    def grades(self):
        data = self.request.POST if self.request.method == "POST" else None
        return PayGradeFormSet(data, instance=self.object, prefix="grades")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("grades", self.grades())
        return context

    def form_valid(self, form):
        grades = self.grades()
        if not grades.is_valid():
            return self.render_to_response(self.get_context_data(form=form, grades=grades))
        with transaction.atomic():
            self.object = form.save()
            grades.save()
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(reverse("staff:payscale_list"))
