from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    # Public: found by an unguessable token, no login. First: residents open them most,
    # hundreds a second (committee/urls.py resolves this file first too).
    path("s/<str:token>/", views.public_form, name="public_form"),
    path("s/<str:token>/thanks/", views.public_thanks, name="public_thanks"),
    path("", views.SurveyListView.as_view(), name="survey_list"),
    path("new/", views.survey_create, name="survey_create"),
    path("compare/", views.compare, name="compare"),
    path("<int:pk>/", views.survey_detail, name="survey_detail"),
    path("<int:pk>/edit/", views.SurveyUpdateView.as_view(), name="survey_edit"),
    path("<int:pk>/state/<str:action>/", views.survey_state, name="survey_state"),
    path("<int:pk>/questions/new/", views.question_edit, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question_edit"),
    path(
        "<int:pk>/questions/<int:question_pk>/<str:action>/",
        views.question_action,
        name="question_action",
    ),
    path("<int:pk>/qr.svg", views.survey_qr, {"fmt": "svg"}, name="survey_qr_svg"),
    path("<int:pk>/qr.png", views.survey_qr, {"fmt": "png"}, name="survey_qr_png"),
    path("<int:pk>/codes/", views.survey_codes, name="survey_codes"),
    path("<int:pk>/paper/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/results/", views.survey_results_view, name="survey_results"),
    path("<int:pk>/results.xlsx", views.export_summary, name="export_summary"),
    path("<int:pk>/responses.xlsx", views.export_responses, name="export_responses"),
]
