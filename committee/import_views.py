"""The upload → preview → confirm pages shared by every Excel import.

The uploaded file is kept as an ImportBatch (in the database, so any app server or job
worker can confirm it) under a random token. Confirming reads and checks it again, then
claims the batch and saves every row in one transaction: a second confirm of the same
preview (a double click, another tab, another worker) finds it imported and says so.

A file of more than ``JOB_ROWS`` rows is confirmed as a background job
(committee/jobs.py): the page goes at once to the job's progress bar (rows read, then
rows saved), which can be cancelled; the save is still all or nothing.
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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from committee import scoping
from committee.exports import XLSX_CONTENT_TYPE
from committee.generic import ObjectDetailView
from committee.imports import IMPORTERS, MAX_BYTES, Importer, ImportFailed, ImportRefused
from committee.jobs import LONG, Job, JobRefused, Progress, Result, job_kind, request_job
from committee.models import ImportBatch
from committee.roles import Action
from committee.services import service

# A preview nobody confirmed is dropped after this long.
PREVIEW_KEPT = timedelta(days=1)
# A file with more rows than this is saved by a job worker, never inside the request.
JOB_ROWS = 2_000
IMPORT_JOB = "committee.import"
# A failed import job lists at most this many of its rows' problems.
ERRORS_SHOWN = 50


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
    *,
    user,
    kind: str,
    title: str,
    list_url: str,
    community,
    filename: str,
    sheet: str,
    data: bytes,
    rows: int | None = None,
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
        row_count=rows,  # the rows previewed, until the import says how many it saved
    )


@service
def remember_sheet(*, batch: ImportBatch, sheet: str, rows: int | None = None) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(sheet=sheet[:100], row_count=rows)


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


@service
def request_import(*, user, batch: ImportBatch) -> Job:
    """Save a large previewed file on a job worker (confirming it twice joins the one job)."""
    job, _started = request_job(
        user=user,
        kind=IMPORT_JOB,
        key=batch.token,
        title=_("%(title)s: %(file)s") % {"title": batch.title, "file": batch.filename},
        communities=[batch.community_id],
        params={
            "batch": batch.pk,
            "language": translation.get_language(),
            "next": batch.list_url,
        },
    )
    return job


class TwoPasses:
    """An import's progress in rows: each row is read once and saved once, half a step each."""

    def __init__(self, progress: Progress, rows: int):
        self.progress = progress
        self.steps = 0
        progress.set_total(rows)

    def __call__(self) -> None:
        self.steps += 1
        if self.steps % 2 == 0:
            self.progress.advance()


@job_kind(IMPORT_JOB, queue=LONG)
def run_import(job: Job, progress: Progress) -> Result:
    """Read the stored file again and save it, all or nothing, as whoever uploaded it."""
    batch = (
        ImportBatch.objects.select_related("community__street_office", "uploaded_by")
        .filter(pk=job.params["batch"])
        .first()
    )
    with translation.override(job.params.get("language")):
        if batch is None or batch.kind not in IMPORTERS:
            raise JobRefused(_("This upload has expired; please upload the file again."))
        user = batch.uploaded_by
        importer = IMPORTERS[batch.kind](
            user=user, community=batch.community, on_row=TwoPasses(progress, batch.row_count)
        )
        try:
            result = importer.parse(bytes(batch.data), batch.filename, batch.sheet or None)
            with progress.in_transaction():
                count = import_batch(batch=batch, importer=importer, result=result, user=user)
        except AlreadyImported:
            already = _("This file was already imported; nothing was saved twice.")
            raise JobRefused(already) from None
        except ImportRefused as refusal:
            raise JobRefused(str(refusal)) from None
        except ImportFailed as failed:
            raise JobRefused(failure_text(failed.errors)) from None
        return Result("", "", b"", message=imported_text(count))


def imported_text(count: int) -> str:
    return _("Imported %(count)s rows. Nothing else was changed.") % {"count": f"{count:,}"}


def failure_text(errors) -> str:
    """An import job's refusal: each problem by row and column, then how many more."""
    lines = [_("Nothing was imported. Correct these rows and upload the file again:")]
    for error in errors[:ERRORS_SHOWN]:
        where = _("Row %(row)s") % {"row": error.row}
        if error.column:
            where = f"{where} · {error.column}"  # as the import page lists them
        lines.append(f"{where}: {error.message}")
    if len(errors) > ERRORS_SHOWN:
        lines.append(_("… and %(n)s more.") % {"n": len(errors) - ERRORS_SHOWN})
    return "\n".join(lines)


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
        return self.importer_class.kind()

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
        batch = self.store(data, upload.name, community, result.sheet, len(result.rows))
        return self.preview(importer, result, batch)

    def store(self, data: bytes, filename: str, community, sheet: str, rows: int) -> ImportBatch:
        return store_batch(
            user=self.request.user,
            kind=self.kind,
            title=str(self.importer_class.title),
            list_url=reverse(self.success_url_name),
            community=community,
            filename=filename,
            sheet=sheet,
            data=data,
            rows=rows,
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
        remember_sheet(batch=batch, sheet=result.sheet, rows=len(result.rows))
        return self.preview(importer, result, batch)

    def confirm(self, request):
        batch = self.pending_batch(request.POST.get("confirm", ""))
        if batch is None:
            return self.expired(request)
        if batch.imported_at:
            return self.already_imported(batch)
        if (batch.row_count or 0) > JOB_ROWS:
            job = request_import(user=request.user, batch=batch)
            return redirect("committee:job_detail", pk=job.pk)
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
        messages.success(request, imported_text(count))
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
