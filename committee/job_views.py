"""The background-jobs pages (后台作业): my jobs, one job's progress, its file, cancel.

A job is shown only to a user who asked for it and who may still see every community
its data comes from (committee/scoping.py, checked again on every request): anything
else is a 404, exactly like a record outside one's scope.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from committee.jobs import Job, JobFile, Status, cancel_job, jobs_visible_to
from committee.pdf import _quote

LIST_LIMIT = 50


def job_or_404(user, pk: int) -> Job:
    job = Job.objects.filter(pk=pk, requested_by=user).first()
    if job is None or not job.visible_to(user):
        raise Http404(_("No such record, or not one you may see."))
    return job


def job_state(job: Job) -> dict:
    """What the progress bar needs, for the page and the JSON endpoint alike."""
    downloadable = (
        job.status == Status.SUCCEEDED
        and job.has_file
        and (job.expires_at is None or job.expires_at > timezone.now())
    )
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "seconds_left": job.seconds_left,
        "active": job.is_active,
        "download_url": reverse("committee:job_download", args=[job.pk]) if downloadable else "",
        "error": _("The job failed; please ask for it again.")
        if job.status == Status.FAILED and not job.message
        else "",
        "message": job.message if not job.is_active else "",
        "failed": job.status == Status.FAILED,
    }


class JobListView(LoginRequiredMixin, TemplateView):
    """The user's background jobs, newest first."""

    template_name = "committee/jobs/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        recent = Job.objects.filter(requested_by=user).defer("params")[:LIST_LIMIT]
        context["jobs"] = jobs_visible_to(user, recent)
        return context


class JobDetailView(LoginRequiredMixin, TemplateView):
    """One job: a progress bar that moves (static/js/jobs.js polls the status endpoint)."""

    template_name = "committee/jobs/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = job_or_404(self.request.user, self.kwargs["pk"])
        context.update(job=job, state=job_state(job))
        return context


class JobStatusView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        response = JsonResponse(job_state(job_or_404(request.user, pk)))
        response["Cache-Control"] = "no-store"
        return response


class JobDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        job = job_or_404(request.user, pk)
        expired = job.expires_at and job.expires_at <= timezone.now()
        if job.status != Status.SUCCEEDED or not job.has_file or expired:
            raise Http404(_("This file is not ready, or no longer kept."))
        stored = JobFile.objects.filter(job=job).first()
        if stored is None:
            raise Http404(_("This file is not ready, or no longer kept."))
        response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(stored.name)}"
        return response


class JobCancelView(LoginRequiredMixin, View):
    services = (cancel_job,)

    def post(self, request, pk: int):
        job = job_or_404(request.user, pk)
        cancel_job(job)
        return redirect("committee:job_detail", pk=job.pk)
