"""History of every change (修改记录), kept by django-auditlog in one table.

Each app registers its own models in its ``AppConfig.ready`` with :func:`track`; every
save and delete of a tracked record then leaves an :class:`~committee.models.AuditEntry`
with each field's old and new value, who did it (the request's user), from where (the
client address, read by committee/clients.py), the request's group id (one id for every
change of one request or one service call, so an import of 300 rows is one group) and an
optional reason. Each entry also names the record's community or district, which is how
the audit log is scoped (``AuditEntry.objects.visible_to(user)``).

Bulk writes (``bulk_create``/``bulk_update``/``QuerySet.update``) send no signals: a
service that uses them calls :func:`log_created`, :func:`log_changed` or
:func:`log_deleted` for the rows it wrote.

Why auditlog and not django-simple-history or django-pghistory: README, "History".
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar

from auditlog import get_logentry_model
from auditlog.cid import correlation_id
from auditlog.context import auditlog_value, set_extra_data
from auditlog.diff import model_instance_diff
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntryManager
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.utils.encoding import smart_str

from committee import clients, scoping
from committee.roles import Action

_reason: ContextVar[str] = ContextVar("juwei_audit_reason", default="")

# Fields no one needs to see change: kept by the code itself on every save.
NOISE = ("changed_at", "recorded_at", "created_at", "updated_at")


# Models whose deleted records may be restored (committee/restore.py).
RESTORABLE: set[str] = set()
# What a restored record must pass besides ``full_clean``, by model: the app's own check
# and those an app above registers (funds refuses a closed year for tasks and pay).
RESTORE_CHECKS: dict[str, list[Callable[[models.Model], None]]] = {}
# What runs once a restored record is back, called with the record and ``user=`` who
# restored it (funds re-syncs a task's money received).
AFTER_RESTORE: dict[str, list[Callable[..., None]]] = {}


def track(
    model: type[models.Model],
    *,
    restorable: bool = False,
    check: Callable[[models.Model], None] | None = None,
    exclude=(),
    mask=(),
) -> None:
    """Keep the history of this model; ``restorable`` also keeps a deleted record's values,
    and ``check`` is what a restored record must pass besides ``full_clean``."""
    if restorable:
        RESTORABLE.add(model._meta.label)
        on_restore(model, check=check)
        if model._meta.many_to_many:
            pre_delete.connect(_keep_links, sender=model, dispatch_uid=f"audit-links-{model}")
    fields = {f.name for f in model._meta.get_fields()}
    auditlog.register(
        model,
        exclude_fields=[name for name in (*NOISE, *exclude) if name in fields],
        mask_fields=list(mask),
        serialize_data=restorable,
    )


# What a record must pass before it may be deleted, by model, for the rules an app below
# cannot know (funds: a task, hour or pay record of a closed year stays).
DELETE_CHECKS: dict[str, list[Callable[[models.Model], None]]] = {}


def on_delete(model: type[models.Model], check: Callable[[models.Model], None]) -> None:
    DELETE_CHECKS.setdefault(model._meta.label, []).append(check)


def check_delete(record: models.Model) -> None:
    """Raise the ValidationError of any registered rule that keeps this record."""
    for check in DELETE_CHECKS.get(record._meta.label, ()):
        check(record)


def on_restore(
    model: type[models.Model],
    *,
    check: Callable[[models.Model], None] | None = None,
    after: Callable[..., None] | None = None,
) -> None:
    """Add a check a restored record of ``model`` must pass (it may also set fields, as
    the admission rule does), or what to do once it is back. An app registers these for
    a model of an app below it, which cannot know it (funds' closed years)."""
    if check is not None:
        RESTORE_CHECKS.setdefault(model._meta.label, []).append(check)
    if after is not None:
        AFTER_RESTORE.setdefault(model._meta.label, []).append(after)


@contextlib.contextmanager
def reason(text: str) -> Iterator[None]:
    """Keep ``text`` as the reason of every change made inside the block."""
    token = _reason.set((text or "").strip()[:200])
    try:
        yield
    finally:
        _reason.reset(token)


def place_of(record: models.Model) -> tuple[int | None, int | None]:
    """(community id, None) of a community's record, (None, district id) of a district's
    setting: how its history is scoped. Read from the foreign keys the record holds, so
    a bulk write of a payroll grid asks the database nothing more."""
    if record._meta.label == "committee.Membership":
        if record.community_id:
            return record.community_id, None
        if record.street_office_id:
            return None, record.street_office.district_id
        return None, record.district_id
    queryset = type(record)._default_manager.all()
    path = getattr(queryset, "scope_path", None)
    if path is None:
        return None, None
    if not path:  # a community itself
        return record.pk, None
    *hops, last = path.split("__")
    target = record
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None, None
    found = getattr(target, f"{last}_id", None)
    if isinstance(queryset, scoping.DistrictScopedQuerySet):
        return None, found
    return found, None


class AuditEntryQuerySet(models.QuerySet):
    """Who may read which history: the chair their community, the street office its
    communities, the district all of its own and its settings (committee/roles.py AUDIT)."""

    def visible_to(self, user) -> AuditEntryQuerySet:
        return self.for_action(user, Action.AUDIT)

    def for_action(self, user, action: str) -> AuditEntryQuerySet:
        q = scoping.community_q(user, action)
        if q is None:
            return self.all()
        allowed = Q(community__in=scoping.communities(user, action).values("pk"))
        # District-level settings (thresholds, catalogue, pay scales): their officers only.
        administered = scoping.district_ids(user, Action.ADMINISTER) or set()
        districts = administered & (scoping.district_ids(user, action) or set())
        if districts:
            allowed |= Q(community__isnull=True, district__in=districts)
        return self.filter(allowed)

    def for_record(self, record: models.Model) -> AuditEntryQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(record, for_concrete_model=False),
            object_pk=str(record.pk),
        )


def _keep_links(sender, instance, **kwargs) -> None:
    """Django removes a record's many-to-many links before the delete is logged: keep them
    on the instance so the delete's entry holds them and a restore sets them again."""
    instance._audit_links = {
        field.name: list(getattr(instance, field.name).values_list("pk", flat=True))
        for field in sender._meta.many_to_many
    }


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    def _get_serialized_data_or_none(self, instance):
        data = super()._get_serialized_data_or_none(instance)
        links = getattr(instance, "_audit_links", None)
        if data and links:
            data["fields"].update(links)
        return data

    def log_create(self, instance, force_log: bool = False, **kwargs):
        if kwargs.get("action") != self.model.Action.DELETE:
            # A record's values are kept for a restore, which only a delete's entry needs:
            # serialising them on every create and change was a tenth of a write's time.
            kwargs.setdefault("serialized_data", None)
        if kwargs.get("changes") is not None or force_log:
            community, district = place_of(instance)
            kwargs.setdefault("community_id", community)
            kwargs.setdefault("district_id", district)
            kwargs.setdefault("reason", _reason.get())
        return super().log_create(instance, force_log=force_log, **kwargs)


def _entries(records, action: int, pairs) -> list:
    entry_model = get_logentry_model()
    context = auditlog_value.get({})
    actor = context.get("actor")
    group = correlation_id.get()
    made = []
    for record, (old, new) in zip(records, pairs, strict=True):
        changes = model_instance_diff(old, new)
        if not changes:
            continue
        community, district = place_of(record)
        made.append(
            entry_model(
                content_type=ContentType.objects.get_for_model(record),
                object_pk=str(record.pk),
                object_id=record.pk if isinstance(record.pk, int) else None,
                object_repr=smart_str(record)[:1000],
                serialized_data=(
                    entry_model.objects._get_serialized_data_or_none(record)
                    if action == entry_model.Action.DELETE
                    else None
                ),
                action=action,
                changes=changes,
                actor=actor if getattr(actor, "pk", None) else None,
                remote_addr=context.get("remote_addr"),
                cid=group,
                reason=_reason.get(),
                community_id=community,
                district_id=district,
            )
        )
    entry_model.objects.bulk_create(made)
    return made


def log_created(records: Iterable[models.Model]) -> list:
    """History for records written by ``bulk_create`` (they must have their ids)."""
    records = list(records)
    action = get_logentry_model().Action.CREATE
    return _entries(records, action, [(None, r) for r in records])


def log_changed(pairs: Iterable[tuple[models.Model, models.Model]]) -> list:
    """History for ``(before, after)`` pairs written by ``bulk_update`` or ``update``."""
    pairs = list(pairs)
    action = get_logentry_model().Action.UPDATE
    return _entries([after for _before, after in pairs], action, pairs)


def log_deleted(records: Iterable[models.Model]) -> list:
    """History for records removed by ``QuerySet.delete()`` (pass them before deleting)."""
    records = list(records)
    action = get_logentry_model().Action.DELETE
    return _entries(records, action, [(r, None) for r in records])


def log_access(record: models.Model, what: str) -> None:
    """Keep that someone was shown ``what`` of this record in full (a national ID …)."""
    entry_model = get_logentry_model()
    entry_model.objects.log_create(
        record,
        force_log=True,
        action=entry_model.Action.ACCESS,
        changes={what: ["", ""]},
    )


HISTORY_SHOWN = 30  # the newest changes on a record's page; the audit log has them all


def _field(model, name):
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) else None


def describe(entries) -> list:
    """Give each entry ``fields``: (field, old, new) as a person reads them.

    Choices show their label and a foreign key its record's name, looked up once per
    model for all the entries (auditlog's own display asks once per value).
    """
    entries = list(entries)
    wanted: dict[type, set] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if field is not None and field.many_to_one:
                wanted[field.related_model].update(v for v in values if str(v).isdigit())
    names = {
        related: {str(pk): str(obj) for pk, obj in related._base_manager.in_bulk(pks).items()}
        for related, pks in wanted.items()
    }
    for entry in entries:
        model = entry.content_type.model_class()
        entry.fields = []
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            old, new = ([*values, "", ""] if isinstance(values, list) else ["", ""])[:2]
            if entry.action == get_logentry_model().Action.ACCESS:
                old = new = ""
            elif field is not None and field.many_to_one:
                labels = names.get(field.related_model, {})
                old, new = labels.get(str(old), old), labels.get(str(new), new)
            elif field is not None and field.choices:
                labels = {str(k): str(v) for k, v in field.flatchoices}
                old, new = labels.get(str(old), old), labels.get(str(new), new)
            label = str(field.verbose_name) if field is not None else name
            entry.fields.append((label, _blank(old), _blank(new)))
    return entries


# auditlog masks the text "None" of an empty personal field as "**ne".
EMPTY = (None, "", "None", "**ne")


def _blank(value) -> str:
    return "—" if value in EMPTY else str(value)


def history_of(record, user) -> list:
    """The newest changes of one record that the user may read (none for other roles)."""
    entries = (
        get_logentry_model()
        .objects.for_record(record)
        .visible_to(user)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:HISTORY_SHOWN]
    )
    return describe(entries)


class AuditMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with our client address and one group id per request."""

    @staticmethod
    def _get_remote_addr(request):
        return clients.client_address(request) or None

    def __call__(self, request):
        token = correlation_id.set(uuid.uuid4().hex)
        # auditlog leaves its context set after the request; ours ends with it, so a
        # later write in this thread (a job, the next test) is not put on this user.
        context = auditlog_value.set({})
        try:
            with set_extra_data(context_data=self.get_extra_data(request)):
                return self.get_response(request)
        finally:
            auditlog_value.reset(context)
            correlation_id.reset(token)
