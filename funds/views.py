"""Pages of the books: lists, forms, a community's year, a street office's comparison,
and the public finance notice (居务公开).

Views validate, call one service, render. Reads go through the scoped querysets.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from committee import scoping, versions
from committee.generic import (
    ObjectCreateView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    scoped_object_or_404,
)
from committee.models import Community, StreetOffice
from committee.periods import year_bounds, year_to
from committee.roles import Action
from funds import metrics, services
from funds.charts import Step, waterfall_svg
from funds.filters import BudgetLineFilterSet, ExpenseFilterSet, IncomeFilterSet
from funds.forms import (
    BudgetLineChangeForm,
    BudgetLineForm,
    CategoryChangeForm,
    CategoryForm,
    ExpenseChangeForm,
    ExpenseForm,
    IncomeChangeForm,
    IncomeForm,
    ScenarioForm,
)
from funds.models import BudgetLine, Category, Expense, FinancialYear, FundsLogEntry, Income
from funds.tables import BudgetLineTable, CategoryTable, ExpenseTable, IncomeTable

MONEY = DecimalField(max_digits=14, decimal_places=2)


def this_year() -> int:
    return timezone.localdate().year


# Lists, detail, forms ----------------------------------------------------------------------


class IncomeListView(ObjectListView):
    """Money that came in, pooling shown as a deduction."""

    model = Income
    queryset = Income.objects.select_related("community", "task", "recorded_by")
    table_class = IncomeTable
    filterset_class = IncomeFilterSet
    template_name = "funds/income_list.html"
    add_url_name = "funds:income_add"
    export_title = gettext_lazy("Income")
    keep_page_sql = True  # its query depends on the scope, the address and the columns


class ExpenseListView(ObjectListView):
    """Money spent, flagged where it overdrew the year."""

    model = Expense
    queryset = Expense.objects.select_related("community", "category", "task", "recorded_by")
    table_class = ExpenseTable
    filterset_class = ExpenseFilterSet
    template_name = "funds/expense_list.html"
    add_url_name = "funds:expense_add"
    export_title = gettext_lazy("Expenses")
    keep_page_sql = True  # its query depends on the scope, the address and the columns


class BudgetLineListView(ObjectListView):
    """Each budget line with what was spent on its category that year."""

    model = BudgetLine
    table_class = BudgetLineTable
    filterset_class = BudgetLineFilterSet
    template_name = "funds/budget_list.html"
    add_url_name = "funds:budget_add"
    export_title = gettext_lazy("Budget")

    def base_queryset(self):
        spent = (
            Expense.objects.filter(
                community=OuterRef("community"),
                year=OuterRef("year"),
                category=OuterRef("category"),
            )
            .order_by()
            .values("community")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        return BudgetLine.objects.select_related("community", "category").annotate(
            actual=Coalesce(
                Subquery(spent, output_field=MONEY), Value(Decimal(0)), output_field=MONEY
            )
        )


class CategoryListView(ObjectListView):
    """The district's spending categories; its officers edit them."""

    model = Category
    queryset = Category.objects.select_related("district")
    table_class = CategoryTable
    template_name = "funds/category_list.html"
    add_url_name = "funds:category_add"
    write_action = Action.ADMINISTER
    links_need_write = True


class RecordDetailView(ObjectDetailView):
    template_name = "funds/record_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year_closed"] = services.is_closed(
            community=self.object.community, year=self.object.year
        )
        context["kind"] = self.kind
        return context


class IncomeDetailView(RecordDetailView):
    model = Income
    queryset = Income.objects.select_related("community__street_office", "task", "recorded_by")
    kind = "income"


class ExpenseDetailView(RecordDetailView):
    model = Expense
    queryset = Expense.objects.select_related(
        "community__street_office", "category", "task", "recorded_by"
    )
    kind = "expense"


class FormTitleMixin:
    template_name = "funds/object_form.html"
    form_title = ""


class ServiceFormMixin(FormTitleMixin):
    """Save through a funds service with the form's fields (generic.ServiceFormMixin)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if hasattr(form, "limit_choices"):
            form.limit_choices(self.request.user)
        return form

    def fields_of(self, form) -> dict:
        skip = {"community", versions.VERSION_FIELD}
        return {k: v for k, v in form.cleaned_data.items() if k not in skip}


class IncomeCreateView(ServiceFormMixin, ObjectCreateView):
    services = (services.record_income,)
    form_title = gettext_lazy("Add income")
    model = Income
    form_class = IncomeForm

    def get_initial(self):
        return {"date": timezone.localdate(), **self.request.GET.dict()}

    def save(self, form):
        return services.record_income(
            community=form.cleaned_data["community"], user=self.request.user, **self.fields_of(form)
        )


class IncomeUpdateView(ServiceFormMixin, ObjectUpdateView):
    services = (services.change_income,)
    form_title = gettext_lazy("Edit income")
    model = Income
    form_class = IncomeChangeForm

    def save(self, form):
        return services.change_income(
            income=self.object, user=self.request.user, **self.fields_of(form)
        )


class ExpenseFormMixin(ServiceFormMixin):
    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self.object, "overdraws", False) and self.object.pk:
            messages.warning(
                self.request,
                _(
                    "Saved, but this expense takes %(year)s's usable money below zero. "
                    "It is flagged for the street office."
                )
                % {"year": self.object.year},
            )
        return response


class ExpenseCreateView(ExpenseFormMixin, ObjectCreateView):
    services = (services.record_expense,)
    form_title = gettext_lazy("Add expense")
    model = Expense
    form_class = ExpenseForm

    def get_initial(self):
        return {"date": timezone.localdate(), **self.request.GET.dict()}

    def save(self, form):
        return services.record_expense(
            community=form.cleaned_data["community"], user=self.request.user, **self.fields_of(form)
        )


class ExpenseUpdateView(ExpenseFormMixin, ObjectUpdateView):
    services = (services.change_expense,)
    form_title = gettext_lazy("Edit expense")
    model = Expense
    form_class = ExpenseChangeForm

    def save(self, form):
        return services.change_expense(
            expense=self.object, user=self.request.user, **self.fields_of(form)
        )


class BudgetLineCreateView(ServiceFormMixin, ObjectCreateView):
    services = (services.save_budget_line,)
    form_title = gettext_lazy("Add a budget line")
    model = BudgetLine
    form_class = BudgetLineForm

    def get_initial(self):
        return {"year": this_year(), **self.request.GET.dict()}

    def save(self, form):
        return services.save_budget_line(
            user=self.request.user,
            community=form.cleaned_data["community"],
            **self.fields_of(form),
        )


class BudgetLineUpdateView(ServiceFormMixin, ObjectUpdateView):
    services = (services.save_budget_line,)
    form_title = gettext_lazy("Edit a budget line")
    model = BudgetLine
    form_class = BudgetLineChangeForm
    delete_url_name = "funds:budget_delete"

    def save(self, form):
        return services.save_budget_line(
            user=self.request.user, line=self.object, **self.fields_of(form)
        )


class CategoryCreateView(FormTitleMixin, ObjectCreateView):
    form_title = gettext_lazy("Add a spending category")
    model = Category
    form_class = CategoryForm
    write_action = Action.ADMINISTER
    success_url = reverse_lazy("funds:category_list")
    service = services.save_category


class CategoryUpdateView(FormTitleMixin, ObjectUpdateView):
    form_title = gettext_lazy("Edit a spending category")
    model = Category
    form_class = CategoryChangeForm
    write_action = Action.ADMINISTER
    success_url = reverse_lazy("funds:category_list")
    service = services.save_category


class IncomeDeleteView(ObjectDeleteView):
    services = (services.delete_income,)
    model = Income
    success_url = reverse_lazy("funds:income_list")

    def delete_record(self, record):
        services.delete_income(income=record, user=self.request.user)


class ExpenseDeleteView(ObjectDeleteView):
    services = (services.delete_expense,)
    model = Expense
    success_url = reverse_lazy("funds:expense_list")

    def delete_record(self, record):
        services.delete_expense(expense=record, user=self.request.user)


class BudgetLineDeleteView(ObjectDeleteView):
    services = (services.delete_budget_line,)
    model = BudgetLine
    success_url = reverse_lazy("funds:budget_list")

    def delete_record(self, record):
        services.delete_budget_line(line=record, user=self.request.user)


# A community's year ------------------------------------------------------------------------


def scenario_allocation(request) -> tuple[ScenarioForm, Decimal]:
    form = ScenarioForm(request.GET or None, initial={"allocation": metrics.PROPOSED_ALLOCATION})
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["allocation"]
    return form, metrics.PROPOSED_ALLOCATION


def waterfall_steps(summary: metrics.FundsSummary) -> list[Step]:
    """From allocation through pooling and other income to usable money, then to the balance."""
    steps = [Step(_("Allocated"), summary.allocated), Step(_("Pooled"), -summary.pooled)]
    for label, amount in (
        (_("Contributions"), summary.contributions),
        (_("Services"), summary.service),
        (_("Other income"), summary.other),
    ):
        if amount:
            steps.append(Step(label, amount))
    steps.append(Step(_("Usable"), summary.usable, total=True))
    if summary.task_funding:
        steps.append(Step(_("Task funding"), summary.task_funding))
    steps.append(Step(_("Essential costs"), -summary.essential_costs))
    other_spending = summary.spent - summary.essential_costs
    if other_spending:
        steps.append(Step(_("Other spending"), -other_spending))
    steps.append(Step(_("Balance"), summary.balance, total=True))
    return steps


def year_figures(communities, year: int) -> dict:
    """The figures a year page shows, for one community or several."""
    start, end = year_bounds(year)
    summary = metrics.summary(communities, start, end)
    today = timezone.localdate()
    current = start <= today <= end
    figures = {
        "summary": summary,
        "start": start,
        "end": end,
        "essential_planned": metrics.essential_costs_planned(communities, start, end),
        "by_category": metrics.budget_vs_actual(communities, start, end),
        "task_spending": metrics.task_spending(communities, start, end),
        "projection": metrics.projection(communities, start, end, on=today) if current else None,
    }
    if current:
        last_start, last_end = year_to(today)
        figures["essential_12_months"] = metrics.essential_costs(communities, last_start, last_end)
        figures["last_12_start"] = last_start
    return figures


class CommunityYearView(LoginRequiredMixin, TemplateView):
    """A community's year: where the money came from, where it went, and the gap."""

    template_name = "funds/community_year.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        community = scoped_object_or_404(
            Community.objects.visible_to(user).select_related("street_office__district"),
            pk=self.kwargs["pk"],
        )
        year = self.kwargs["year"]
        one = Community.objects.filter(pk=community.pk)
        figures = year_figures(one, year)
        form, allocation = scenario_allocation(self.request)
        book = FinancialYear.objects.filter(community=community, year=year).first()
        context.update(
            figures,
            community=community,
            year=year,
            years=[year - 1, year + 1] if year < this_year() else [year - 1],
            book=book,
            closed=bool(book and book.closed),
            published=bool(book and book.published),
            can_change=scoping.can(user, Action.CHANGE, community),
            can_manage=scoping.can(user, Action.MANAGE, community),
            can_reopen=scoping.can(user, Action.ADMINISTER, community),
            # A committee cannot open its street office's comparison: no link to a 404.
            sees_street_office=StreetOffice.objects.visible_to(user)
            .filter(pk=community.street_office_id)
            .exists(),
            steps=(steps := waterfall_steps(figures["summary"])),
            chart=waterfall_svg(
                _("%(community)s %(year)s: from allocation to balance")
                % {"community": community.name, "year": year},
                steps,
            ),
            scenario_form=form,
            scenario=metrics.Scenario(
                communities=1, allocation_per_community=allocation, now=figures["summary"]
            ),
            log=FundsLogEntry.objects.filter(community=community, year=year).select_related("user")[
                :10
            ],
        )
        return context


class ComparisonView(LoginRequiredMixin, TemplateView):
    """Communities side by side for a year: money, essential costs and the gap."""

    template_name = "funds/comparison.html"

    def communities(self):
        return Community.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs.get("year") or self.year_from_query()
        communities = self.communities().select_related("street_office")
        start, end = year_bounds(year)
        form, allocation = scenario_allocation(self.request)
        by_community = metrics.scenario_by_community(communities, start, end, allocation)
        rows = [(c, by_community[c.pk]) for c in communities]
        context.update(
            year=year,
            rows=rows,
            total=metrics.scenario(communities, start, end, allocation),
            shortfall=sum((sc.gap_now for _, sc in rows if sc.gap_now > 0), Decimal("0.00")),
            short=sum(1 for _, sc in rows if sc.gap_now > 0),
            scenario_form=form,
            street_office=getattr(self, "street_office", None),
        )
        return context

    def year_from_query(self) -> int:
        try:
            return int(self.request.GET.get("year", this_year()))
        except ValueError:
            return this_year()


class FundsIndexView(ComparisonView):
    """The funds entry: one's own community's year, or the communities one oversees."""

    def get(self, request, *args, **kwargs):
        visible = list(self.communities()[:2])
        if len(visible) == 1:
            return redirect("funds:community_year", pk=visible[0].pk, year=this_year())
        return super().get(request, *args, **kwargs)


class StreetOfficeYearView(ComparisonView):
    """A street office's communities compared, for its officials and the district."""

    def communities(self):
        return Community.objects.visible_to(self.request.user).filter(
            street_office=self.street_office
        )

    def get(self, request, *args, **kwargs):
        self.street_office = scoped_object_or_404(
            StreetOffice.objects.visible_to(request.user), pk=kwargs["pk"]
        )
        return super().get(request, *args, **kwargs)


class YearActionView(LoginRequiredMixin, View):
    """Reopen, publish or withdraw a year's books: POST only, through a service.

    Closing has its own page, which shows what will lock (funds/close_views.py)."""

    services = (services.close_year, services.reopen_year, services.publish_notice)

    def post(self, request, pk: int, year: int, action: str):
        community = scoped_object_or_404(
            Community.objects.visible_to(request.user).select_related("street_office"), pk=pk
        )
        act = {
            "reopen": (services.reopen_year, {}, _("The books of %(year)s are open again.")),
            "publish": (
                services.publish_notice,
                {"publish": True},
                _("The finance notice of %(year)s is published."),
            ),
            "withdraw": (
                services.publish_notice,
                {"publish": False},
                _("The finance notice of %(year)s is withdrawn."),
            ),
        }.get(action)
        if act is None:
            raise Http404
        service, extra, done = act
        if action == "reopen":
            extra = {"reason": request.POST.get("reason", "")}
        try:
            service(community=community, year=year, user=request.user, **extra)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done % {"year": year})
        return redirect("funds:community_year", pk=community.pk, year=year)


class PublicNoticeView(TemplateView):
    """居务公开: a community's published totals for a year, for residents, without login.

    Totals by kind of income and by category of spending only: never payees, payers,
    vouchers or notes.
    """

    template_name = "funds/notice.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        book = (
            FinancialYear.objects.select_related("community__street_office")
            .filter(
                community_id=self.kwargs["pk"],
                year=self.kwargs["year"],
                published_at__isnull=False,
            )
            .first()
        )
        if book is None:
            raise Http404(_("This notice is not published."))
        one = Community.objects.filter(pk=book.community_id)
        start, end = year_bounds(book.year)
        summary = metrics.summary(one, start, end)
        context.update(
            book=book,
            community=book.community,
            year=book.year,
            summary=summary,
            income_rows=[
                (_("Allocated by the district"), summary.allocated, False),
                (_("Pooled by the street office"), summary.pooled, True),
                (_("Contributions from units in the area"), summary.contributions, False),
                (_("Paid and low-cost services"), summary.service, False),
                (_("Other income"), summary.other, False),
            ],
            by_category=metrics.spent_by_category(one, start, end),
            steps=(steps := waterfall_steps(summary)),
            chart=waterfall_svg(
                _("%(community)s %(year)s: from allocation to balance")
                % {"community": book.community.name, "year": book.year},
                steps,
            ),
        )
        return context
