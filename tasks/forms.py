"""Forms of the tasks app. They validate input; the rules live in tasks/services.py."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from committee.bounds import AmountInRange, DateInRange
from committee.models import Community, Department
from committee.versions import VersionForm
from staff.models import StaffMember
from tasks.models import CatalogueItem, CatalogueList, RefusalKind, ResidentWork, Status, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.ModelForm):
    """Log a task: what was pushed down, by whom, and which catalogue item it falls under."""

    catalogue_item = forms.ModelChoiceField(
        queryset=CatalogueItem.objects.none(),
        required=False,
        label=_("Catalogue item"),
        widget=forms.RadioSelect,
        empty_label=_("None of these: send to the street office for approval"),
    )
    catalogue_other = forms.ModelChoiceField(
        queryset=CatalogueItem.objects.none(),
        required=False,
        label=_("Or another catalogue item"),
        empty_label="—",
    )
    emergency = forms.BooleanField(
        label=_("Emergency (disaster, epidemic): exempt from admission"), required=False
    )

    class Meta:
        model = Task
        fields = [
            "community",
            "title",
            "description",
            "department",
            "received_on",
            "received_via",
            "category",
            "nature",
            "service_area",
            "catalogue_item",
            "emergency",
            "emergency_justification",
            "deadline",
            "money_promised",
            "estimated_hours",
            "assignees",
        ]
        widgets = {
            "received_on": DATE,
            "deadline": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "emergency_justification": forms.Textarea(attrs={"rows": 2}),
            "assignees": forms.CheckboxSelectMultiple,
        }

    field_order = [*Meta.fields[: Meta.fields.index("catalogue_item") + 1], "catalogue_other"]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        communities = communities if communities is not None else Community.objects.none()
        self.fields["community"].queryset = communities
        district_ids = communities.values("street_office__district")
        self.fields["department"].queryset = Department.objects.serving(communities)
        items = CatalogueItem.objects.filter(district__in=district_ids, active=True)
        self.fields["catalogue_item"].queryset = items
        self.fields["catalogue_other"].queryset = items.order_by("list", "category", "item")
        self.fields["assignees"].queryset = StaffMember.objects.filter(
            community__in=communities
        ).current()
        self.fields["money_promised"].required = False
        self.fields["received_on"].initial = timezone.localdate

    def clean(self):
        data = super().clean()
        if data.get("catalogue_other"):
            data["catalogue_item"] = data["catalogue_other"]
        if data.get("money_promised") is None:
            data["money_promised"] = Decimal("0")
        return data


class TaskEditForm(forms.ModelForm):
    """Change what describes a task; its admission decision is not edited here."""

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "received_via",
            "nature",
            "service_area",
            "deadline",
            "estimated_hours",
            "assignees",
        ]
        widgets = {
            "deadline": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "assignees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignees"].queryset = StaffMember.objects.filter(
            community=self.instance.community_id
        )


class ApproveForm(VersionForm):
    """The street office authorises a task: document, authority, deadline and money."""

    authorisation_number = forms.CharField(label=_("Authorisation document number"))
    authority = forms.CharField(label=_("Authority granted"))
    scope_granted = forms.CharField(
        label=_("Scope granted"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, validators=[DateInRange()])
    money_promised = forms.DecimalField(
        label=_("Money promised (¥)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        validators=[AmountInRange(Decimal("0"))],
    )


class BulkApproveForm(ApproveForm):
    """The approval of a selection: a blank deadline or amount keeps each task's own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("deadline", "money_promised"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Leave blank to keep each task's own.")


def approve_initial(task) -> dict:
    """The approval form starts from what the task already holds (deadline, money…)."""
    return {
        "authorisation_number": task.authorisation_number,
        "authority": task.authority,
        "scope_granted": task.scope_granted,
        "deadline": task.deadline,
        "money_promised": task.money_promised,
    }


class RefuseForm(VersionForm):
    """Why the street office refuses: a kind, the negative-list item if that is it, text."""

    kind = forms.ChoiceField(
        label=_("Reason"),
        choices=RefusalKind.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Without a choice, the explanation is the reason."),
    )
    item = forms.ModelChoiceField(
        label=_("Negative-list item"),
        queryset=CatalogueItem.objects.none(),
        required=False,
        help_text=_("When the task is on the negative list."),
    )
    reason = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for another reason; optional otherwise."),
    )

    def __init__(self, *args, district_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = CatalogueItem.objects.filter(
            district_id=district_id, list__in=[CatalogueList.NEGATIVE, CatalogueList.CERT_BANNED]
        ).valid_on(timezone.localdate())
        self.fields["item"].queryset = items.order_by("list", "category", "item")

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or RefusalKind.OTHER


class StatusForm(VersionForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in (Status.IN_PROGRESS, Status.DONE, Status.WITHDRAWN)],
    )


class LogHoursForm(forms.Form):
    """Hours on this task for one person on one day."""

    staff_member = forms.ModelChoiceField(queryset=StaffMember.objects.none(), label=_("Who"))
    date = forms.DateField(
        label=_("Date"), widget=DATE, initial=timezone.localdate, validators=[DateInRange()]
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].queryset = StaffMember.objects.filter(
            community=task.community_id
        )


class TimesheetForm(forms.Form):
    """A week of hours for one person: a row per task or kind of resident work, 7 days."""

    ROWS_EXTRA = 3

    def __init__(self, *args, what_choices, initial_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_count = len(initial_rows) + self.ROWS_EXTRA
        for i in range(self.row_count):
            what, hours = initial_rows[i] if i < len(initial_rows) else ("", [None] * 7)
            self.fields[f"r{i}_what"] = forms.ChoiceField(
                choices=[("", "—"), *what_choices],
                required=False,
                initial=what,
                label=_("Task or resident work"),
            )
            # The grid has no <label> per cell: each input names its row and day itself.
            self.fields[f"r{i}_what"].widget.attrs["aria-label"] = format_lazy(
                "{} · {}", _("Task or resident work"), _row(i)
            )
            for d in range(7):
                self.fields[f"r{i}_d{d}"] = forms.CharField(
                    required=False,
                    initial="" if hours[d] is None else _plain(hours[d]),
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "decimal",
                            "size": "4",
                            "class": "hours",
                            "aria-label": format_lazy("{} · {}", _row(i), WEEKDAYS[d]),
                        }
                    ),
                )

    def rows(self):
        """[(what field, [7 day fields])] for the template."""
        return [
            (self[f"r{i}_what"], [self[f"r{i}_d{d}"] for d in range(7)])
            for i in range(self.row_count)
        ]

    def row_values(self):
        """[(what, [7 raw strings])] for rows with a choice; values checked by the service."""
        out = []
        for i in range(self.row_count):
            what = self.cleaned_data.get(f"r{i}_what") or ""
            cells = [(self.cleaned_data.get(f"r{i}_d{d}") or "").strip() for d in range(7)]
            if what:
                out.append((what, [c or None for c in cells]))
            elif any(cells):
                self.add_error(f"r{i}_what", _("Choose a task or kind of resident work."))
        return out


def _row(i: int):
    return format_lazy(_("Row {n}"), n=i + 1)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def resident_work_choices():
    return [(f"work:{w.value}", w.label) for w in ResidentWork]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = CatalogueItem
        fields = [
            "district",
            "list",
            "category",
            "category_en",
            "item",
            "item_en",
            "basis",
            "valid_from",
            "valid_to",
            "active",
        ]
        widgets = {"valid_from": DATE, "valid_to": DATE}
