"""The writes of the paperwork registers, and the one place their rules live.

- A demand is over its cap when the committee already carries the cap's number of that
  kind (signboards, ledgers standing; assessments and rankings in the year; meetings and
  inspections in the month), the latest ones being the ones over; a ledger is over when
  it is not on the district's permitted list. ``refresh_caps`` keeps the flags after any
  change of a demand or a cap.
- A return's data item is a repeat ask when a return of another department asked this
  community for it before; "held" values are the latest values given that are still
  within the item's validity, and may be reused with one click.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from committee import scoping
from committee.models import Community, Department, District
from committee.roles import Action
from committee.services import check_right, save_record, service
from paperwork.models import (
    PER_MONTH,
    PER_YEAR,
    ApiToken,
    Cap,
    CapKind,
    DataItem,
    Demand,
    ReturnForm,
    ReturnItem,
)

# --- caps and demands --------------------------------------------------------------------


def _bucket(demand: Demand):
    if demand.kind in PER_YEAR:
        return demand.demanded_on.year
    if demand.kind in PER_MONTH:
        return (demand.demanded_on.year, demand.demanded_on.month)
    return None


def _refresh(community: Community, kind: str, cap: Cap | None) -> None:
    demands = list(
        Demand.objects.filter(community=community, kind=kind)
        .only("pk", "kind", "name", "demanded_on", "ended_on")
        .order_by("demanded_on", "pk")
    )
    over: set[int] = set()
    if cap is not None:
        permitted = cap.permitted_names() if kind == CapKind.LEDGER else set()
        seen: dict = {}
        for demand in demands:
            if kind == CapKind.LEDGER and permitted:
                if demand.ended_on is None and demand.name.strip() not in permitted:
                    over.add(demand.pk)
                continue
            if demand.kind not in PER_YEAR + PER_MONTH and demand.ended_on is not None:
                continue  # taken down: nothing left to withdraw
            bucket = _bucket(demand)
            seen[bucket] = seen.get(bucket, 0) + 1
            if seen[bucket] > cap.limit:
                over.add(demand.pk)
    Demand.objects.filter(community=community, kind=kind, pk__in=over).exclude(
        over_cap=True
    ).update(over_cap=True)
    Demand.objects.filter(community=community, kind=kind, over_cap=True).exclude(
        pk__in=over
    ).update(over_cap=False)


@service
def refresh_caps(*, communities, kinds=None) -> None:
    """Recompute which demands are over their cap, for these communities and kinds."""
    caps = {
        (c.district_id, c.kind): c
        for c in Cap.objects.filter(district__in=communities.values("street_office__district"))
    }
    for community in communities.select_related("street_office"):
        for kind in kinds or CapKind.values:
            _refresh(community, kind, caps.get((community.street_office.district_id, kind)))


@service
def save_cap(cap: Cap, *, user) -> Cap:
    """The district sets a cap; every community's flags of that kind follow."""
    save_record(cap, user=user)
    refresh_caps(
        communities=Community.objects.filter(street_office__district=cap.district),
        kinds=[cap.kind],
    )
    return cap


@service
def save_demand(demand: Demand, *, user, attachment=None) -> Demand:
    """The committee logs (or corrects) a demand; the cap flags of its kind follow.

    ``attachment`` is an optional uploaded photo or file, kept in the database.
    """
    if attachment is not None:
        demand.attachment = attachment.read()
        demand.attachment_name = attachment.name[-200:]
        demand.attachment_type = (attachment.content_type or "")[:100]
    if demand.kind in PER_YEAR + PER_MONTH:
        demand.ended_on = demand.demanded_on  # an event stands on its day only
    if demand.department_id and demand.community_id:
        district_id = Community.objects.filter(pk=demand.community_id).values_list(
            "street_office__district_id", flat=True
        )[0]
        if demand.department.district_id != district_id:
            raise ValidationError({"department": _("Pick a department of this district.")})
    previous = (
        Demand.objects.filter(pk=demand.pk).values_list("kind", flat=True).first()
        if demand.pk
        else None
    )
    save_record(demand, user=user)
    refresh_caps(
        communities=Community.objects.filter(pk=demand.community_id),
        kinds=sorted({demand.kind, previous or demand.kind}),
    )
    demand.refresh_from_db(fields=["over_cap"])
    return demand


@service
def ask_withdrawal(*, community: Community, user) -> list[Demand]:
    """Send the withdraw letter up: every flagged demand still standing is marked as asked."""
    if user is not None and not scoping.can(user, Action.CHANGE, community):
        raise PermissionDenied(_("Only the community's committee sends its letter."))
    today = timezone.localdate()
    found = list(withdraw_items(community))
    Demand.objects.filter(pk__in=[d.pk for d in found], withdrawal_asked_on__isnull=True).update(
        withdrawal_asked_on=today
    )
    return found


def withdraw_items(community: Community):
    """The items a withdraw letter lists: flagged demands standing today, with their cap."""
    today = timezone.localdate()
    return (
        Demand.objects.filter(community=community)
        .flagged()
        .standing_between(today, today)
        .select_related("department")
        .defer("attachment")
        .order_by("kind", "demanded_on", "pk")
    )


# --- returns and data items ------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    """A value the committee already gave for a data item, still within its validity."""

    line: ReturnItem
    department: str
    sent_on: date


def held_values(community: Community, items, *, on: date | None = None, exclude_return=None):
    """{data item id: Held} for the latest value given of each item, if still valid."""
    on = on or timezone.localdate()
    lines = (
        ReturnItem.objects.filter(
            return_form__community=community, data_item__in=items, value_on__isnull=False
        )
        .exclude(value="")
        .select_related("return_form__department", "data_item")
        .order_by("data_item_id", "-value_on", "-pk")
    )
    if exclude_return is not None:
        lines = lines.exclude(return_form=exclude_return)
    found: dict[int, Held] = {}
    for line in lines:
        if line.data_item_id in found:
            continue
        if line.value_on + timedelta(days=line.data_item.valid_days) < on:
            continue
        found[line.data_item_id] = Held(
            line=line,
            department=line.return_form.department.name,
            sent_on=line.return_form.filled_on or line.value_on,
        )
    return found


@service
def register_return(
    *,
    community: Community,
    department: Department,
    title: str,
    items,
    registered_on: date,
    due_on: date,
    frequency: str,
    form_number: str = "",
    issuing_authority: str = "",
    approving_authority: str = "",
    approval_number: str = "",
    valid_until: date | None = None,
    user,
) -> ReturnForm:
    """Register a form a department asks for, with the data items it asks.

    Each item asked before in this community by a return of another department is a repeat.
    """
    items = list(items)
    if not items:
        raise ValidationError({"items": _("Pick the data items the form asks for.")})
    district_id = community.street_office.district_id
    if department.district_id != district_id or any(i.district_id != district_id for i in items):
        raise ValidationError(_("The department and data items must be of this district."))
    form = ReturnForm(
        community=community,
        department=department,
        title=title,
        registered_on=registered_on,
        due_on=due_on,
        frequency=frequency,
        form_number=form_number,
        issuing_authority=issuing_authority,
        approving_authority=approving_authority,
        approval_number=approval_number,
        valid_until=valid_until,
    )
    save_record(form, user=user)
    asked_before = set(
        ReturnItem.objects.filter(
            return_form__community=community,
            data_item__in=items,
            return_form__registered_on__lte=registered_on,
        )
        .exclude(return_form=form)
        .exclude(return_form__department=department)
        .values_list("data_item_id", flat=True)
    )
    ReturnItem.objects.bulk_create(
        ReturnItem(return_form=form, data_item=i, repeat=i.pk in asked_before) for i in items
    )
    return form


@service
def fill_return(
    *, return_form: ReturnForm, values: dict[int, str], on: date | None = None, user
) -> ReturnForm:
    """Store the value given for each data item (by data item id) and the day of it."""
    check_right(user, Action.CHANGE, return_form)
    on = on or timezone.localdate()
    for line in return_form.lines.all():
        value = (values.get(line.data_item_id) or "").strip()
        if value and value != line.value:
            line.value, line.value_on, line.reused_from = value, on, None
            line.save(update_fields=["value", "value_on", "reused_from"])
    return_form.filled_on = on
    return_form.save(update_fields=["filled_on"])
    return return_form


@service
def reuse_held(*, return_form: ReturnForm, user) -> int:
    """One click: every item still empty takes the value already held; the number taken."""
    check_right(user, Action.CHANGE, return_form)
    lines = [line for line in return_form.lines.all() if not line.value]
    held = held_values(
        return_form.community, [line.data_item_id for line in lines], exclude_return=return_form
    )
    taken = 0
    for line in lines:
        found = held.get(line.data_item_id)
        if found is None:
            continue
        line.value, line.value_on, line.reused_from = (
            found.line.value,
            found.line.value_on,
            found.line,
        )
        line.save(update_fields=["value", "value_on", "reused_from"])
        taken += 1
    if taken and all(line.value for line in return_form.lines.all()):
        return_form.filled_on = timezone.localdate()
        return_form.save(update_fields=["filled_on"])
    return taken


@service
def save_data_item(item: DataItem, *, user) -> DataItem:
    return save_record(item, user=user)


# --- the 一表通 pull -------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@service
def create_api_token(*, district: District, name: str, user=None) -> tuple[ApiToken, str]:
    """A new key for a district; the key itself is returned once and never stored."""
    if user is not None:
        ids = scoping.district_ids(user, Action.ADMINISTER)
        if ids is not None and district.pk not in ids:
            raise PermissionDenied(_("Only the district's officers issue its keys."))
    key = "jw_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(district=district, name=name, key_hash=hash_key(key))
    return token, key


@service
def note_api_call(*, token: ApiToken) -> bool:
    """Count one call in the token's minute; False when the limit is reached."""
    now = timezone.now()
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.window_start is None or now - locked.window_start >= timedelta(minutes=1):
        locked.window_start, locked.window_calls = now, 0
    if locked.window_calls >= settings.PAPERWORK_API_CALLS_PER_MINUTE:
        return False
    locked.window_calls += 1
    locked.save(update_fields=["window_start", "window_calls"])
    return True
