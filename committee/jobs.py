"""Background jobs: long work (a district's workbook, a street office's PDF, a big import or
export) runs on a worker, never inside a web request.

The engine is Django's Tasks API (django-tasks; the database queue by default, Redis/RQ by
settings). This module adds what a person waiting for a file needs on top of it:

- a ``Job`` row keyed by what it makes (kind, key): asking again for the same thing while
  it is queued or running joins that job (a partial unique constraint, not a
  check-then-insert), so a double click or two tabs start one job;
- progress (done of total, with an estimate), cancel, retries of transient failures;
- the result kept in the database for ``JOBS_RESULT_HOURS``, never on an app server's disk;
- scope: a job records the communities its data comes from, and only a user who may view
  every one of them (committee/scoping.py) sees the job or downloads its file;
- heartbeats: a running job's worker writes ``heartbeat_at``; a job whose worker was killed
  goes stale and ``reap_stale_jobs`` queues it again (every worker runs the reaper).

An app declares a kind once, at import time of its module (say ``dashboards/jobs.py``)::

    @job_kind("dashboards.district_workbook", queue=LONG)
    def district_workbook(job: Job, progress: Progress) -> JobFile: ...

and a view asks for one with ``request_job(...)``. Imports and exports call the same
function (see ``request_job``'s docstring).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from committee import scoping
from committee.services import service

logger = logging.getLogger("juwei.jobs")

DEFAULT = "default"
LONG = "long"
MAX_ATTEMPTS = 3
# Progress writes at most this often (seconds): a 100,000-row export is not 100,000 UPDATEs.
PROGRESS_EVERY = 0.5


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = (Status.QUEUED, Status.RUNNING)


class TransientJobError(Exception):
    """Raise from a job for a failure worth another try (a lost connection, a busy service)."""


class JobRefused(Exception):
    """The work cannot be done as asked (an import's rows refused): fail now, saying why.

    The message is for the person who asked; it is shown on the job's page.
    """


class JobCancelled(Exception):
    """The job was cancelled (or taken back by the reaper) while it ran: stop quietly."""


TRANSIENT = (TransientJobError, OperationalError, InterfaceError)


class Job(models.Model):
    """One piece of long work a user asked for, and the file it made."""

    kind = models.CharField(_("kind"), max_length=80)
    key = models.CharField(
        _("key"), max_length=200, help_text=_("What it makes: object and period.")
    )
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    # The communities whose data the result holds: who may see them all may see the job.
    community_ids = models.JSONField(_("communities"), default=list)
    queue = models.CharField(_("queue"), max_length=32, default=DEFAULT)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="jobs", verbose_name=_("requested by")
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    unit = models.CharField(_("unit"), max_length=20, default="rows")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    # What the person who asked reads when it is done: "Imported 10,000 rows", or why not.
    message = models.TextField(_("message"), blank=True)
    has_file = models.BooleanField(_("has a file"), default=True)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The one running job per thing made: a second request joins it (request_job).
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(status__in=["queued", "running"]),
                name="job_one_active_per_key",
            )
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        if self.status == Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def seconds_left(self) -> int | None:
        """Estimate from the pace so far; None until there is a pace to go on."""
        if self.status != Status.RUNNING or not self.total or not self.done or not self.started_at:
            return None
        spent = (timezone.now() - self.started_at).total_seconds()
        return max(0, round(spent / self.done * (self.total - self.done)))

    def visible_to(self, user, visible_ids: set[int] | None = None) -> bool:
        """Whether the user may see every community the result draws on (the one rule).

        Pass ``visible_ids`` (from ``visible_community_ids``) to check many jobs without a
        query each.
        """
        if visible_ids is None:
            visible_ids = visible_community_ids(user)
        if visible_ids is ALL:
            return True
        return bool(self.community_ids) and set(self.community_ids) <= visible_ids


class JobFile(models.Model):
    """A finished job's file, kept in the database so every app server can hand it out."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("job file")
        verbose_name_plural = _("job files")

    def __str__(self) -> str:
        return self.name


class WorkerBeat(models.Model):
    """A job worker process, and when it was last seen alive (readiness asks for one)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=120)
    pid = models.PositiveIntegerField(_("process"))
    queues = models.CharField(_("queues"), max_length=120)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("job worker")
        verbose_name_plural = _("job workers")

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.host}"


ALL = None  # visible_community_ids for a user without limit


def visible_community_ids(user) -> set[int] | None:
    """The ids of the communities the user may view (one query); None means all."""
    if scoping.community_q(user) is None:
        return ALL
    return set(scoping.communities(user).values_list("pk", flat=True))


def jobs_visible_to(user, queryset: models.QuerySet | None = None) -> list[Job]:
    """The user's own jobs that they may still see: two queries, whatever the number."""
    ids = visible_community_ids(user)
    if queryset is None:
        queryset = Job.objects.filter(requested_by=user)
    return [job for job in queryset if job.visible_to(user, ids)]


# --- kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What a job function returns: the file to keep (none when ``name`` is empty), and
    a line for the person who asked."""

    name: str
    content_type: str
    data: bytes
    message: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable
    queue: str


KINDS: dict[str, Kind] = {}


def job_kind(name: str, *, queue: str = LONG):
    """Register ``run(job, progress) -> Result`` as the work of the jobs of this kind."""
    if queue not in (DEFAULT, LONG):
        raise ValueError(f"unknown job queue {queue!r}")

    def register(run: Callable) -> Callable:
        KINDS[name] = Kind(name=name, run=run, queue=queue)
        return run

    return register


def kind_for(job: Job) -> Kind:
    """The kind's work; apps register their kinds in AppConfig.ready, so every process has them."""
    return KINDS[job.kind]


# --- asking for a job ---------------------------------------------------------------------


@service
def request_job(
    *,
    user,
    kind: str,
    key: str,
    title: str,
    communities: Iterable[int],
    params: dict | None = None,
    unit: str = "rows",
) -> tuple[Job, bool]:
    """Start the job that makes (kind, key), or join the one already queued or running.

    Returns (job, started). ``communities`` are the ids of the communities whose data the
    file will hold: only users who may see them all see the job (check the user may see
    them before calling). The kind must be registered with ``@job_kind`` in a module the
    app imports in its ``AppConfig.ready`` (so the worker has it too).

    Imports over 2,000 rows (committee/import_views.py) and exports over 20,000 rows
    (committee/export_jobs.py) are jobs of this kind; their functions get
    ``(job, progress)``, call ``progress.set_total(n)`` and ``progress.advance()``, and
    return a ``Result``.

    Safe under a double click, two tabs and two app servers: the partial unique
    constraint lets one active row exist per (kind, key); the loser of the race joins it.
    """
    community_ids = sorted(set(communities))
    queue = KINDS[kind].queue if kind in KINDS else LONG
    for _attempt in range(3):
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind,
                    key=key,
                    title=title[:200],
                    params=params or {},
                    community_ids=community_ids,
                    queue=queue,
                    unit=unit,
                )
                job.requested_by.add(user)
                transaction.on_commit(lambda job=job: enqueue(job))
                return job, True
        except IntegrityError:
            pass
        with transaction.atomic():
            job = (
                Job.objects.select_for_update()
                .filter(kind=kind, key=key, status__in=ACTIVE)
                .first()
            )
            if job is not None:
                job.requested_by.add(user)
                return job, False
        # The active job finished between the insert and the read: try again.
    raise DatabaseError("could not start or join the job")


def enqueue(job: Job, *, delay: int = 0) -> None:
    """Hand the job to the engine, on its own queue (long work never delays short jobs)."""
    run = run_job.using(queue_name=job.queue)
    if delay:
        run = run.using(run_after=timezone.now() + timedelta(seconds=delay))
    run.enqueue(job.pk)


@service
def cancel_job(job: Job) -> bool:
    """Cancel a queued or running job; a running one stops at its next progress step."""
    return bool(
        Job.objects.filter(pk=job.pk, status__in=ACTIVE).update(
            status=Status.CANCELLED, finished_at=timezone.now()
        )
    )


# --- running a job ------------------------------------------------------------------------

# Jobs this process is running now: the worker's beat thread keeps their heartbeat fresh
# even through one long step (a PDF page, a big query).
_running: set[int] = set()
_running_lock = threading.Lock()


class Progress:
    """Given to a job's function: say how much there is and how much is done."""

    def __init__(self, job: Job):
        self.job = job
        self.done = 0
        self.total = 0
        self._written = 0.0
        self._side: ThreadPoolExecutor | None = None
        self._quiet = False

    @contextmanager
    def in_transaction(self):
        """Around one long transaction (an import's all-or-nothing save): on PostgreSQL,
        progress (and a cancel) goes through a thread with its own connection, so the bar
        moves and a cancel rolls the transaction back. SQLite has one writer at a time:
        there the bar waits for the commit. Inside an outer transaction (a test's) the row
        is written as usual."""
        if connection.in_atomic_block:
            yield
            return
        if connection.vendor == "sqlite":
            self._quiet = True
            try:
                yield
            finally:
                self._quiet = False
            return
        side = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"job-{self.job.pk}")
        self._side = side
        try:
            yield
        finally:
            self._side = None
            side.submit(connections.close_all).result()
            side.shutdown()

    def set_total(self, total: int) -> None:
        self.total = total
        self._write(force=True)

    def advance(self, step: int = 1) -> None:
        self.done += step
        self._write()

    def count(self, rows: Iterable) -> Iterator:
        """Pass rows through, counting each one done."""
        for row in rows:
            yield row
            self.advance()

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < PROGRESS_EVERY:
            return
        if self._quiet:
            return
        self._written = now
        values = {
            "done": min(self.done, self.total) if self.total else self.done,
            "total": self.total,
        }
        if self._side is not None:
            updated = self._side.submit(self._update, values).result()
        else:
            updated = self._update(values)
        if not updated:
            raise JobCancelled

    def _update(self, values: dict) -> int:
        return Job.objects.filter(pk=self.job.pk, status=Status.RUNNING).update(
            heartbeat_at=timezone.now(), **values
        )


def _claim(job_id: int) -> Job | None:
    """Take the job for this run, or None if it is not waiting to run (safe to run twice)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id, status=Status.QUEUED).first()
        if job is None:
            return None
        now = timezone.now()
        job.status = Status.RUNNING
        job.attempts += 1
        job.started_at = now
        job.heartbeat_at = now
        job.done = 0
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "done"])
        return job


FINISHED_FIELDS = ["status", "done", "total", "finished_at", "expires_at", "message", "has_file"]


def _finish(job: Job, result: Result) -> bool:
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk, status=Status.RUNNING).first()
        if locked is None:
            return False
        if result.name:
            JobFile.objects.update_or_create(
                job=locked,
                defaults={
                    "name": result.name,
                    "content_type": result.content_type,
                    "data": result.data,
                },
            )
        now = timezone.now()
        locked.status = Status.SUCCEEDED
        locked.done = locked.total = max(locked.total, locked.done, 1)
        locked.finished_at = now
        locked.expires_at = now + timedelta(hours=settings.JOBS_RESULT_HOURS)
        locked.message = result.message
        locked.has_file = bool(result.name)
        locked.save(update_fields=FINISHED_FIELDS)
        return True


def _refuse(job: Job, refusal: JobRefused) -> None:
    now = timezone.now()
    Job.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        status=Status.FAILED,
        message=str(refusal)[:10000],
        has_file=False,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.JOBS_RESULT_HOURS),
    )


def _fail_or_retry(job: Job, exc: BaseException) -> None:
    transient = isinstance(exc, TRANSIENT)
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk, status=Status.RUNNING).first()
        if locked is None:
            return
        if transient and locked.attempts < MAX_ATTEMPTS:
            locked.status = Status.QUEUED
            locked.save(update_fields=["status"])
            delay = 5 * 2 ** (locked.attempts - 1)
            transaction.on_commit(lambda: enqueue(locked, delay=delay))
            logger.warning("job %s failed (%s), retry in %ss", job.pk, exc, delay)
            return
        locked.status = Status.FAILED
        locked.error = f"{type(exc).__name__}: {exc}"[:2000]
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "error", "finished_at"])
    logger.error("job %s failed", job.pk, exc_info=exc)


@task(queue_name=DEFAULT)
def run_job(job_id: int) -> str:
    """The one engine task: run a Job once it is claimed. Running it twice does nothing."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    with _running_lock:
        _running.add(job.pk)
    try:
        result = kind_for(job).run(job, Progress(job))
    except JobCancelled:
        return "cancelled"
    except JobRefused as refusal:
        _refuse(job, refusal)
        return "refused"
    except Exception as exc:  # noqa: BLE001 -- every failure is recorded on the job
        _fail_or_retry(job, exc)
        return "failed"
    finally:
        with _running_lock:
            _running.discard(job.pk)
    return "done" if _finish(job, result) else "cancelled"


# --- workers: heartbeat and reaper ----------------------------------------------------------


def beat(worker_id: str, queues: str) -> None:
    """Say this worker is alive, and keep the heartbeat of the jobs it runs fresh."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:120],
            "pid": _pid(),
            "queues": queues[:120],
            "seen_at": now,
        },
    )
    with _running_lock:
        running = list(_running)
    if running:
        Job.objects.filter(pk__in=running, status=Status.RUNNING).update(heartbeat_at=now)


def _pid() -> int:
    import os

    return os.getpid()


def reap_stale_jobs(now=None) -> list[int]:
    """Queue again the running jobs whose worker stopped beating (killed, machine lost).

    Rows are locked and skipped when another worker's reaper holds them, so two reapers
    never queue one job twice. A job out of attempts fails instead.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    requeued = []
    with transaction.atomic():
        stale = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=Status.RUNNING, heartbeat_at__lt=stale_before)
            .order_by("pk")
        )
        for job in stale:
            if job.attempts >= MAX_ATTEMPTS:
                job.status = Status.FAILED
                job.error = "worker lost"
                job.finished_at = now
                job.save(update_fields=["status", "error", "finished_at"])
                continue
            job.status = Status.QUEUED
            job.save(update_fields=["status"])
            requeued.append(job.pk)
            transaction.on_commit(lambda job=job: enqueue(job))
    if requeued:
        logger.warning("re-queued stale jobs %s", requeued)
    return requeued


def purge_expired_jobs(now=None) -> int:
    """Delete finished jobs past their keeping time (and their files); return how many jobs."""
    now = now or timezone.now()
    _deleted, by_model = Job.objects.filter(expires_at__lt=now).delete()
    return by_model.get(Job._meta.label, 0)


def worker_seen_recently(now=None) -> bool:
    seconds = settings.JOBS_WORKER_SEEN_SECONDS
    if not seconds:
        return True
    now = now or timezone.now()
    return WorkerBeat.objects.filter(seen_at__gte=now - timedelta(seconds=seconds)).exists()
