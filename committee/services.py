"""The base of every app's writes: a service runs in one transaction and checks the right.

An app's ``services.py`` holds its writes (``record_income``, ``save_staff_member`` …),
each decorated with ``@service``: it runs in one transaction, and while it runs the
write guard of the test suite (tests/conftest.py) lets records be saved. A view never
saves a record itself; ``tests/committee/test_writes.py`` walks the URLconf and fails
for a POST view that names no service.

``user=None`` stands for the system (the demo, management commands); a view always passes
the request's user. ``save_record`` and ``delete_record`` are the whole of a simple
service: check that the user may change the record (where it is now and where it goes),
validate it, save it.

The outermost service, before its transaction commits, hands the community-months its
writes touched to the rollup refresher (committee/rollups.py).

This module also keeps a user's own settings (the columns they chose for a table).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from auditlog.cid import correlation_id
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from committee import rollups, scoping, versions
from committee.roles import Action

_depth: ContextVar[int] = ContextVar("juwei_service_depth", default=0)

F = TypeVar("F", bound=Callable)
M = TypeVar("M", bound=models.Model)


def service(func: F) -> F:
    """Mark a function as a write of the app: one transaction, known to the write guard."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        token = _depth.set(_depth.get() + 1)
        # One history group for the whole write when no request gave one (a command, a job).
        group = None if correlation_id.get() else correlation_id.set(uuid.uuid4().hex)
        try:
            with transaction.atomic():
                result = func(*args, **kwargs)
                if _depth.get() == 1:  # the outermost service: its rollups, same transaction
                    rollups.flush()
                return result
        finally:
            _depth.reset(token)
            if group is not None:
                correlation_id.reset(group)

    run.is_service = True  # type: ignore[attr-defined]  # read by the URLconf test
    return run  # type: ignore[return-value]


def in_service() -> bool:
    """Whether a service is running (the write guard's question)."""
    return _depth.get() > 0


rollups.tell_services_by(in_service)


def is_service(func) -> bool:
    return getattr(func, "is_service", False)


def _scope_of(record: models.Model) -> tuple[str, models.Model | None]:
    """("community", the record's community) or ("district", its district)."""
    queryset = type(record)._default_manager.all()
    path = getattr(queryset, "scope_path", None)
    if path is None:
        raise ImproperlyConfigured(f"{type(record).__name__} has no scoped manager.")
    target: models.Model | None = record
    for step in path.split("__") if path else []:
        target = getattr(target, step, None) if target is not None else None
    kind = "district" if isinstance(queryset, scoping.DistrictScopedQuerySet) else "community"
    return kind, target


def may(user, action: str, record: models.Model) -> bool:
    """Whether the user may do `action` on this record, saved or not (its new place counts).

    ``user=None`` is the system itself (the demo, a management command): views always pass
    the request's user, who is never None (an anonymous visitor may do nothing).
    """
    if user is None:
        return True
    kind, target = _scope_of(record)
    if target is None:
        return False
    if kind == "district":
        ids = scoping.district_ids(user, action)
        allowed = ids is None or target.pk in ids
    else:
        allowed = scoping.can(user, action, target)
    if allowed and record.pk is not None:
        stored = type(record)._default_manager.for_action(user, action).filter(pk=record.pk)
        allowed = stored.exists()
    return allowed


def check_right(user, action: str, record: models.Model) -> None:
    """PermissionDenied unless the user may do `action` on this record."""
    if not may(user, action, record):
        raise PermissionDenied(_("You may not change this record."))


def write_action(record: models.Model) -> str:
    """What changing a record of this kind needs: district settings are administered."""
    queryset = type(record)._default_manager.all()
    if isinstance(queryset, scoping.DistrictScopedQuerySet):
        return Action.ADMINISTER
    return Action.CHANGE


@service
def save_record(record: M, *, user, action: str | None = None) -> M:
    """Check the right, claim its version, validate and save one record (new or changed).

    A change drawn from an older version than the one on record is refused
    (``versions.StaleEdit``) before anything is written.
    """
    check_right(user, action or write_action(record), record)
    versions.claim(record, user=user)
    record.full_clean()
    record.save()
    return record


@service
def delete_record(record: models.Model, *, user, action: str | None = None) -> None:
    check_right(user, action or write_action(record), record)
    record.delete()


@service
def remember_columns(*, user, table: str, columns: list[str]) -> None:
    """Keep the columns a user chose for one table; an empty choice forgets it."""
    # By name: committee.models imports the jobs, which are written through this module.
    preferences = apps.get_model("committee", "TablePreference").objects

    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to keep your choice of columns."))
    if not columns:
        preferences.filter(user=user, table=table).delete()
        return
    preferences.update_or_create(user=user, table=table, defaults={"columns": columns})


@service
def save_community(community, *, user):
    """The chair keeps the community's own figures (area, residents, households) current."""
    return save_record(community, user=user, action=Action.MANAGE)


def writes_through(*services: Callable):
    """Name the services a function view writes through (read by the URLconf test)."""

    def mark(view):
        view.services = services
        return view

    return mark
