from django.contrib import admin

from staff.models import InsuranceRates, PayGrade, PayRecord, PayScale, StaffMember, WageBenchmark


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "kind", "employer", "post", "grade", "start_date"]
    list_filter = ["kind", "post", "community__street_office"]
    search_fields = ["name"]
    list_select_related = ["community", "employer"]


@admin.register(PayRecord)
class PayRecordAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "month", "kind", "gross", "net", "paid_on"]
    list_filter = ["kind", "month"]
    search_fields = ["staff_member__name"]
    list_select_related = ["staff_member"]
    readonly_fields = ["recorded_by", "recorded_at"]


class PayGradeInline(admin.TabularInline):
    model = PayGrade
    extra = 0


@admin.register(PayScale)
class PayScaleAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "base_amount", "source"]
    inlines = [PayGradeInline]


@admin.register(InsuranceRates)
class InsuranceRatesAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "base_minimum", "base_maximum", "source"]


@admin.register(WageBenchmark)
class WageBenchmarkAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "minimum_wage", "average_wage", "disposable_income"]
