"""Each community's certificate-desk counts for a page's period, kept per community with
its rollup rows (``dashboards/community_facts.py``, the street-office page).

The desk's counts (issued, refused, referred; per month; per kind of institution that
asked) are sums over a group's communities, so each community keeps its requests counted
per (month, institution kind, outcome); ``read`` takes them for some communities in one
query, and the stand-ins below add them up inside ``community_facts.using`` (the live
metric anywhere else). tests/dashboards/test_community_facts.py holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from certificates import metrics as certificates_metrics
from certificates.metrics import InstitutionRow, OutcomeCounts
from certificates.models import CertificateRequest, InstitutionKind
from dashboards import community_facts


@dataclass
class CertificateFacts:
    """One community's requests for [start, end], counted per (month, kind, outcome)."""

    start: date
    end: date
    counts: dict[tuple[date, str, str], int] = field(default_factory=dict)


def read(ids: list[int], start: date, end: date) -> dict[int, CertificateFacts]:
    """The certificate facts of these communities for [start, end] (one query)."""
    found = {pk: CertificateFacts(start, end) for pk in ids}
    if not ids:
        return found
    rows = (
        CertificateRequest.objects.filter(community_id__in=sorted(ids))
        .between(start, end)
        .annotate(month=TruncMonth("requested_on"))
        .values("community_id", "month", "institution_kind", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("community_id", "month", "institution_kind", "outcome", "n")
    )
    for pk, month, kind, outcome, n in rows:
        month = month.date() if hasattr(month, "date") else month
        found[pk].counts[(month, kind, outcome)] = n
    return found


def _counts(communities, start: date, end: date) -> list[dict] | None:
    """The communities' counts for exactly [start, end], if all are kept."""
    facts = community_facts.facts_for(communities, start, end)
    if facts is None:
        return None
    found = [one.certificates for one in facts.values()]
    if any(one is None or (one.start, one.end) != (start, end) for one in found):
        return None
    return [one.counts for one in found]


def outcome_counts(communities, start: date, end: date) -> OutcomeCounts:
    kept = _counts(communities, start, end)
    if kept is None:
        return certificates_metrics.outcome_counts(communities, start, end)
    total = OutcomeCounts()
    for counts in kept:
        for (_month, _kind, outcome), n in counts.items():
            total.add(outcome, n)
    return total


def outcome_counts_by_month(communities, start: date, end: date) -> dict[date, OutcomeCounts]:
    kept = _counts(communities, start, end)
    if kept is None:
        return certificates_metrics.outcome_counts_by_month(communities, start, end)
    months: dict[date, OutcomeCounts] = {}
    for counts in kept:
        for (month, _kind, outcome), n in counts.items():
            months.setdefault(month, OutcomeCounts()).add(outcome, n)
    return dict(sorted(months.items()))


def outcome_counts_by_institution_kind(communities, start: date, end: date) -> list:
    kept = _counts(communities, start, end)
    if kept is None:
        return certificates_metrics.outcome_counts_by_institution_kind(communities, start, end)
    labels = dict(InstitutionKind.choices)
    found: dict[str, InstitutionRow] = {}
    for counts in kept:
        for (_month, kind, outcome), n in counts.items():
            row = found.setdefault(kind, InstitutionRow(str(labels.get(kind, kind))))
            row.counts.add(outcome, n)
    return sorted(found.values(), key=lambda r: (-r.counts.total, r.label))


INSTEAD = {
    certificates_metrics.outcome_counts: outcome_counts,
    certificates_metrics.outcome_counts_by_month: outcome_counts_by_month,
    certificates_metrics.outcome_counts_by_institution_kind: outcome_counts_by_institution_kind,
}
