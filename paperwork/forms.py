"""Forms of the paperwork registers. They validate input; the rules live in services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee import scoping
from committee.models import Department
from paperwork.models import Cap, DataItem, Demand, Frequency
from paperwork.models import ReturnForm as ReturnRecord

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


def _departments(user):
    return Department.objects.filter(district__in=scoping.districts(user)).order_by("name")


class DemandForm(forms.ModelForm):
    file = forms.FileField(
        label=_("Photo or file (optional)"),
        required=False,
        help_text=_("Never required: keep one only when it helps the request to withdraw."),
    )

    class Meta:
        model = Demand
        fields = ["community", "kind", "name", "department", "demanded_on", "ended_on", "basis"]
        widgets = {"demanded_on": DATE, "ended_on": DATE}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments(user)
        if not self.instance.pk:
            self.fields["demanded_on"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("A file may be at most 5 MB."))
        return upload


class CapForm(forms.ModelForm):
    class Meta:
        model = Cap
        fields = ["district", "kind", "limit", "permitted", "rule"]
        widgets = {"permitted": forms.Textarea(attrs={"rows": 6})}


class DataItemForm(forms.ModelForm):
    class Meta:
        model = DataItem
        fields = ["district", "name", "definition", "owner", "unit", "valid_days"]


class ReturnRegisterForm(forms.Form):
    """A form a department asks the committee to fill: who, when, its marks, its items."""

    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    department = forms.ModelChoiceField(queryset=None, label=_("Department"))
    title = forms.CharField(label=_("Form"), max_length=100)
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    items = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Data items asked for"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Pick the data items the form asks for.")},
    )
    form_number = forms.CharField(
        label=ReturnRecord._meta.get_field("form_number").verbose_name,
        max_length=50,
        required=False,
    )
    issuing_authority = forms.CharField(
        label=ReturnRecord._meta.get_field("issuing_authority").verbose_name,
        max_length=100,
        required=False,
    )
    approving_authority = forms.CharField(
        label=ReturnRecord._meta.get_field("approving_authority").verbose_name,
        max_length=100,
        required=False,
    )
    approval_number = forms.CharField(
        label=ReturnRecord._meta.get_field("approval_number").verbose_name,
        max_length=100,
        required=False,
    )
    valid_until = forms.DateField(
        label=ReturnRecord._meta.get_field("valid_until").verbose_name,
        required=False,
        widget=DATE,
        help_text=_("Leave the marks empty when the form carries none: it is flagged."),
    )

    def __init__(self, *args, communities, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["department"].queryset = _departments(user)
        self.fields["items"].queryset = DataItem.objects.visible_to(user).order_by("name")
        today = timezone.localdate()
        self.fields["registered_on"].initial = today
        self.fields["due_on"].initial = today
        if len(communities[:2]) == 1:
            self.fields["community"].initial = communities.first()
