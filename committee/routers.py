"""Dashboard and report reads go to a read replica when ``DATABASE_REPLICA_URL`` is set.

The router sends a read to the replica only inside ``replica_reads()``: the middleware
opens it for GET requests under /dashboards/ (the pages and report downloads, heavy
reads that may lag a second behind), and report jobs open it around their drawing.
Everything else, and every write, stays on the primary, so a user always reads what
they just saved. Without a replica the router is not installed (committee/settings.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_on_replica: ContextVar[bool] = ContextVar("juwei_replica_reads", default=False)
REPLICA = "replica"
REPLICA_PATHS = ("/dashboards/",)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _on_replica.set(REPLICA in settings.DATABASES)
    try:
        yield
    finally:
        _on_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _on_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """GET requests for dashboards and reports read from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "GET" and request.path.startswith(REPLICA_PATHS):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
