"""The audit log (修改记录): every change the user may read, filtered and exported.

The chair reads their community's, a street-office official their communities', a
district officer all of the district's and its settings' (``Action.AUDIT`` in
committee/roles.py). Entries are kept by committee/audit.py.
"""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views import generic

from committee import restore, scoping
from committee.audit import describe
from committee.generic import ObjectListView, errors_to_form, scoped_object_or_404
from committee.models import AuditEntry, Community
from committee.roles import Action
from committee.tables import BaseTable


def _tracked_types():
    from auditlog.registry import auditlog

    models = auditlog.get_models()
    return ContentType.objects.get_for_models(*models).values() if models else []


class AuditEntryFilterSet(django_filters.FilterSet):
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.none(), label=_("Kind of record")
    )
    action = django_filters.ChoiceFilter(choices=AuditEntry.Action.choices, label=_("Action"))
    actor = django_filters.CharFilter(field_name="actor__username", label=_("User"))
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.none(), label=_("Community")
    )
    since = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    record = django_filters.CharFilter(field_name="object_pk", label=_("Record number"))
    cid = django_filters.CharFilter(label=_("Change group"))

    class Meta:
        model = AuditEntry
        fields = ["content_type", "action", "actor", "community", "since", "until"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        types = sorted(_tracked_types(), key=lambda t: str(t.model_class()._meta.verbose_name))
        self.filters["content_type"].queryset = ContentType.objects.filter(
            pk__in=[t.pk for t in types]
        )
        self.filters["content_type"].field.label_from_instance = lambda t: str(
            t.model_class()._meta.verbose_name
        ).capitalize()
        if request is not None:
            self.filters["community"].queryset = scoping.communities(request.user, Action.AUDIT)


class AuditEntryTable(BaseTable):
    timestamp = tables.DateTimeColumn(verbose_name=_("When"), format="Y-m-d H:i")
    actor = tables.Column(verbose_name=_("Who"), default=_("the system"))
    remote_addr = tables.Column(verbose_name=_("From address"), default="—")
    community = tables.Column(verbose_name=_("Community"), default="—")
    content_type = tables.Column(verbose_name=_("Kind of record"), orderable=False)
    object_repr = tables.Column(verbose_name=_("Record"))
    action = tables.Column(verbose_name=_("Action"))
    changes = tables.Column(verbose_name=_("Old → new"), orderable=False, empty_values=())
    reason = tables.Column(verbose_name=_("Reason"), default="")
    cid = tables.Column(verbose_name=_("Change group"), orderable=False)
    restore = tables.Column(
        verbose_name=_("Restore"), orderable=False, empty_values=(), exclude_from_export=True
    )

    default_columns = (
        "timestamp",
        "actor",
        "remote_addr",
        "content_type",
        "object_repr",
        "action",
        "changes",
        "reason",
        "restore",
    )

    class Meta(BaseTable.Meta):
        model = AuditEntry
        fields = (
            "timestamp",
            "actor",
            "remote_addr",
            "community",
            "content_type",
            "object_repr",
            "action",
            "changes",
            "reason",
            "cid",
            "restore",
        )
        order_by = ("-timestamp",)

    def render_content_type(self, value):
        model = value.model_class()
        return str(model._meta.verbose_name) if model else value.model

    def render_cid(self, value):
        return (value or "")[:8]

    def render_restore(self, record):
        if record.action != AuditEntry.Action.DELETE or not record.serialized_data:
            return ""
        url = reverse("committee:audit_restore", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, _("Restore…"))

    def annotate_page(self, records: list) -> None:
        describe(records)

    def render_changes(self, record):
        fields = getattr(record, "fields", None) or describe([record])[0].fields
        return format_html_join("", "<div>{}: {} → {}</div>", fields)

    def value_changes(self, record):
        fields = getattr(record, "fields", None) or describe([record])[0].fields
        return "; ".join(f"{n}: {o} → {v}" for n, o, v in fields)


class AuditLogView(ObjectListView):
    """修改记录: who changed what, when, from where, and why."""

    model = AuditEntry
    queryset = AuditEntry.objects.select_related("actor", "content_type", "community")
    table_class = AuditEntryTable
    filterset_class = AuditEntryFilterSet
    export_title = _("History of changes")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            user.is_superuser or scoping.communities(user, Action.AUDIT).exists()
        ):
            raise PermissionDenied(_("The audit log is for chairs, street offices and districts."))
        return super().dispatch(request, *args, **kwargs)


class RestoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it comes back (kept in the history)"), max_length=200, required=False
    )


class RestoreView(LoginRequiredMixin, generic.FormView):
    """Shows what a restore brings back; a POST restores it (the chair or the district)."""

    template_name = "committee/restore.html"
    form_class = RestoreForm
    services = (restore.restore_deleted,)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.entry = scoped_object_or_404(
            AuditEntry.objects.visible_to(request.user).select_related("content_type", "community"),
            pk=kwargs["pk"],
        )
        if not restore.may_restore(request.user, self.entry):
            raise PermissionDenied(_("Only the community's chair or the district may restore."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = restore.restore_group(self.entry) if restore.is_restorable(self.entry) else []
        context.update(entry=self.entry, group=describe(group), possible=bool(group))
        return context

    def form_valid(self, form):
        try:
            restored = restore.restore_deleted(
                entry=self.entry, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Restored: %(what)s.") % {"what": restored[0]})
        url = getattr(restored[0], "get_absolute_url", None)
        return HttpResponseRedirect(url() if url else reverse("committee:audit_log"))
