"""Which community-months' figures changed: the stamp a stored report is checked against.

A report of an ended period is drawn once and stored (``dashboards/reports/stored.py``).
Every write that changes what a report shows leaves a new random token on the
community-months it touched (``ReportChange``), in the same transaction:

- hours, tasks, money and pay through the rollup hook (``dashboards.rollups.rebuild``
  marks every community-month it recounts, whatever the write or command);
- what the reports read besides the rollups, through the signals wired by ``install``: a
  survey response or a certificate request marks its own months when it is new; any other
  change (a survey, a demand, a staff member, a threshold, a catalogue item …) marks every
  month of its community, or of every community of its district.

``stamp`` reads the tokens of a group of communities for a period in one query: a stored
report whose stamp differs was drawn before a correction and is drawn again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from committee.models import Community, StreetOffice
from committee.periods import month_end
from dashboards.models import EVERY_MONTH, ReportChange

# Records with their own months: a new one changes those months only.
DATED = {
    "surveys.response": ("submitted_at",),
    "certificates.certificaterequest": ("requested_on", "decided_on", "issued_on", "revoked_on"),
}

# Records the reports read besides the rollups (labels, so no app below is imported here).
WATCHED = (
    "surveys.survey",
    "surveys.response",
    "paperwork.cap",
    "paperwork.demand",
    "paperwork.dataitem",
    "paperwork.returnform",
    "certificates.certificatetype",
    "certificates.certificaterequest",
    "staff.staffmember",
    "staff.payscale",
    "staff.insurancerates",
    "staff.wagebenchmark",
    "funds.category",
    "funds.financialyear",
    "committee.community",
    "committee.streetoffice",
    "committee.department",
    "tasks.catalogueitem",
    "dashboards.threshold",
)


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = month_end(month) + timedelta(days=1)
    return months


def mark(community_ids: Iterable[int], months: Iterable[date]) -> None:
    """Give these community-months a new token (inside the writing transaction)."""
    token = uuid.uuid4().hex
    rows = [
        ReportChange(community_id=c, month=m.replace(day=1), token=token)
        for c in set(community_ids)
        for m in set(months)
    ]
    if rows:
        ReportChange.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["community_id", "month"],
            update_fields=["token"],
        )


def mark_span(community_ids: Iterable[int], first: date, last: date) -> None:
    mark(community_ids, _months(first, last))


def stamp(community_ids: list[int], start: date, end: date) -> str:
    """The tokens of these communities for the months of [start, end], as one digest."""
    found = (
        ReportChange.objects.filter(community_id__in=community_ids)
        .filter(Q(month__range=(start.replace(day=1), end)) | Q(month=EVERY_MONTH))
        .order_by("community_id", "month")
        .values_list("community_id", "month", "token")
    )
    digest = hashlib.sha256(",".join(map(str, sorted(community_ids))).encode())
    for community_id, month, token in found:
        digest.update(f"|{community_id}:{month}:{token}".encode())
    return digest.hexdigest()


def _communities(instance) -> list[int]:
    """The communities whose reports read this record."""
    if isinstance(instance, Community):
        return [instance.pk]
    if community_id := getattr(instance, "community_id", None):
        return [community_id]
    if survey_id := getattr(instance, "survey_id", None):
        survey = apps.get_model("surveys", "Survey")._base_manager.filter(pk=survey_id).first()
        return _communities(survey) if survey is not None else []
    office_id = instance.pk if isinstance(instance, StreetOffice) else None
    if office_id := office_id or getattr(instance, "street_office_id", None):
        found = Community.objects.filter(street_office_id=office_id)
        return list(found.values_list("pk", flat=True))
    if district_id := getattr(instance, "district_id", None):
        return list(
            Community.objects.filter(street_office__district_id=district_id).values_list(
                "pk", flat=True
            )
        )
    return []


def _changed(sender, instance, raw=False, created=False, **kwargs) -> None:
    if raw:
        return
    fields = DATED.get(sender._meta.label_lower)
    deleted = kwargs.get("signal") is post_delete
    if fields and (created or deleted):
        days = [getattr(instance, f, None) for f in fields]
        days = [timezone.localdate(d) if isinstance(d, datetime) else d for d in days if d]
        if days and min(days) >= timezone.localdate():
            # Only reports of periods ended before today are stored: none holds this one
            # (a resident's answer sent now costs no query here).
            return
        mark(_communities(instance), days)
    else:
        mark(_communities(instance), [EVERY_MONTH])


def install() -> None:
    """Wire the signals (dashboards.apps.ready)."""
    for label in WATCHED:
        model = apps.get_model(label)
        uid = f"juwei-report-changes-{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
