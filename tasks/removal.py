"""Deleting a task, and the admission rule a restored task passes again (issue #17).

A task goes with its hours: they are deleted first, each kept in the history, so the
restore (committee/restore.py) brings the task back and then its hours. Its events (the
task page's timeline) are not kept: the restored task's timeline starts with its restore,
and the history of changes holds what it was. Money recorded
against a task (funds) keeps it: that record is deleted or moved first.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from committee import audit, scoping
from committee.roles import Action
from committee.services import service
from tasks.models import CatalogueItem, Outcome, Status, Task, TaskEvent
from tasks.services import admission_for

# Outcomes the admission rule gives from the catalogue alone (no decision by anyone).
FROM_THE_CATALOGUE = (Outcome.DUTY, Outcome.ASSIST_LISTED, Outcome.REFUSED)


@service
def delete_task(*, task: Task, by) -> None:
    """Delete a task and its hours (the community's chair); both can be restored."""
    if not scoping.can(by, Action.MANAGE, task.community):
        raise PermissionDenied(_("Only the community's chair may delete a task."))
    audit.check_delete(task)
    for entry in task.time_entries.select_related("staff_member__community").order_by("pk"):
        audit.check_delete(entry)
        entry.delete()
    try:
        task.delete()
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise ValidationError(
            _("Records point to this task (%(kinds)s): delete them or move them first.")
            % {"kinds": ", ".join(kinds)}
        ) from None


def check_restored(task: Task) -> None:
    """A restored task passes the admission rule again, on the catalogue as it is now.

    Its department and catalogue item must still be of its district and the item in force
    on the day it was received; a task the catalogue alone decided on takes the decision
    the item gives now (an item since moved to the negative list refuses it). A decision
    by the street office or an emergency stands.
    """
    district_id = task.community.street_office.district_id
    errors = {}
    if task.department.district_id != district_id:
        errors["department"] = _("Choose a department of this community's district.")
    item = task.catalogue_item
    if item is not None:
        in_force = CatalogueItem.objects.filter(pk=item.pk).valid_on(task.received_on).exists()
        if item.district_id != district_id:
            errors["catalogue_item"] = _("This catalogue item belongs to another district.")
        elif not in_force:
            errors["catalogue_item"] = _("This catalogue item was not in force on that date.")
    if task.outcome == Outcome.EMERGENCY and not task.emergency_justification.strip():
        errors["emergency_justification"] = _("An emergency needs a written justification.")
    if errors:
        raise ValidationError(errors)
    if item is None or task.outcome not in FROM_THE_CATALOGUE or task.decided_by_id:
        return
    outcome, status = admission_for(item)
    if outcome == task.outcome:
        return
    task.outcome, task.decided_on = outcome, task.received_on
    if outcome == Outcome.REFUSED:
        task.status = Status.REFUSED
        task.refusal_reason = _("On the negative list: %(item)s (%(basis)s)") % {
            "item": item.item,
            "basis": item.basis or _("no basis given"),
        }
    else:
        task.refusal_reason = ""
        if task.status == Status.REFUSED:
            task.status = status


def note_restored(task: Task, *, user) -> None:
    """The task's own record of events went with it; it starts again with the restore."""
    TaskEvent.objects.create(
        task=task,
        kind=TaskEvent.Kind.EDITED,
        outcome=task.outcome,
        status=task.status,
        note=_("restored from the history of changes"),
        by=user,
    )
