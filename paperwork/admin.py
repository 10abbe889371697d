from django.contrib import admin

from paperwork.models import ApiToken, Cap, DataItem, Demand, ReturnForm


@admin.register(Cap)
class CapAdmin(admin.ModelAdmin):
    list_display = ["kind", "limit", "rule", "district"]


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ["demanded_on", "community", "kind", "name", "department", "over_cap"]
    list_filter = ["kind", "over_cap", "community"]


@admin.register(DataItem)
class DataItemAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "valid_days", "district"]


@admin.register(ReturnForm)
class ReturnFormAdmin(admin.ModelAdmin):
    list_display = ["registered_on", "community", "department", "title"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "created_at", "revoked_at"]
    readonly_fields = ["key_hash", "created_at", "window_start", "window_calls"]
