"""Generic list, detail, create, edit and delete views every app builds on.

They all start from the model's scoped queryset, so a record outside the
user's scope answers 404, and a write without the right answers 403:

    class TaskListView(ObjectListView):
        model = Task
        table_class = TaskTable
        filterset_class = TaskFilterSet

A subclass may set ``queryset`` to add select_related/annotations; the scope is
applied on top of it.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import generic
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from committee import scoping
from committee.exports import table_to_workbook_file, xlsx_response
from committee.roles import Action


class ScopedMixin(LoginRequiredMixin):
    """Reads go through ``visible_to(user)``; writes need ``write_action``."""

    model: type[models.Model]
    queryset: models.QuerySet | None = None
    write_action: str = Action.CHANGE

    def base_queryset(self) -> models.QuerySet:
        if self.queryset is not None:
            return self.queryset.all()
        return self.model._default_manager.all()

    def get_queryset(self) -> models.QuerySet:
        return self.base_queryset().visible_to(self.request.user)

    def writable_queryset(self) -> models.QuerySet:
        return self.base_queryset().for_action(self.request.user, self.write_action)

    def check_writable(self, obj: models.Model) -> None:
        if not self.writable_queryset().filter(pk=obj.pk).exists():
            raise PermissionDenied(_("You may look at this record but not change it."))

    def limit_scope_fields(self, form) -> None:
        """Offer only the communities (or districts) the user may write to."""
        user = self.request.user
        choices = None
        if "community" in form.fields:
            choices = scoping.communities(user, self.write_action)
            field = form.fields["community"]
        elif "district" in form.fields:
            choices = scoping.districts(user, self.write_action)
            field = form.fields["district"]
        if choices is None:
            return
        field.queryset = choices
        if not choices.exists():
            raise PermissionDenied(_("You may not add records here."))
        if field.initial is None and len(choices[:2]) == 1:
            field.initial = choices.first()


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A filtered, sortable table; ``?export=xlsx`` downloads exactly what is shown."""

    template_name = "committee/object_list.html"
    export_title: str | None = None
    add_url_name: str | None = None

    # Opt in to remember each user's ``?columns=`` choice (``?columns=default`` forgets it).
    remember_columns = False

    def get_table_kwargs(self) -> dict:
        kwargs = super().get_table_kwargs()
        columns = self.request.GET.getlist("columns")
        if self.remember_columns:
            columns = self._remembered_columns(columns)
        if columns:
            kwargs["columns"] = columns
        return kwargs

    def _remembered_columns(self, columns: list[str]) -> list[str]:
        from committee.models import TablePreference

        user = self.request.user
        key = self.table_class.__name__
        saved = TablePreference.objects.filter(user=user, table=key)
        if "default" in columns:
            saved.delete()
            return []
        known = [c for c in columns if c in self.table_class.base_columns]
        if known:
            TablePreference.objects.update_or_create(
                user=user, table=key, defaults={"columns": known}
            )
            return known
        return next(iter(saved.values_list("columns", flat=True)), [])

    def get_table_pagination(self, table):
        """An export writes every row: no page, no count."""
        if self.request.GET.get("export") == "xlsx":
            return False
        return super().get_table_pagination(table)

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("export") == "xlsx":
            title = self.export_title or str(self.model._meta.verbose_name_plural)
            handle = table_to_workbook_file(context["table"], title)
            name = slugify(self.model._meta.model_name) or "export"
            return xlsx_response(handle, f"{name}.xlsx")
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_meta"] = self.model._meta
        context["can_add"] = self._can_add()
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context["export_query"] = query.urlencode()
        return context

    def _can_add(self) -> bool:
        if self.add_url_name is None:
            return False
        field_names = {f.name for f in self.model._meta.get_fields()}
        user = self.request.user
        if "community" in field_names:
            return scoping.communities(user, self.write_action).exists()
        if "district" in field_names:
            return scoping.districts(user, self.write_action).exists()
        return False


class ObjectDetailView(ScopedMixin, generic.DetailView):
    template_name = "committee/object_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.writable_queryset().filter(pk=self.object.pk).exists()
        return context


class ObjectCreateView(ScopedMixin, generic.CreateView):
    template_name = "committee/object_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        self.limit_scope_fields(form)
        return form


class ObjectUpdateView(ScopedMixin, generic.UpdateView):
    template_name = "committee/object_form.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_writable(obj)
        return obj

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        self.limit_scope_fields(form)
        return form


class ObjectDeleteView(ScopedMixin, generic.DeleteView):
    template_name = "committee/object_confirm_delete.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_writable(obj)
        return obj


def scoped_object_or_404(queryset: models.QuerySet, **lookup) -> models.Model:
    """The scoped counterpart of get_object_or_404: pass ``X.objects.visible_to(user)``."""
    if not hasattr(queryset, "visible_to"):
        raise ImproperlyConfigured("Pass a scoped queryset (….visible_to(user)).")
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(_("No such record, or not one you may see.")) from None
