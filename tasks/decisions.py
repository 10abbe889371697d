"""Decisions on many tasks at once: the street office approves or refuses a selection from
its approval queue with the same fields as on one task, all or nothing.

For an approval, a deadline or an amount left blank means "each task's own": the task
already holds what the department asked for, and the official confirms it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from committee.roles import Action
from committee.services import service
from tasks import services
from tasks.models import CatalogueItem, RefusalKind, Task


def _selected(by, pks: list[int]) -> list[Task]:
    """The chosen tasks this official may decide on (others are ignored, never revealed)."""
    tasks = list(
        Task.objects.for_action(by, Action.REVIEW)
        .filter(pk__in=pks)
        .select_related("community__street_office")
        .order_by("pk")
    )
    if not tasks:
        raise ValidationError(_("Choose at least one task waiting for your decision."))
    return tasks


@service
def approve_many(
    *,
    by,
    pks: list[int],
    authorisation_number: str,
    authority: str,
    scope_granted: str = "",
    deadline: date | None = None,
    money_promised: Decimal | None = None,
) -> list[Task]:
    """Approve every chosen task; a blank deadline or amount keeps each task's own."""
    decided = []
    for task in _selected(by, pks):
        try:
            decided.append(
                services.approve_task(
                    task=task,
                    by=by,
                    authorisation_number=authorisation_number,
                    authority=authority,
                    scope_granted=scope_granted or task.scope_granted,
                    deadline=deadline or task.deadline,
                    money_promised=task.money_promised
                    if money_promised is None
                    else money_promised,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("%(task)s: %(errors)s") % {"task": task.title, "errors": " ".join(error.messages)}
            ) from error
    return decided


@service
def refuse_many(
    *,
    by,
    pks: list[int],
    kind: str,
    reason: str = "",
    item: CatalogueItem | None = None,
) -> list[Task]:
    """Refuse every chosen task for the same reason."""
    decided = []
    for task in _selected(by, pks):
        try:
            decided.append(
                services.refuse_task(
                    task=task, by=by, kind=kind or RefusalKind.OTHER, reason=reason, item=item
                )
            )
        except ValidationError as error:
            raise ValidationError(
                _("%(task)s: %(errors)s") % {"task": task.title, "errors": " ".join(error.messages)}
            ) from error
    return decided
