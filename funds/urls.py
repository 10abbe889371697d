from django.urls import path

from funds import close_views, importers, ledger, views

app_name = "funds"
urlpatterns = [
    path("", views.FundsIndexView.as_view(), name="index"),
    path("<int:year>/", views.ComparisonView.as_view(), name="comparison"),
    path(
        "street-offices/<int:pk>/<int:year>/",
        views.StreetOfficeYearView.as_view(),
        name="street_office_year",
    ),
    path(
        "communities/<int:pk>/<int:year>/",
        views.CommunityYearView.as_view(),
        name="community_year",
    ),
    # Before year_action: its <str:action> would take "close" too.
    path(
        "communities/<int:pk>/<int:year>/close/",
        close_views.YearCloseView.as_view(),
        name="year_close",
    ),
    path(
        "communities/<int:pk>/<int:year>/<str:action>/",
        views.YearActionView.as_view(),
        name="year_action",
    ),
    path("notice/<int:pk>/<int:year>/", views.PublicNoticeView.as_view(), name="notice"),
    path("income/", views.IncomeListView.as_view(), name="income_list"),
    path("income/add/", views.IncomeCreateView.as_view(), name="income_add"),
    path("income/import/", importers.IncomeImportView.as_view(), name="income_import"),
    path("ledger/import/", ledger.LedgerImportView.as_view(), name="ledger_import"),
    path("income/<int:pk>/", views.IncomeDetailView.as_view(), name="income_detail"),
    path("income/<int:pk>/edit/", views.IncomeUpdateView.as_view(), name="income_edit"),
    path("income/<int:pk>/delete/", views.IncomeDeleteView.as_view(), name="income_delete"),
    path("expenses/", views.ExpenseListView.as_view(), name="expense_list"),
    path("expenses/add/", views.ExpenseCreateView.as_view(), name="expense_add"),
    path("expenses/import/", importers.ExpenseImportView.as_view(), name="expense_import"),
    path("expenses/<int:pk>/", views.ExpenseDetailView.as_view(), name="expense_detail"),
    path("expenses/<int:pk>/edit/", views.ExpenseUpdateView.as_view(), name="expense_edit"),
    path("expenses/<int:pk>/delete/", views.ExpenseDeleteView.as_view(), name="expense_delete"),
    path("budget/", views.BudgetLineListView.as_view(), name="budget_list"),
    path("budget/add/", views.BudgetLineCreateView.as_view(), name="budget_add"),
    path("budget/<int:pk>/edit/", views.BudgetLineUpdateView.as_view(), name="budget_edit"),
    path("budget/<int:pk>/delete/", views.BudgetLineDeleteView.as_view(), name="budget_delete"),
    path("categories/", views.CategoryListView.as_view(), name="category_list"),
    path("categories/add/", views.CategoryCreateView.as_view(), name="category_add"),
    path("categories/<int:pk>/edit/", views.CategoryUpdateView.as_view(), name="category_edit"),
]
