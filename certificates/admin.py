from django.contrib import admin

from certificates.models import CertificateRequest, CertificateType


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "category", "refer_to", "district", "valid_from", "active"]
    list_filter = ["district", "kind", "active"]
    search_fields = ["name", "name_en", "synonyms", "refer_to"]


@admin.register(CertificateRequest)
class CertificateRequestAdmin(admin.ModelAdmin):
    list_display = ["requested_on", "community", "certificate_type", "outcome", "number"]
    list_filter = ["outcome", "community"]
    search_fields = ["number", "institution"]
    readonly_fields = ["number", "number_year", "serial", "token", "issued_on", "submission"]
    exclude = ["national_id"]
