"""Tables of the certificate desk: each list page and its Excel export are drawn from one.

No ID number appears in a table: the register shows who asked, never their ID.
"""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateRequest, CertificateType
from committee.tables import BaseTable


class DayColumn(tables.DateColumn):
    """2026-11-30 on screen, a real date in Excel."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "Y-m-d")
        super().__init__(*args, **kwargs)

    def value(self, value):
        return value


class CertificateRequestTable(BaseTable):
    requested_on = DayColumn(linkify=True)
    community = tables.Column(accessor="community__name", verbose_name=_("community"))
    certificate_type = tables.Column(
        accessor="certificate_type__name", verbose_name=_("certificate")
    )
    kind = tables.Column(accessor="certificate_type__kind", verbose_name=_("list"))
    issued_on = DayColumn()
    revoked_on = DayColumn()

    default_columns = (
        "requested_on",
        "community",
        "certificate_type",
        "resident_name",
        "institution",
        "institution_kind",
        "outcome",
        "number",
        "revoked_on",
    )

    class Meta(BaseTable.Meta):
        model = CertificateRequest
        fields = (
            "requested_on",
            "community",
            "certificate_type",
            "kind",
            "resident_name",
            "purpose",
            "institution",
            "institution_kind",
            "words",
            "outcome",
            "number",
            "issued_on",
            "evidence_needed",
            "revoked_on",
            "revoke_reason",
        )
        sequence = fields

    def render_kind(self, record):
        return record.certificate_type.get_kind_display()

    def value_kind(self, record):
        return str(record.certificate_type.get_kind_display())


class CertificateTypeTable(BaseTable):
    edit = tables.LinkColumn(
        "certificates:type_edit",
        args=[tables.A("pk")],
        text=_("Edit"),
        orderable=False,
        verbose_name="",
        exclude_from_export=True,
    )
    name = tables.Column()
    valid_from = DayColumn()
    valid_to = DayColumn()

    default_columns = ("kind", "category", "name", "synonyms", "refer_to", "valid_from")

    class Meta(BaseTable.Meta):
        model = CertificateType
        fields = (
            "kind",
            "category",
            "name",
            "name_en",
            "synonyms",
            "basis",
            "refer_to",
            "commitment",
            "title",
            "signer",
            "needs_national_id",
            "valid_from",
            "valid_to",
            "active",
        )
        sequence = (*fields, "edit")
        always = ("edit",)
