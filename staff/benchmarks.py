"""The districts' wage benchmarks (``WageBenchmark``) as the pay metrics read them: each
district's rows up to a year read once a page (``committee.rollups.once``), whichever
way a page names its districts (ids, or a queryset of its communities' districts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from committee import rollups as hook
from committee.numbers import cents
from staff.models import WageBenchmark


@dataclass(frozen=True)
class Benchmarks:
    """The district's pay reference points in force (monthly wages, yearly income)."""

    year: int
    minimum_wage: Decimal
    average_wage: Decimal
    disposable_income: Decimal
    sources: tuple[str, ...] = ()

    @property
    def disposable_income_per_month(self) -> Decimal:
        return cents(self.disposable_income / 12)


def _ids_of(district_ids) -> tuple[int, ...]:
    """District ids, sorted; a queryset of them (``values("…district_id")``) read once a
    page (committee.rollups.once)."""
    if not isinstance(district_ids, QuerySet):
        return tuple(sorted(set(district_ids)))

    def read() -> tuple[int, ...]:
        found = {
            v for row in district_ids for v in (row.values() if isinstance(row, dict) else [row])
        }
        return tuple(sorted(found))

    key = hook.of(district_ids)
    return hook.once(key and ("district ids", key), read)


def _history(district_ids, year: int) -> dict[int, list[WageBenchmark]]:
    """Each district's benchmark rows up to the year, oldest first (once a page)."""
    ids = _ids_of(district_ids)

    def read() -> dict[int, list[WageBenchmark]]:
        rows = WageBenchmark.objects.filter(district_id__in=ids, year__lte=year)
        found: dict[int, list[WageBenchmark]] = defaultdict(list)
        for row in rows.order_by("district_id", "year"):
            found[row.district_id].append(row)
        return dict(found)

    return hook.once(("wage benchmarks", ids, year), read)


def _benchmarks_by_district(district_ids, year: int) -> dict[int, WageBenchmark]:
    """Each district's latest row up to the year."""
    return {district: rows[-1] for district, rows in _history(district_ids, year).items()}


def benchmarks_of(found: dict[int, WageBenchmark]) -> Benchmarks | None:
    """The mean of these districts' benchmarks (``benchmarks`` of their communities)."""
    if not found:
        return None
    rows = list(found.values())
    n = len(rows)
    return Benchmarks(
        year=max(r.year for r in rows),
        minimum_wage=cents(sum(r.minimum_wage for r in rows) / n),
        average_wage=cents(sum(r.average_wage for r in rows) / n),
        disposable_income=cents(sum(r.disposable_income for r in rows) / n),
        sources=tuple(sorted({r.source for r in rows if r.source})),
    )
