"""The write guard: while a request is handled, a record of ours is saved or deleted only
inside an app service (committee/services.py). tests/conftest.py turns it on for every
test, so any test that posts to a view which saves by itself fails, naming the model.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.core.handlers.base import BaseHandler
from django.db.models.signals import pre_delete, pre_save

from committee.services import in_service

OUR_APPS = frozenset(
    {"committee", "staff", "surveys", "tasks", "funds", "certificates", "paperwork", "dashboards"}
)

_handling: ContextVar[bool] = ContextVar("juwei_handling_request", default=False)


class WriteOutsideService(AssertionError):
    pass


# The history of changes is written by the library beside the write it records (and a
# record shown in full is logged from a page): never a view's own write.
NOT_GUARDED = frozenset({"committee.AuditEntry"})


def _check(sender, **kwargs) -> None:
    if (
        _handling.get()
        and sender._meta.app_label in OUR_APPS
        and sender._meta.label not in NOT_GUARDED
        and not in_service()
    ):
        raise WriteOutsideService(
            f"A request wrote {sender.__name__} outside a service: "
            "call the app's service (committee/services.py) instead of saving in the view."
        )


def guarded_get_response(original):
    def get_response(self, request):
        token = _handling.set(True)
        try:
            return original(self, request)
        finally:
            _handling.reset(token)

    return get_response


def install(monkeypatch) -> None:
    monkeypatch.setattr(BaseHandler, "get_response", guarded_get_response(BaseHandler.get_response))
    pre_save.connect(_check, dispatch_uid="juwei-write-guard")
    pre_delete.connect(_check, dispatch_uid="juwei-write-guard-delete")


def uninstall() -> None:
    pre_save.disconnect(dispatch_uid="juwei-write-guard")
    pre_delete.disconnect(dispatch_uid="juwei-write-guard-delete")
