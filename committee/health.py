"""Liveness and readiness for a load balancer or an orchestrator.

- ``/health/live/``: the process answers (no database): restart it when this fails.
- ``/health/ready/``: the database answers and a job worker was seen recently
  (``JOBS_WORKER_SEEN_SECONDS``; 0 leaves the worker out): send traffic only when this is 200.

Both are open (no login) and say nothing about the data: just "ok" or which check failed.
"""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from committee.jobs import worker_seen_recently


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


@never_cache
@require_GET
def ready(request):
    checks = {"database": "ok" if database_answers() else "unreachable"}
    if checks["database"] == "ok":
        try:
            checks["worker"] = "ok" if worker_seen_recently() else "not seen recently"
        except DatabaseError:
            checks["worker"] = "unknown"
    else:
        checks["worker"] = "unknown"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
