"""Django admin for surveys (superusers only; staff work through the app's pages)."""

from django.contrib import admin

from surveys.models import Choice, Question, Response, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["order", "text", "kind", "required", "purpose", "key"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "street_office", "state", "access", "opens", "closes"]
    list_filter = ["state", "access"]
    search_fields = ["title"]
    list_select_related = ["community", "street_office"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "kind", "purpose", "key"]
    list_select_related = ["survey"]
    search_fields = ["text", "key"]


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ["text", "question", "key"]
    list_select_related = ["question"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "survey", "submitted_at", "channel", "entered_by"]
    list_filter = ["channel"]
    list_select_related = ["survey", "entered_by"]
