"""What the district keeps: wage benchmarks, insurance rates and pay scales."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.generic import (
    ObjectCreateView,
    ObjectListView,
    ObjectUpdateView,
)
from committee.roles import Action
from staff.filters import (
    InsuranceRatesFilterSet,
    PayScaleFilterSet,
    WageBenchmarkFilterSet,
)
from staff.forms import (
    InsuranceRatesForm,
    PayGradeFormSet,
    PayScaleForm,
    WageBenchmarkForm,
)
from staff.models import (
    InsuranceRates,
    PayScale,
    WageBenchmark,
)
from staff.services import (
    change_pay_scale,
    create_pay_scale,
    save_insurance_rates,
    save_wage_benchmark,
)
from staff.tables import (
    InsuranceRatesTable,
    PayScaleTable,
    WageBenchmarkTable,
)

# --- District settings: benchmarks, insurance rates, pay scales ---------------------------


class DistrictSettingsMixin:
    write_action = Action.ADMINISTER


class WageBenchmarkListView(ObjectListView):
    model = WageBenchmark
    queryset = WageBenchmark.objects.select_related("district")
    table_class = WageBenchmarkTable
    filterset_class = WageBenchmarkFilterSet
    template_name = "staff/settings_list.html"
    add_url_name = "staff:benchmark_add"
    write_action = Action.ADMINISTER
    links_need_write = True


class WageBenchmarkCreateView(DistrictSettingsMixin, ObjectCreateView):
    service = save_wage_benchmark
    model = WageBenchmark
    form_class = WageBenchmarkForm
    template_name = "staff/object_form.html"


class WageBenchmarkUpdateView(DistrictSettingsMixin, ObjectUpdateView):
    service = save_wage_benchmark
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
    links_need_write = True


class InsuranceRatesCreateView(DistrictSettingsMixin, ObjectCreateView):
    service = save_insurance_rates
    model = InsuranceRates
    form_class = InsuranceRatesForm
    template_name = "staff/object_form.html"


class InsuranceRatesUpdateView(DistrictSettingsMixin, ObjectUpdateView):
    service = save_insurance_rates
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
    links_need_write = True


class PayScaleCreateView(DistrictSettingsMixin, ObjectCreateView):
    """A new year's scale, its grade coefficients copied from the year before (or 1.0)."""

    services = (create_pay_scale,)
    model = PayScale
    form_class = PayScaleForm
    template_name = "staff/object_form.html"
    success_text = gettext_lazy("Saved. Check the grade coefficients below.")

    def save(self, form):
        return create_pay_scale(user=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class PayScaleUpdateView(DistrictSettingsMixin, ObjectUpdateView):
    """The scale and its 18 grade coefficients, saved together or not at all."""

    services = (change_pay_scale,)
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
        self.grades_posted = self.grades()
        if not self.grades_posted.management_form.is_valid() or (
            self.grades_posted.total_form_count() != self.object.grades.count()
        ):
            # A tampered table (TOTAL_FORMS edited, rows added or dropped): shown afresh.
            form.add_error(
                None,
                _("The grade table sent does not match this scale's grades; it is shown again."),
            )
            grades = PayGradeFormSet(instance=self.object, prefix="grades")
            return self.render_to_response(self.get_context_data(form=form, grades=grades))
        if not self.grades_posted.is_valid():
            context = self.get_context_data(form=form, grades=self.grades_posted)
            return self.render_to_response(context)
        return super().form_valid(form)

    def save(self, form):
        return change_pay_scale(form.instance, grades=self.grades_posted, user=self.request.user)

    def get_success_url(self):
        return reverse("staff:payscale_list")
