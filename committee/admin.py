from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from committee.models import Community, Department, District, Membership, StreetOffice


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(StreetOffice)
class StreetOfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "district"]
    list_filter = ["district"]
    search_fields = ["name", "code"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "street_office", "area_km2", "residents", "households"]
    list_filter = ["street_office__district", "street_office"]
    search_fields = ["name", "code", "address"]
    list_select_related = ["street_office"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "level", "district"]
    list_filter = ["district", "level"]
    search_fields = ["name", "short_name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district", "street_office", "community"]
    list_filter = ["role"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "community", "street_office", "district"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["community", "street_office", "district"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class JuweiUserAdmin(UserAdmin):
    inlines = [MembershipInline]
