from django.urls import path

from paperwork import views

app_name = "paperwork"

urlpatterns = [
    path("", views.DemandListView.as_view(), name="demand_list"),
    path("demands/new/", views.DemandCreateView.as_view(), name="demand_new"),
    path("demands/<int:pk>/edit/", views.DemandUpdateView.as_view(), name="demand_edit"),
    path(
        "demands/<int:pk>/attachment/",
        views.DemandAttachmentView.as_view(),
        name="demand_attachment",
    ),
    path("caps/", views.CapListView.as_view(), name="cap_list"),
    path("caps/new/", views.CapCreateView.as_view(), name="cap_new"),
    path("caps/<int:pk>/edit/", views.CapUpdateView.as_view(), name="cap_edit"),
    path("items/", views.DataItemListView.as_view(), name="data_item_list"),
    path("items/new/", views.DataItemCreateView.as_view(), name="data_item_new"),
    path("items/<int:pk>/edit/", views.DataItemUpdateView.as_view(), name="data_item_edit"),
    path("returns/", views.ReturnListView.as_view(), name="return_list"),
    path("returns/new/", views.ReturnCreateView.as_view(), name="return_new"),
    path("returns/asked/", views.ReturnItemListView.as_view(), name="return_item_list"),
    path("returns/<int:pk>/", views.ReturnDetailView.as_view(), name="return_detail"),
    path("returns/<int:pk>/fill/", views.ReturnFillView.as_view(), name="return_fill"),
    path("returns/<int:pk>/reuse/", views.ReturnReuseView.as_view(), name="return_reuse"),
    path("communities/<int:pk>/withdraw.pdf", views.WithdrawLetterView.as_view(), name="letter"),
    path(
        "communities/<int:pk>/withdraw/send/",
        views.WithdrawSendView.as_view(),
        name="letter_send",
    ),
    path("communities/<int:pk>/sheet/", views.SheetView.as_view(), name="sheet"),
]
