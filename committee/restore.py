"""Recoverable delete: money, pay and task records come back from their history.

A tracked model registered ``restorable`` (committee/audit.py ``track``) keeps every
field of a deleted record in the delete's history entry. The chair of its community or
a district officer (``Action.RESTORE``) may bring it back, with whatever was deleted in
the same request (a task's hours), through the same checks as a new record: the checks
apps register (``audit.on_restore``: a closed year, a voucher number used again, a
task's admission rule) and ``full_clean``
(unique keys, bounds). The restore is itself a change in the history, with its reason.
"""

from __future__ import annotations

from auditlog import get_logentry_model
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from committee import audit, scoping
from committee.roles import Action
from committee.services import service


def is_restorable(entry) -> bool:
    model = entry.content_type.model_class()
    return (
        entry.action == get_logentry_model().Action.DELETE
        and bool(entry.serialized_data)
        and model is not None
        and model._meta.label in audit.RESTORABLE
    )


def may_restore(user, entry) -> bool:
    return entry.community is not None and scoping.can(user, Action.RESTORE, entry.community)


def still_gone(entry) -> bool:
    model = entry.content_type.model_class()
    return not model._base_manager.filter(pk=entry.object_pk).exists()


def restore_group(entry) -> list:
    """The deleted records that come back together: those deleted by the same request.

    Django deletes the dependants first, so the newest entry is the record asked for and
    the older ones its dependants; they come back parents first.
    """
    entries = (
        get_logentry_model().objects.filter(
            cid=entry.cid,
            action=get_logentry_model().Action.DELETE,
            community_id=entry.community_id,
        )
        if entry.cid
        else get_logentry_model().objects.filter(pk=entry.pk)
    )
    found = [e for e in entries.select_related("content_type").order_by("-pk") if is_restorable(e)]
    return [e for e in found if still_gone(e)]


def _rebuild(entry) -> tuple[models.Model, dict]:
    (deserialized,) = serializers.deserialize("python", [entry.serialized_data])
    return deserialized.object, deserialized.m2m_data


@service
def restore_deleted(*, entry, user, reason: str = "") -> list[models.Model]:
    """Bring a deleted record (and what went with it) back, checked as a new record."""
    if not is_restorable(entry) or not still_gone(entry):
        raise ValidationError(_("This record cannot be restored."))
    if user is not None and not may_restore(user, entry):
        raise PermissionDenied(_("Only the community's chair or the district may restore."))
    restored = []
    with audit.reason(reason.strip() or _("restored")):
        for item in restore_group(entry):
            record, m2m = _rebuild(item)
            label = record._meta.label
            for check in audit.RESTORE_CHECKS.get(label, ()):
                check(record)
            record.full_clean(validate_constraints=True)
            record.save(force_insert=True)
            for name, ids in m2m.items():
                getattr(record, name).set(ids)
            restored.append(record)
        for record in restored:
            for after in audit.AFTER_RESTORE.get(record._meta.label, ()):
                after(record, user=user)
    return restored
