from django.contrib import admin

from tasks.models import CatalogueItem, Task, TaskEvent, TimeEntry


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = ["item", "list", "category", "district", "valid_from", "valid_to", "active"]
    list_filter = ["district", "list", "active"]
    search_fields = ["item", "item_en", "category", "basis"]


class TaskEventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    readonly_fields = ["kind", "outcome", "status", "note", "by", "at"]
    can_delete = False


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "department", "outcome", "status", "received_on"]
    list_filter = ["outcome", "status", "category", "community__street_office"]
    search_fields = ["title", "authorisation_number"]
    list_select_related = ["community", "department"]
    raw_id_fields = ["catalogue_item", "assignees", "created_by", "decided_by"]
    inlines = [TaskEventInline]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "staff_member", "task", "resident_work", "hours", "while_pending"]
    list_filter = ["resident_work", "while_pending"]
    list_select_related = ["staff_member", "task"]
    raw_id_fields = ["staff_member", "task"]
