"""Filter forms of the books' lists: only the communities and categories the user may see."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import Community
from funds.forms import DateInput
from funds.models import BudgetLine, Category, Expense, Income


class BooksFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From"), widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To"), widget=DateInput()
    )
    search_fields: tuple[str, ...] = ("voucher", "note")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["community"].queryset = Community.objects.visible_to(request.user)
            if "category" in self.filters:
                self.filters["category"].queryset = Category.objects.visible_to(request.user)

    def search(self, queryset, name, value):
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class IncomeFilterSet(BooksFilterSet):
    search_fields = ("payer", "voucher", "note")

    class Meta:
        model = Income
        fields = ["q", "community", "year", "kind", "date_from", "date_to"]


class ExpenseFilterSet(BooksFilterSet):
    search_fields = ("payee", "voucher", "note")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.none(), label=_("Category")
    )
    essential = django_filters.BooleanFilter(
        field_name="category__essential", label=_("Essential running cost")
    )
    on_task = django_filters.BooleanFilter(
        field_name="task", lookup_expr="isnull", exclude=True, label=_("Spent on a task")
    )

    class Meta:
        model = Expense
        fields = [
            "q",
            "community",
            "year",
            "category",
            "essential",
            "on_task",
            "overdraws",
            "date_from",
            "date_to",
        ]


class BudgetLineFilterSet(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.none(), label=_("Category")
    )

    class Meta:
        model = BudgetLine
        fields = ["community", "year", "category"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:
            self.filters["community"].queryset = Community.objects.visible_to(request.user)
            self.filters["category"].queryset = Category.objects.visible_to(request.user)
