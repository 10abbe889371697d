"""The writes that carry the admission rule (社区工作准入) and the hours rules.

Views, the demo, commands and tests all call these; no rule lives anywhere else.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import audit, bounds, rollups, scoping, versions
from committee.models import Community, District
from committee.roles import Action
from committee.services import save_record, service
from staff.models import StaffMember
from tasks import workdays
from tasks.models import (
    CatalogueItem,
    CatalogueList,
    Outcome,
    RefusalKind,
    ResidentWork,
    Status,
    Task,
    TaskEvent,
    TimeEntry,
)
from tasks.suggestions import (  # noqa: F401 -- the task form's callers read them here
    Suggestion,
    suggest_catalogue_items,
)

QUARTER = Decimal("0.25")
DAY_LIMIT = Decimal("24")
# --- catalogue ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueLoad:
    created: int
    unchanged: int


CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "catalogue.csv"
CATALOGUE_VALID_FROM = date(2024, 1, 1)


def load_catalogue(
    *, district: District, path: Path | None = None, valid_from: date | None = None
) -> CatalogueLoad:
    """Load a catalogue CSV (list, category_zh, category_en, item_zh, item_en, basis).

    Items already there (same list and item, same version) are left as they are,
    so loading twice changes nothing.
    """
    path = path or CATALOGUE_FILE
    valid_from = valid_from or CATALOGUE_VALID_FROM
    lists = set(CatalogueList.values)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for number, row in enumerate(rows, start=2):
        if row.get("list") not in lists or not (row.get("item_zh") or "").strip():
            raise ValidationError(
                _("Line %(line)s: unknown list or empty item.") % {"line": number}
            )
    existing = set(
        CatalogueItem.objects.filter(district=district, valid_from=valid_from).values_list(
            "list", "item"
        )
    )
    new = []
    for row in rows:
        key = (row["list"], row["item_zh"].strip())
        if key in existing:
            continue
        existing.add(key)
        new.append(
            CatalogueItem(
                district=district,
                list=row["list"],
                category=row["category_zh"].strip(),
                category_en=(row.get("category_en") or "").strip(),
                item=row["item_zh"].strip(),
                item_en=(row.get("item_en") or "").strip(),
                basis=(row.get("basis") or "").strip(),
                valid_from=valid_from,
            )
        )
    with transaction.atomic():
        audit.log_created(CatalogueItem.objects.bulk_create(new))
    return CatalogueLoad(created=len(new), unchanged=len(rows) - len(new))


# --- logging a task and the admission rule ---------------------------------------------


def _event(task: Task, kind: str, by, note: str = "", at=None) -> TaskEvent:
    return TaskEvent.objects.create(
        task=task,
        kind=kind,
        outcome=task.outcome,
        status=task.status,
        note=note,
        by=by,
        at=at or timezone.now(),
    )


def admission_for(catalogue_item: CatalogueItem | None) -> tuple[str, str]:
    """(outcome, status) the admission rule gives a task with this catalogue item."""
    if catalogue_item is None:
        return Outcome.PENDING, Status.PENDING
    if catalogue_item.list in (CatalogueList.DUTY, CatalogueList.CERT_ALLOWED):
        return Outcome.DUTY, Status.ADMITTED
    if catalogue_item.list == CatalogueList.ASSIST:
        return Outcome.ASSIST_LISTED, Status.ADMITTED
    return Outcome.REFUSED, Status.REFUSED


@service
def log_task(
    *,
    community: Community,
    title: str,
    department,
    category: str,
    by,
    catalogue_item: CatalogueItem | None = None,
    emergency: bool = False,
    emergency_justification: str = "",
    assignees: Iterable[StaffMember] = (),
    **fields,
) -> Task:
    """Log a task pushed down to the committee and take the admission decision on it.

    A duty or assistance item admits it; a negative-list item refuses it, with the item
    and its basis as the reason; no item leaves it pending for the street office, with
    the decision due 15 working days after receipt; an emergency needs a justification.
    """
    if by is not None and not scoping.can(by, Action.CHANGE, community):
        raise PermissionDenied(_("You may not log tasks for this community."))
    received_on = fields.pop("received_on", None) or timezone.localdate()
    errors: dict[str, str] = {}
    if department.district_id != community.street_office.district_id:
        errors["department"] = _("Choose a department of this community's district.")
    if catalogue_item is not None:
        if catalogue_item.district_id != community.street_office.district_id:
            errors["catalogue_item"] = _("This catalogue item belongs to another district.")
        elif not CatalogueItem.objects.filter(pk=catalogue_item.pk).valid_on(received_on).exists():
            errors["catalogue_item"] = _("This catalogue item was not in force on that date.")
    if emergency and not emergency_justification.strip():
        errors["emergency_justification"] = _("An emergency needs a written justification.")
    staff = list(assignees)
    if any(s.community_id != community.pk for s in staff):
        errors["assignees"] = _("Assignees must work in this community.")
    if errors:
        raise ValidationError(errors)

    if emergency:
        outcome, status = Outcome.EMERGENCY, Status.ADMITTED
    else:
        outcome, status = admission_for(catalogue_item)
    due = workdays.decision_due(received_on)
    task = Task(
        community=community,
        title=title,
        department=department,
        category=category,
        catalogue_item=catalogue_item,
        outcome=outcome,
        status=status,
        received_on=received_on,
        emergency_justification=emergency_justification.strip() if emergency else "",
        decision_due=due.day,
        decision_due_estimated=not due.known,
        created_by=by,
        **fields,
    )
    if outcome == Outcome.REFUSED:
        task.refusal_reason = _("On the negative list: %(item)s (%(basis)s)") % {
            "item": catalogue_item.item,
            "basis": catalogue_item.basis or _("no basis given"),
        }
        task.decided_on = received_on
    elif outcome != Outcome.PENDING:
        task.decided_on = received_on
    task.full_clean(exclude=["assignees"])
    task.save()
    task.assignees.set(staff)
    _event(task, TaskEvent.Kind.LOGGED, by)
    kind = {
        Outcome.PENDING: TaskEvent.Kind.PENDING,
        Outcome.REFUSED: TaskEvent.Kind.REFUSED,
        Outcome.EMERGENCY: TaskEvent.Kind.EMERGENCY,
    }.get(outcome, TaskEvent.Kind.ADMITTED)
    note = task.refusal_reason or task.emergency_justification or (str(catalogue_item or ""))
    _event(task, kind, by, note)
    return task


EDITABLE_FIELDS = (
    "title",
    "description",
    "received_via",
    "nature",
    "service_area",
    "deadline",
    "estimated_hours",
)


@service
def update_task(
    *,
    task: Task,
    by,
    assignees: Iterable[StaffMember] | None = None,
    version: int | None = None,
    **fields,
):
    """Change a task's descriptive fields; the decision fields change only by decision.

    ``version`` is the one the edit form was drawn from: a stale edit is refused.
    """
    if not scoping.can(by, Action.CHANGE, task.community):
        raise PermissionDenied(_("You may not change this task."))
    versions.claim(task, user=by, version=version)
    changed = []
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not changed by update_task")
        if getattr(task, name) != value:
            setattr(task, name, value)
            changed.append(str(Task._meta.get_field(name).verbose_name))
    if assignees is not None:
        staff = list(assignees)
        if any(s.community_id != task.community_id for s in staff):
            raise ValidationError({"assignees": _("Assignees must work in this community.")})
        if {s.pk for s in staff} != set(task.assignees.values_list("pk", flat=True)):
            task.assignees.set(staff)
            changed.append(str(Task._meta.get_field("assignees").verbose_name))
    if changed:
        task.full_clean(exclude=["assignees"])
        task.save()
        _event(task, TaskEvent.Kind.EDITED, by, ", ".join(changed))
    return task


# --- the street office's decision --------------------------------------------------------


def _check_reviewer(task: Task, by) -> None:
    if not scoping.can(by, Action.REVIEW, task.community):
        raise PermissionDenied(_("Only an official of this community's street office decides."))
    if task.outcome != Outcome.PENDING:
        raise ValidationError(_("This task is not waiting for a decision."))


@service
def approve_task(
    *,
    task: Task,
    by,
    authorisation_number: str,
    authority: str,
    deadline: date | None,
    money_promised: Decimal | None,
    scope_granted: str = "",
    version: int | None = None,
) -> Task:
    """The street office authorises a task outside the catalogue (assist_authorised).

    It must state the document number, the authority granted, the deadline and the
    money that comes with it (权随责走，费随事转).
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    _check_reviewer(task, by)
    versions.claim(task, user=by, version=version)
    errors = {}
    if not (authorisation_number or "").strip():
        errors["authorisation_number"] = _("Give the authorising document's number.")
    if not (authority or "").strip():
        errors["authority"] = _("Say what authority comes with the task.")
    if deadline is None:
        errors["deadline"] = _("Give the task's deadline.")
    if money_promised is None:
        errors["money_promised"] = _("Say how much money comes with the task (0 if none).")
    elif money_promised < 0:
        errors["money_promised"] = _("Money cannot be negative.")
    if errors:
        raise ValidationError(errors)
    task.outcome = Outcome.ASSIST_AUTHORISED
    task.status = Status.IN_PROGRESS if task.worked_while_pending else Status.ADMITTED
    task.authorisation_number = authorisation_number.strip()
    task.authority = authority.strip()
    task.scope_granted = (scope_granted or "").strip()
    task.deadline = deadline
    task.money_promised = money_promised
    task.decided_on = timezone.localdate()
    task.decided_by = by
    task.save()
    _event(task, TaskEvent.Kind.APPROVED, by, task.authorisation_number)
    return task


@service
def refuse_task(
    *,
    task: Task,
    by,
    reason: str = "",
    kind: str = RefusalKind.OTHER,
    item: CatalogueItem | None = None,
    version: int | None = None,
) -> Task:
    """The street office refuses a task outside the catalogue; the committee need not do it.

    The reason is a kind (a negative-list item, no authority, no funding, other) plus
    text; "other" needs the text, a negative-list refusal names the item.
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    _check_reviewer(task, by)
    versions.claim(task, user=by, version=version)
    reason = (reason or "").strip()
    if kind not in RefusalKind.values:
        raise ValidationError({"kind": _("Choose why the task is refused.")})
    if kind == RefusalKind.OTHER and not reason:
        raise ValidationError({"reason": _("Give the reason for refusing.")})
    if kind == RefusalKind.NEGATIVE:
        district = task.community.street_office.district_id
        if item is None or item.district_id != district or not item.refuses:
            raise ValidationError({"item": _("Choose the negative-list item of this district.")})
    else:
        item = None
    task.outcome = Outcome.REFUSED
    task.status = Status.REFUSED
    task.refusal_kind = kind
    task.refusal_item = item
    task.refusal_reason = reason
    task.decided_on = timezone.localdate()
    task.decided_by = by
    task.save()
    summary = RefusalKind(kind).label if kind != RefusalKind.OTHER else ""
    if item is not None:
        summary = f"{summary}: {item.item}"
    _event(task, TaskEvent.Kind.REFUSED, by, " — ".join(x for x in (str(summary), reason) if x))
    return task


ALLOWED_STATUS = {
    Status.ADMITTED: (Status.IN_PROGRESS, Status.DONE, Status.WITHDRAWN),
    Status.IN_PROGRESS: (Status.DONE, Status.WITHDRAWN),
    Status.PENDING: (Status.WITHDRAWN,),
    Status.RECEIVED: (Status.WITHDRAWN,),
    Status.DONE: (Status.IN_PROGRESS,),
    Status.REFUSED: (),
    Status.WITHDRAWN: (),
}


@service
def change_status(*, task: Task, status: str, by, version: int | None = None) -> Task:
    """Move an admitted task on (in progress, done), or record that it was withdrawn."""
    if not scoping.can(by, Action.CHANGE, task.community):
        raise PermissionDenied(_("You may not change this task."))
    task = Task.objects.select_for_update().get(pk=task.pk)
    versions.claim(task, user=by, version=version)
    if status not in ALLOWED_STATUS.get(task.status, ()):
        raise ValidationError(
            _("A task that is %(now)s cannot become %(new)s.")
            % {"now": task.get_status_display(), "new": Status(status).label}
        )
    task.status = status
    task.save(update_fields=["status", "updated_at", "version", "edited_by", "edited_at"])
    _event(task, TaskEvent.Kind.STATUS, by)
    return task


# --- hours ------------------------------------------------------------------------------


def check_hours(value) -> Decimal:
    """Hours as Decimal: more than 0, at most 24, in quarter-hour steps."""
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter hours as a number, e.g. 1.5.")) from None
    if not hours.is_finite():
        raise ValidationError(_("Enter hours as a number, e.g. 1.5."))
    if hours <= 0:
        raise ValidationError(_("Hours must be more than 0."))
    if hours > DAY_LIMIT:
        raise ValidationError(_("No more than 24 hours in a day."))
    if hours % QUARTER:
        raise ValidationError(_("Hours go in quarter-hour steps (0.25, 0.5, 0.75…)."))
    return hours


def _mark_pending_work(task: Task, by, entry_date: date) -> bool:
    """Record that the committee worked on a task the street office had not admitted."""
    if task.outcome != Outcome.PENDING:
        return False
    if not task.worked_while_pending:
        task.worked_while_pending = True
        task.save(update_fields=["worked_while_pending", "updated_at"])
        _event(task, TaskEvent.Kind.WORKED_WHILE_PENDING, by, str(entry_date))
    return True


@service
def log_hours(
    *,
    staff_member: StaffMember,
    day: date,
    hours,
    by,
    task: Task | None = None,
    resident_work: str = "",
    note: str = "",
) -> TimeEntry:
    """Add hours for one person on one day, to a task or to resident work.

    At most 24 hours a day per person; hours on a pending task mark it as worked on
    while pending.
    """
    if not scoping.can(by, Action.CHANGE, staff_member.community):
        raise PermissionDenied(_("You may not log hours for this person."))
    hours = check_hours(hours)
    bounds.check_date(day)
    if (task is None) == (not resident_work):
        raise ValidationError(_("Choose either a task or a kind of resident work."))
    if resident_work and resident_work not in ResidentWork.values:
        raise ValidationError(_("Unknown kind of resident work."))
    if task is not None and task.community_id != staff_member.community_id:
        raise ValidationError(_("This person does not work in the task's community."))
    # Lock the person's day so two saves cannot pass 24 hours together.
    StaffMember.objects.select_for_update().filter(pk=staff_member.pk).first()
    already = TimeEntry.objects.filter(staff_member=staff_member, date=day).aggregate(
        h=Sum("hours")
    )["h"] or Decimal("0")
    if already + hours > DAY_LIMIT:
        raise ValidationError(
            _("%(name)s would have %(total)s hours on %(day)s; at most 24 a day.")
            % {"name": staff_member.name, "total": already + hours, "day": day}
        )
    pending = _mark_pending_work(task, by, day) if task is not None else False
    entry, created = TimeEntry.objects.get_or_create(
        staff_member=staff_member,
        date=day,
        task=task,
        resident_work="" if task else resident_work,
        defaults={"hours": hours, "note": note, "while_pending": pending},
    )
    if not created:
        entry.hours += hours
        entry.while_pending = entry.while_pending or pending
        if note:
            entry.note = note
        entry.save()
    return entry


@dataclass(frozen=True)
class WeekRow:
    """One timesheet row: a task or a kind of resident work, and hours for Monday..Sunday."""

    task: Task | None
    resident_work: str
    hours: Sequence[Decimal | None]


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=i) for i in range(7)]


@service
def save_week(*, staff_member: StaffMember, monday: date, rows: Sequence[WeekRow], by) -> int:
    """Replace a person's hours for one week with the timesheet's rows.

    Every cell is checked (quarter hours, more than 0, at most 24 a day in total)
    before anything is written: either the whole week is saved or nothing is.
    Returns the number of entries the week now holds.
    """
    if not scoping.can(by, Action.CHANGE, staff_member.community):
        raise PermissionDenied(_("You may not log hours for this person."))
    days = week_days(monday)
    errors = []
    totals = [Decimal("0")] * 7
    cells = []
    for row in rows:
        if (row.task is None) == (not row.resident_work):
            errors.append(_("Each row needs either a task or a kind of resident work."))
            continue
        if row.task is not None and row.task.community_id != staff_member.community_id:
            errors.append(_("This person does not work in the task's community."))
            continue
        for index, value in enumerate(row.hours):
            if value in (None, ""):
                continue
            try:
                hours = check_hours(value)
            except ValidationError as error:
                label = row.task.title if row.task else ResidentWork(row.resident_work).label
                errors.append(f"{label}, {days[index]}: {' '.join(error.messages)}")
                continue
            totals[index] += hours
            cells.append((row, days[index], hours))
    for index, total in enumerate(totals):
        if total > DAY_LIMIT:
            errors.append(
                _("%(day)s: %(total)s hours in one day; at most 24.")
                % {"day": days[index], "total": total}
            )
    if errors:
        raise ValidationError(errors)
    StaffMember.objects.select_for_update().filter(pk=staff_member.pk).first()
    week = TimeEntry.objects.filter(staff_member=staff_member, date__range=(days[0], days[-1]))
    # Hours once logged while pending stay counted so, even after the approval.
    was_pending = set(week.filter(while_pending=True).values_list("task_id", "date"))
    removed = list(week)
    week.delete()
    merged: dict[tuple, TimeEntry] = {}
    for row, day, hours in cells:
        key = (row.task.pk if row.task else None, row.resident_work, day)
        if key in merged:
            merged[key].hours += hours
            continue
        pending = _mark_pending_work(row.task, by, day) if row.task is not None else False
        merged[key] = TimeEntry(
            staff_member=staff_member,
            date=day,
            hours=hours,
            task=row.task,
            resident_work="" if row.task else row.resident_work,
            while_pending=pending or (key[0], day) in was_pending,
        )
    added = TimeEntry.objects.bulk_create(merged.values())
    rollups.touch_all((staff_member.community_id, e.date) for e in merged.values())
    rollups.touch_all((e.task.community_id, e.task.received_on) for e in merged.values() if e.task)
    # A week is rewritten whole: its history keeps what went and what came.
    audit.log_deleted(removed)
    audit.log_created(added)
    return len(merged)


@service
def save_catalogue_item(item: CatalogueItem, *, user) -> CatalogueItem:
    """Add or change a matter of the district's catalogue (its district officers only)."""
    return save_record(item, user=user)
