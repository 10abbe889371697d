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

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, router
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from committee import audit, export_jobs, scoping, versions
from committee.exports import table_to_workbook_file, xlsx_response
from committee.filters import (
    copy_filters_one_by_one,
    form_key,
    keep,
    keep_form_class,
    kept,
    scope_key,
    type_communities_when_many,
)
from committee.roles import Action
from committee.services import remember_columns
from committee.tables import unlink


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
    """A filtered, sortable table; ``?export=xlsx`` downloads exactly what is shown.

    An export of more than 20,000 rows is written by a job worker (committee/export_jobs.py):
    the page goes to the job's progress bar, and the worker runs this same view.
    """

    services = (export_jobs.request_export,)

    template_name = "committee/object_list.html"
    export_title: str | None = None
    add_url_name: str | None = None
    # The records open only on their edit page (a district's settings): their rows link
    # to it for users who may write here, and are plain text for the others (a chair).
    links_need_write = False
    # The first page's SQL is kept and run again for the same user, scope, address and
    # columns (committee/paging.py): only for a list whose query depends on nothing else
    # (not on the time of day, a setting changed at run time, a session's value …).
    keep_page_sql = False

    def get_filterset(self, filterset_class):
        copy_filters_one_by_one(filterset_class)
        filterset = super().get_filterset(filterset_class)
        type_communities_when_many(filterset)
        # Its form is drawn by {% filter_form %} (committee/filters.py: drawable_form), and
        # its drawing kept under this key.
        filterset.kept_key = form_key(filterset)
        keep_form_class(filterset)
        return filterset

    def get_table_kwargs(self) -> dict:
        kwargs = super().get_table_kwargs()
        columns = self.request.GET.getlist("columns")
        if columns:
            kwargs["columns"] = columns
        return kwargs

    def get_table(self, **kwargs):
        if self.keep_page_sql and self.request.GET.get("export") != "xlsx":
            kwargs["page_sql_key"] = self.page_sql_key(kwargs.get("columns"))
        table = super().get_table(**kwargs)
        if self.links_need_write and not self.may_add():
            unlink(table)
        return table

    def page_sql_key(self, columns) -> tuple:
        """Everything the first page's query depends on: the list, the user's scope (and
        the day), the address with its filters, sort and page, and the columns shown."""
        request = self.request
        query = tuple((name, tuple(values)) for name, values in sorted(request.GET.lists()))
        shown = None if columns is None else tuple(columns)
        return ("page-sql", type(self), request.path, query, shown, *scope_key(request))

    def get_table_pagination(self, table):
        """An export writes every row: no page, no count."""
        if self.request.GET.get("export") == "xlsx":
            return False
        return super().get_table_pagination(table)

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("export") == "xlsx":
            title = self.export_title or str(self.model._meta.verbose_name_plural)
            table = context["table"]
            progress = getattr(self.request, "export_progress", None)  # on a job worker
            if progress is None and export_jobs.is_large(table.data.data):
                query = self.request.GET.copy()
                query.pop("page", None)
                job = export_jobs.request_export(
                    user=self.request.user,
                    path=self.request.path,
                    query=query.urlencode(),
                    title=title,
                )
                return redirect("committee:job_detail", pk=job.pk)
            handle = table_to_workbook_file(table, title, progress=progress)
            name = slugify(self.model._meta.model_name) or "export"
            return xlsx_response(handle, f"{name}.xlsx")
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["model_meta"] = self.model._meta
        context["can_add"] = self.may_add()
        query = self.request.GET.copy()
        query.pop("page", None)
        query["export"] = "xlsx"
        context["export_query"] = query.urlencode()
        return context

    def may_add(self) -> bool:
        """``_can_add()``, asked once a request."""
        if not hasattr(self, "_may_add"):
            self._may_add = self._can_add()
        return self._may_add

    def _can_add(self) -> bool:
        if self.add_url_name is None:
            return False
        field_names = {f.name for f in self.model._meta.get_fields()}
        user = self.request.user
        if "community" in field_names:
            if scoping.community_q(user, self.write_action) is scoping.NOTHING:
                return False  # no membership gives the right: nothing to ask the database
            return scoping.communities(user, self.write_action).exists()
        if "district" in field_names:
            return scoping.districts(user, self.write_action).exists()
        return False


# How many times this session chose a list's columns (RememberColumnsMixin.saved_columns).
COLUMNS_CHOSEN = "juwei_columns_chosen"


class RememberColumnsMixin:
    """A list whose users keep their choice of columns: chosen by POST (never on a GET),
    then shown whenever the list opens without ``?columns=``."""

    services = (remember_columns,)

    def get_table_kwargs(self) -> dict:
        kwargs = super().get_table_kwargs()
        if "columns" not in kwargs:
            columns = self.saved_columns()
            if columns is not None:
                kwargs["columns"] = columns
        return kwargs

    def saved_columns(self) -> list[str] | None:
        """The user's choice of columns, read once and kept in the process for a minute
        (committee/filters.py) under the session's count of choices made: a choice shows
        at once in the session that made it; another device sees it within the minute."""
        from committee.models import TablePreference

        request = self.request
        key = (
            "columns",
            request.user.pk,
            self.table_class.__name__,
            request.session.get(COLUMNS_CHOSEN, 0),
        )
        found = kept(key)
        if found is None:
            saved = TablePreference.objects.filter(
                user=request.user, table=self.table_class.__name__
            ).values_list("columns", flat=True)
            found = (next(iter(saved), None),)
            keep(key, found)
        return found[0]

    def post(self, request, *args, **kwargs):
        chosen = [] if "default" in request.POST else request.POST.getlist("columns")
        remember_columns(
            user=request.user,
            table=self.table_class.__name__,
            columns=[c for c in chosen if c in self.table_class.base_columns],
        )
        request.session[COLUMNS_CHOSEN] = request.session.get(COLUMNS_CHOSEN, 0) + 1
        query = request.GET.copy()
        query.pop("columns", None)
        return HttpResponseRedirect(
            f"{request.path}?{query.urlencode()}" if query else request.path
        )


class ObjectDetailView(ScopedMixin, generic.DetailView):
    template_name = "committee/object_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.writable_queryset().filter(pk=self.object.pk).exists()
        context["history"] = audit.history_of(self.object, self.request.user)
        return context


def errors_to_form(form, error: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ServiceFormMixin:
    """A create or edit view that saves through its app's service, never by itself.

    ``service(record, *, user)`` checks the right, validates and saves; a view whose
    service takes other arguments overrides ``save(form)``. A refusal comes back on the
    form, and nothing is half-saved.
    """

    service: Callable | None = None
    success_text = gettext_lazy("Saved.")

    def save(self, form) -> models.Model:
        if self.service is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no service.")
        return type(self).service(form.instance, user=self.request.user)

    def form_valid(self, form):
        version = versions.posted_version(form)
        if version is not None:
            form.instance.version = version
        try:
            with audit.reason(self.request.POST.get("change_reason", "")):
                self.object = self.save(form)
        except versions.StaleEdit as error:
            versions.show_stale(form, error)
            return self.form_invalid(form)
        except ValidationError as error:
            errors_to_form(form, error)
            return self.form_invalid(form)
        if self.success_text:
            messages.success(self.request, self.success_text)
        return HttpResponseRedirect(self.get_success_url())


class ObjectCreateView(ServiceFormMixin, ScopedMixin, generic.CreateView):
    template_name = "committee/object_form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        self.limit_scope_fields(form)
        return form


class ObjectUpdateView(ServiceFormMixin, ScopedMixin, generic.UpdateView):
    template_name = "committee/object_form.html"
    delete_url_name: str | None = None  # the record's delete page, linked from its form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = audit.history_of(self.object, self.request.user)
        if self.delete_url_name:
            context["delete_url"] = reverse(self.delete_url_name, args=[self.object.pk])
        return context

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_writable(obj)
        return obj

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        self.limit_scope_fields(form)
        versions.add_version_field(form, self.object)
        return form


class ObjectDeleteView(ScopedMixin, generic.DeleteView):
    """Deletes through the app's service (``delete_record``); a refusal is shown, nothing lost."""

    template_name = "committee/object_confirm_delete.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_writable(obj)
        return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["going"] = what_goes(self.object)
        context["restorable"] = self.object._meta.label in audit.RESTORABLE
        return context

    def delete_record(self, record) -> None:
        raise ImproperlyConfigured(f"{type(self).__name__} names no service.")

    def form_valid(self, form):
        try:
            with audit.reason(self.request.POST.get("change_reason", "")):
                self.delete_record(self.object)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(self.request, _("Deleted."))
        return HttpResponseRedirect(self.get_success_url())


def what_goes(record: models.Model, limit: int = 50) -> list[tuple[str, str]]:
    """(kind, name) of every record a delete takes with it (a task's hours …), for the
    delete page to show before anything goes."""
    from django.contrib.admin.utils import NestedObjects

    collector = NestedObjects(using=router.db_for_write(type(record)))
    collector.collect([record])
    going = []
    for model, instances in collector.model_objs.items():
        if model is type(record) or model._meta.auto_created:  # a many-to-many's link rows
            continue
        going += [(str(model._meta.verbose_name), str(obj)) for obj in list(instances)[:limit]]
    return going[:limit]


def scoped_object_or_404(queryset: models.QuerySet, **lookup) -> models.Model:
    """The scoped counterpart of get_object_or_404: pass ``X.objects.visible_to(user)``."""
    if not hasattr(queryset, "visible_to"):
        raise ImproperlyConfigured("Pass a scoped queryset (….visible_to(user)).")
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(_("No such record, or not one you may see.")) from None
