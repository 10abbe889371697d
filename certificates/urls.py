from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request_list"),
    path("new/", views.RequestCreateView.as_view(), name="request_new"),
    path("suggest/", views.TypeSuggestView.as_view(), name="type_suggest"),
    path("counts/", views.SummaryView.as_view(), name="summary"),
    path("types/", views.CertificateTypeListView.as_view(), name="type_list"),
    path("types/new/", views.CertificateTypeCreateView.as_view(), name="type_create"),
    path("types/<int:pk>/edit/", views.CertificateTypeUpdateView.as_view(), name="type_edit"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("<int:pk>/issue/", views.IssueView.as_view(), name="request_issue"),
    path("<int:pk>/revoke/", views.RevokeView.as_view(), name="request_revoke"),
    path("<int:pk>/certificate.pdf", views.CertificatePdfView.as_view(), name="certificate_pdf"),
    path("<int:pk>/note.pdf", views.NotePdfView.as_view(), name="note_pdf"),
    path(
        "street-offices/<int:pk>/banned/",
        views.BannedDemandView.as_view(),
        name="banned_demand",
    ),
    path("verify/<str:token>/", views.VerifyView.as_view(), name="verify"),
]
