"""The upload → preview → confirm pages shared by every Excel import.

The uploaded file waits in a private temporary folder between preview and confirm,
named by a random token kept in the user's session; confirming reads and checks it
again, then saves everything in one transaction or nothing.
"""

import secrets
import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from committee import scoping
from committee.exports import XLSX_CONTENT_TYPE
from committee.imports import MAX_BYTES, Importer, ImportFailed, ImportRefused
from committee.roles import Action

UPLOAD_DIR = Path(
    getattr(settings, "IMPORT_UPLOAD_DIR", Path(tempfile.gettempdir()) / "juwei-imports")
)


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
    def session_key(self) -> str:
        return f"import:{self.importer_class.__module__}.{self.importer_class.__name__}"

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
        form = self.make_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        community = form.cleaned_data["community"]
        importer = self.importer_class(user=request.user, community=community)
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
            return self.render_to_response(self.get_context_data(form=form))
        data = upload.read()
        try:
            result = importer.parse(data, upload.name)
        except ImportRefused as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form))
        token = ""
        if result.ok:
            token = secrets.token_urlsafe(16)
            UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
            (UPLOAD_DIR / f"{token}.xlsx").write_bytes(data)
            request.session[self.session_key] = {
                "token": token,
                "name": upload.name,
                "community": community.pk,
            }
        return self.render_to_response(
            self.get_context_data(
                form=self.make_form(),
                importer=importer,
                result=result,
                token=token,
                filename=upload.name,
            )
        )

    def confirm(self, request):
        pending = request.session.get(self.session_key)
        if not pending or pending["token"] != request.POST.get("confirm"):
            messages.error(request, _("This upload has expired; please upload the file again."))
            return redirect(request.path)
        path = UPLOAD_DIR / f"{pending['token']}.xlsx"
        community = self.communities.filter(pk=pending["community"]).first()
        if community is None or not path.exists():
            messages.error(request, _("This upload has expired; please upload the file again."))
            return redirect(request.path)
        importer = self.importer_class(user=request.user, community=community)
        try:
            result = importer.parse(path.read_bytes(), pending["name"])
            count = importer.save(result)
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
        path.unlink(missing_ok=True)
        del request.session[self.session_key]
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
