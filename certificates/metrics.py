"""The certificate desk's numbers, counted in the database, for the register and dashboards.

Every function takes a queryset of communities and a date range (by request date), so
a community, a street office and a district are counted the same way, and the register
filtered the same way shows the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from certificates.models import CertificateRequest, InstitutionKind, Kind, Outcome

OUTCOMES = tuple(Outcome.values)


@dataclass
class OutcomeCounts:
    issued: int = 0
    refused: int = 0
    referred: int = 0

    @property
    def total(self) -> int:
        return self.issued + self.refused + self.referred

    def add(self, outcome: str, n: int) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)


@dataclass
class InstitutionRow:
    label: str
    counts: OutcomeCounts = field(default_factory=OutcomeCounts)


def _requests(communities, start: date, end: date):
    return CertificateRequest.objects.filter(community__in=communities).between(start, end)


def outcome_counts(communities, start: date, end: date) -> OutcomeCounts:
    """How many requests the desk issued, refused and referred in the range."""
    found = _requests(communities, start, end).aggregate(
        **{outcome: Count("pk", filter=Q(outcome=outcome)) for outcome in OUTCOMES}
    )
    return OutcomeCounts(**found)


def outcome_counts_by_month(communities, start: date, end: date) -> dict[date, OutcomeCounts]:
    """The same counts per month (first day of the month); months without requests left out."""
    rows = (
        _requests(communities, start, end)
        .annotate(month=TruncMonth("requested_on"))
        .values("month", "outcome")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    months: dict[date, OutcomeCounts] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month
        months.setdefault(month, OutcomeCounts()).add(row["outcome"], row["n"])
    return months


def outcome_counts_by_institution_kind(communities, start: date, end: date) -> list[InstitutionRow]:
    """Counts by the kind of institution that asked for the certificate, most first."""
    rows = (
        _requests(communities, start, end)
        .values("institution_kind", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    labels = dict(InstitutionKind.choices)
    found: dict[str, InstitutionRow] = {}
    for row in rows:
        kind = row["institution_kind"]
        found.setdefault(kind, InstitutionRow(str(labels.get(kind, kind)))).counts.add(
            row["outcome"], row["n"]
        )
    return sorted(found.values(), key=lambda r: (-r.counts.total, r.label))


@dataclass(frozen=True)
class BannedDemand:
    institution: str
    institution_kind: str
    requests: int
    certificates: int
    top_certificate: str


def banned_demand(communities, start: date, end: date, limit: int = 20) -> list[BannedDemand]:
    """Which institutions sent residents for banned certificates most (evidence to raise).

    Two queries whatever the data: the institutions, then their most asked-for type.
    """
    banned = _requests(communities, start, end).filter(certificate_type__kind=Kind.BANNED)
    rows = list(
        banned.values("institution", "institution_kind")
        .annotate(
            requests=Count("pk"),
            certificates=Count("certificate_type__name", distinct=True),
        )
        .order_by("-requests", "institution")[:limit]
    )
    per_type = (
        banned.filter(institution__in=[r["institution"] for r in rows])
        .values("institution", "certificate_type__name")
        .annotate(n=Count("pk"))
        .order_by("institution", "-n", "certificate_type__name")
    )
    top: dict[str, str] = {}
    for row in per_type:
        top.setdefault(row["institution"], row["certificate_type__name"])
    labels = dict(InstitutionKind.choices)
    return [
        BannedDemand(
            institution=r["institution"],
            institution_kind=str(labels.get(r["institution_kind"], r["institution_kind"])),
            requests=r["requests"],
            certificates=r["certificates"],
            top_certificate=top.get(r["institution"], ""),
        )
        for r in rows
    ]
