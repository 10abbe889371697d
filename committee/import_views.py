"""The upload → preview → confirm pages shared by every Excel import.

The uploaded file is kept as an ImportBatch (in the database, so any worker can confirm
it) under a random token. Confirming reads and checks it again, then claims the batch and
saves every row in one transaction: a second confirm of the same preview (a double
click, another tab, another worker) finds it imported and says so, with a link to it.
"""

import secrets
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from committee import scoping
from committee.exports import XLSX_CONTENT_TYPE
from committee.generic import ObjectDetailView
from committee.imports import MAX_BYTES, Importer, ImportFailed, ImportRefused
from committee.models import ImportBatch
from committee.roles import Action
from committee.services import service

# A preview nobody confirmed is dropped after this long.
PREVIEW_KEPT = timedelta(days=1)


class UploadForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Community"))
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        if len(communities[:2]) == 1:
            self.fields["community"].initial = communities.first()
            self.fields["community"].widget = forms.HiddenInput()


class AlreadyImported(Exception):
    """The batch was claimed by another confirm."""


@service
def store_batch(
    *, user, kind: str, title: str, list_url: str, community, filename: str, sheet: str, data: bytes
) -> ImportBatch:
    """Keep a previewed file; drop this user's older previews of the kind and stale ones."""
    unconfirmed = ImportBatch.objects.filter(imported_at__isnull=True)
    unconfirmed.filter(uploaded_by=user, kind=kind).delete()
    unconfirmed.filter(uploaded_at__lt=timezone.now() - PREVIEW_KEPT).delete()
    return ImportBatch.objects.create(
        token=secrets.token_urlsafe(24),
        kind=kind,
        title=title[:100],
        list_url=list_url,
        community=community,
        uploaded_by=user,
        filename=filename[:255],
        sheet=sheet[:100],
        data=data,
    )


@service
def remember_sheet(*, batch: ImportBatch, sheet: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(sheet=sheet[:100])


@service
def import_batch(*, batch: ImportBatch, importer: Importer, result, user) -> int:
    """Claim the batch and save its rows, in one transaction: once, whoever confirms twice.

    The claim comes first and alone: a second confirm waits here for the first to commit
    (a row lock on PostgreSQL, the write lock on SQLite), then finds the batch taken and
    saves nothing.
    """
    claimed = ImportBatch.objects.filter(pk=batch.pk, imported_at__isnull=True).update(
        imported_at=timezone.now(), imported_by=user
    )
    if not claimed:
        raise AlreadyImported
    count = importer.save(result)
    ImportBatch.objects.filter(pk=batch.pk).update(row_count=count, data=b"")
    return count


class ImportView(LoginRequiredMixin, TemplateView):
    """Subclass with ``importer_class`` and ``success_url_name`` (the list the rows go to)."""

    importer_class: type[Importer]
    success_url_name: str
    write_action = Action.CHANGE
    template_name = "committee/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.communities = scoping.communities(request.user, self.write_action)
            if not self.communities.exists():
                raise PermissionDenied(_("You may not import records here."))
        return super().dispatch(request, *args, **kwargs)

    @property
    def kind(self) -> str:
        return f"{self.importer_class.__module__}.{self.importer_class.__name__}"

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            importer = self.importer_class(user=request.user)
            response = HttpResponse(importer.template_bytes(), content_type=XLSX_CONTENT_TYPE)
            name = f"{self.importer_class.__name__.lower()}-template.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return self.render_to_response(self.get_context_data(form=self.make_form()))

    def make_form(self, data=None, files=None) -> UploadForm:
        return UploadForm(data, files, communities=self.communities)

    def post(self, request, *args, **kwargs):
        if "confirm" in request.POST:
            return self.confirm(request)
        if "reread" in request.POST:
            return self.reread(request)
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        community = form.cleaned_data["community"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
            return self.render_to_response(self.get_context_data(form=form))
        data = upload.read()
        importer = self.importer_class(user=request.user, community=community)
        try:
            result = importer.parse(data, upload.name)
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        batch = self.store(data, upload.name, community, result.sheet)
        return self.preview(importer, result, batch)

    def store(self, data: bytes, filename: str, community, sheet: str) -> ImportBatch:
        return store_batch(
            user=self.request.user,
            kind=self.kind,
            title=str(self.importer_class.title),
            list_url=reverse(self.success_url_name),
            community=community,
            filename=filename,
            sheet=sheet,
            data=data,
        )

    def preview(self, importer, result, batch: ImportBatch | None):
        return self.render_to_response(
            self.get_context_data(
                form=self.make_form(),
                importer=importer,
                result=result,
                groups=importer.preview_groups(result),
                token=batch.token if batch and result.ok else "",
                batch_token=batch.token if batch else "",
                filename=batch.filename if batch else "",
            )
        )

    def pending_batch(self, token: str) -> ImportBatch | None:
        """The user's own previewed batch of this import, in a community they may write."""
        if not token:
            return None
        return (
            ImportBatch.objects.for_action(self.request.user, self.write_action)
            .filter(token=token, kind=self.kind, uploaded_by=self.request.user)
            .select_related("community__street_office", "imported_by")
            .first()
        )

    def expired(self, request):
        messages.error(request, _("This upload has expired; please upload the file again."))
        return redirect(request.path)

    def already_imported(self, batch: ImportBatch):
        return self.render_to_response(
            self.get_context_data(form=self.make_form(), already=batch), status=409
        )

    def reread(self, request):
        """The same stored file, read from another sheet."""
        batch = self.pending_batch(request.POST.get("reread", ""))
        if batch is None:
            return self.expired(request)
        if batch.imported_at:
            return self.already_imported(batch)
        importer = self.importer_class(user=request.user, community=batch.community)
        try:
            result = importer.parse(bytes(batch.data), batch.filename, request.POST.get("sheet"))
        except ImportRefused as exc:
            return self.render_to_response(
                self.get_context_data(form=self.make_form(), refused=str(exc))
            )
        remember_sheet(batch=batch, sheet=result.sheet)
        return self.preview(importer, result, batch)

    def confirm(self, request):
        batch = self.pending_batch(request.POST.get("confirm", ""))
        if batch is None:
            return self.expired(request)
        if batch.imported_at:
            return self.already_imported(batch)
        importer = self.importer_class(user=request.user, community=batch.community)
        try:
            result = importer.parse(bytes(batch.data), batch.filename, batch.sheet or None)
            count = import_batch(batch=batch, importer=importer, result=result, user=request.user)
        except AlreadyImported:
            batch.refresh_from_db()
            return self.already_imported(batch)
        except (ImportRefused, ImportFailed) as exc:
            errors = getattr(exc, "errors", None)
            return self.render_to_response(
                self.get_context_data(
                    form=self.make_form(),
                    importer=importer,
                    failed_errors=errors,
                    refused=None if errors else str(exc),
                )
            )
        messages.success(
            request, _("Imported %(count)s rows. Nothing else was changed.") % {"count": count}
        )
        return redirect(reverse(self.success_url_name))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importer_class"] = self.importer_class
        context["title"] = self.importer_class.title
        context["columns"] = self.importer_class.columns
        return context


class ImportBatchDetailView(ObjectDetailView):
    """One import: which file, who previewed and who confirmed it, how many rows it saved."""

    model = ImportBatch
    queryset = ImportBatch.objects.defer("data").select_related(
        "community__street_office", "uploaded_by", "imported_by"
    )
    template_name = "committee/import_batch_detail.html"
