"""A list's Excel export of more than ``JOB_ROWS`` rows is written by a job worker.

The list page asks for it (committee/generic.py); the worker builds the same list view
for the same user and query, so the file holds exactly the rows and columns that user
would have downloaded (their scope, filter, sort and chosen columns), streamed into the
workbook with a progress bar of rows. The job is keyed by user, list and query: asking
again joins it, and nobody else's export is ever handed to them.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db.models import QuerySet
from django.http import FileResponse
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from committee.jobs import (
    LONG,
    Job,
    JobRefused,
    Progress,
    Result,
    job_kind,
    request_job,
    visible_community_ids,
)
from committee.services import service

EXPORT_JOB = "committee.export"
# An export of more rows than this is a job: in the request it would pass a proxy's timeout.
JOB_ROWS = 20_000


def is_large(data) -> bool:
    """Whether the export has more than JOB_ROWS rows (a count that stops there)."""
    if not isinstance(data, QuerySet):
        return len(data) > JOB_ROWS
    return data.order_by().values("pk")[: JOB_ROWS + 1].count() > JOB_ROWS


@service
def request_export(*, user, path: str, query: str, title: str) -> Job:
    """Start (or join) the job writing this user's export of this list with this query."""
    language = translation.get_language()
    made = hashlib.sha256(f"{path}?{query}:{language}".encode()).hexdigest()
    visible = visible_community_ids(user)
    job, _started = request_job(
        user=user,
        kind=EXPORT_JOB,
        key=f"{user.pk}:{made}",
        title=_("Excel export: %(list)s") % {"list": title},
        communities=sorted(visible) if visible is not None else [],
        params={"user": user.pk, "path": path, "query": query, "language": language},
    )
    return job


@job_kind(EXPORT_JOB, queue=LONG)
def run_export(job: Job, progress: Progress) -> Result:
    """Build the list view for the user who asked and keep its Excel response."""
    user = get_user_model().objects.filter(pk=job.params["user"], is_active=True).first()
    with translation.override(job.params.get("language")):
        try:
            match = resolve(job.params["path"])
        except Resolver404:
            match = None
        if user is None or match is None:
            raise JobRefused(_("This list cannot be exported any more."))
        request = RequestFactory().get(job.params["path"] + "?" + job.params["query"])
        request.user = user
        request.session = SessionStore()
        request.LANGUAGE_CODE = translation.get_language()
        request.export_progress = progress  # read by ObjectListView: write here, report rows
        response = match.func(request, *match.args, **match.kwargs)
        if not isinstance(response, FileResponse):
            raise JobRefused(_("You may no longer see this list."))
        # The file itself, not response.close(): that would send request_finished, which
        # closes the database connection of a worker inside a transaction.
        handle = response.file_to_stream
        try:
            data = handle.read()
        finally:
            handle.close()
    return Result(response.filename, response["Content-Type"], data)
