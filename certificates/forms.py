"""Forms of the certificate desk. They validate input; the rules live in services.py."""

import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateType, InstitutionKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

national_id_shape = RegexValidator(
    r"^\d{17}[\dXx]$",
    _("A national ID number has 18 characters: 17 digits and a digit or X."),
)


class RequestForm(forms.Form):
    """What the desk records: who asks, for what, for whom, and what the committee does."""

    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    words = forms.CharField(
        label=_("What the resident asks for, in their words"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    certificate_type = forms.ModelChoiceField(
        queryset=CertificateType.objects.none(),
        label=_("Certificate"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Pick the certificate the request is for.")},
    )
    resident_name = forms.CharField(label=_("Resident"), max_length=50)
    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=18,
        required=False,
        validators=[national_id_shape],
        help_text=_("Only when the certificate prints it."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    institution = forms.CharField(label=_("Institution that asked for it"), max_length=100)
    institution_kind = forms.ChoiceField(
        label=_("Kind of institution"), choices=[("", "—"), *InstitutionKind.choices]
    )
    facts = forms.CharField(
        label=_("Facts the certificate states"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As the committee verified them, e.g. “has lived here since March 2019”."),
    )
    refer = forms.TypedChoiceField(
        label=_("For a certificate that may be issued"),
        choices=[
            ("", _("Issue it now")),
            ("1", _("Refer: the committee needs evidence first")),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
    evidence_needed = forms.CharField(
        label=_("Evidence needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE)
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, communities, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["certificate_type"].queryset = types
        self.fields["requested_on"].initial = timezone.localdate
        self.fields["submission"].initial = uuid.uuid4


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=200)


class IssueForm(forms.Form):
    facts = forms.CharField(
        label=_("Facts the certificate states"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CertificateTypeForm(forms.ModelForm):
    """A type on the district's list; a new version is a new row with its own dates."""

    class Meta:
        model = CertificateType
        fields = [
            "district",
            "kind",
            "category",
            "category_en",
            "name",
            "name_en",
            "synonyms",
            "basis",
            "refer_to",
            "commitment",
            "number_word",
            "title",
            "body",
            "signer",
            "needs_national_id",
            "evidence",
            "valid_from",
            "valid_to",
            "active",
        ]
        widgets = {
            "valid_from": DATE,
            "valid_to": DATE,
            "body": forms.Textarea(attrs={"rows": 5}),
            "commitment": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }
