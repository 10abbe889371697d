"""Forms of the books. They check the shape of what was typed; the rules are in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from committee.roles import Action
from funds.models import BudgetLine, Category, Expense, Income

AMOUNT_ERRORS = {
    "invalid": _("Enter an amount in yuan, like 1234.50."),
    "min_value": _("The amount must be more than zero."),
    "max_decimal_places": _("Amounts have at most two decimals (fen)."),
    "max_digits": _("That amount is too large."),
    "max_whole_digits": _("That amount is too large."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ScopedChoicesMixin:
    """Offer only the tasks and categories the user may use."""

    def limit_choices(self, user) -> None:
        if "task" in self.fields:
            from tasks.models import Task

            self.fields["task"].queryset = (
                Task.objects.for_action(user, Action.CHANGE)
                .select_related("community")
                .order_by("-received_on", "title")
            )
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.visible_to(user)


class IncomeForm(ScopedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Income
        fields = ["community", "date", "kind", "payer", "amount", "voucher", "task", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"amount": AMOUNT_ERRORS}


class IncomeChangeForm(IncomeForm):
    class Meta(IncomeForm.Meta):
        fields = [f for f in IncomeForm.Meta.fields if f != "community"]


class ExpenseForm(ScopedChoicesMixin, forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["community", "date", "category", "payee", "amount", "voucher", "task", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"amount": AMOUNT_ERRORS}


class ExpenseChangeForm(ExpenseForm):
    class Meta(ExpenseForm.Meta):
        fields = [f for f in ExpenseForm.Meta.fields if f != "community"]


class BudgetLineForm(ScopedChoicesMixin, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["community", "year", "category", "planned", "note"]
        error_messages = {"planned": {**AMOUNT_ERRORS, "min_value": _("Plan zero or more yuan.")}}


class BudgetLineChangeForm(BudgetLineForm):
    class Meta(BudgetLineForm.Meta):
        fields = ["category", "planned", "note"]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["district", "name", "code", "essential", "order"]


class CategoryChangeForm(CategoryForm):
    class Meta(CategoryForm.Meta):
        fields = ["name", "essential", "order"]


class ScenarioForm(forms.Form):
    """What if each community were allocated this much a year."""

    allocation = forms.DecimalField(
        label=_("Allocation per community (¥ a year)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages=AMOUNT_ERRORS,
    )


class CloseYearForm(forms.Form):
    """The chair's confirmation on the close page; a year not yet ended needs the box ticked."""

    before_year_end = forms.BooleanField(
        label=_("I know this year has not ended, and close it anyway"),
        required=False,
    )

    def __init__(self, *args, early: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.early = early
        if not early:
            del self.fields["before_year_end"]
        else:
            self.fields["before_year_end"].required = True
            self.fields["before_year_end"].error_messages["required"] = _(
                "Tick the box to close a year before it has ended."
            )
