"""The books in the admin, read only: every change goes through funds/services.py."""

from django.contrib import admin

from funds.models import BudgetLine, Category, Expense, FinancialYear, FundsLogEntry, Income


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "essential", "order", "district"]
    list_filter = ["district", "essential"]


@admin.register(Income)
class IncomeAdmin(ReadOnlyAdmin):
    list_display = ["date", "community", "kind", "payer", "amount", "voucher"]
    list_filter = ["kind", "year", "community__street_office"]
    list_select_related = ["community"]
    search_fields = ["payer", "voucher", "note"]


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdmin):
    list_display = ["date", "community", "category", "payee", "amount", "voucher", "overdraws"]
    list_filter = ["year", "overdraws", "community__street_office"]
    list_select_related = ["community", "category"]
    search_fields = ["payee", "voucher", "note"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ["year", "community", "category", "planned"]
    list_filter = ["year"]
    list_select_related = ["community", "category"]


@admin.register(FinancialYear)
class FinancialYearAdmin(ReadOnlyAdmin):
    list_display = ["community", "year", "closed_at", "closed_by", "published_at"]
    list_filter = ["year"]


@admin.register(FundsLogEntry)
class FundsLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "community", "year", "user", "action", "record"]
    list_filter = ["action", "year"]
