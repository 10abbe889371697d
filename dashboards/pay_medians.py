"""Pay medians over the rollups' person-months (``PayMonth``) and the districts' pay bands.

The median net pay of a group of communities (per kind, per community, per month …), as
``staff.metrics._medians`` takes it over the pay records: the mean of the lower and upper
middle person-months, to the fen. Inside ``dashboards.community_facts.using`` (the
street-office page) the communities' person-months come counted per amount from their
kept facts; for whole districts from their pay bands; else from the person-months.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum

from committee import rollups as hook
from committee.models import Community
from committee.numbers import cents
from dashboards import community_facts, read_ahead
from dashboards.community_facts import FEN
from dashboards.models import PayBand, PayMonth
from dashboards.rollups import settle_pending
from staff import metrics as staff_metrics
from staff.models import StaffMember

FULLTIME, ASSISTANT = StaffMember.Kind.FULLTIME.value, StaffMember.Kind.ASSISTANT.value


def _pay_months(communities, start, end) -> QuerySet:
    settle_pending()
    return PayMonth.objects.filter(
        community__in=communities.order_by().values("pk"), month__range=(start, end)
    )


BANDED = (("kind",), ("month", "kind"))  # the groups the districts' bands can give
# The groups the communities' facts can give, and each one's key.
BY_FACTS = {
    ("kind",): lambda pk, month, kind: (kind,),
    ("community_id", "kind"): lambda pk, month, kind: (pk, kind),
    ("month", "kind"): lambda pk, month, kind: (month, kind),
}


def _medians(communities, start, end, group: tuple[str, ...]) -> dict[tuple, Decimal]:
    """Median net per group: the same value as ``_medians_live`` (the mean of the lower
    and upper middle person-months, to the fen), without sorting every person-month when
    the communities cover whole districts: their pay bands summed per amount (some 5,000
    amounts a kind) and the other communities' person-months counted per amount, walked
    in order to the middle."""
    facts = community_facts.facts_for(communities, start, end)
    if facts is not None and group in BY_FACTS:
        counts = community_facts.pay_counts(facts, start, end, BY_FACTS[group])
        return {key: _middle(found) for key, found in counts.items() if any(found.values())}
    if group == ("community_id", "kind"):
        both = community_and_office_medians(communities, start, end)
        if both is not None:
            return both[0]
    whole, partial = _whole_districts(communities) if group in BANDED else (set(), True)
    if not whole:
        return _medians_live(communities, start, end, group)
    reads = [
        PayBand.objects.filter(district__in=whole, month__range=(start, end))
        .values(*group, "net")
        .annotate(n=Sum("months"))
    ]
    if partial:  # the communities outside the whole districts: from their person-months
        rest = _pay_months(communities, start, end)
        rest = rest.exclude(community__street_office__district__in=whole)
        reads.append(rest.values(*group, "net").annotate(n=Count("pk")))
    counts: dict[tuple, dict[int, int]] = {}
    for rows in reads:
        rows = rows.annotate(fen=FEN).order_by().values_list(*group, "fen", "n")
        # Ids, kinds and whole numbers (and on PostgreSQL months: dates from the driver) as
        # the driver gives them: the converters were 40 % of a read.
        if "month" not in group or connections[rows.db].vendor == "postgresql":
            rows = staff_metrics.plain_rows(rows)
        for *key, fen, n in rows:
            found = counts.setdefault(tuple(key), {})
            found[int(fen)] = found.get(int(fen), 0) + n
    return {key: _middle(found) for key, found in counts.items() if any(found.values())}


def _whole_districts(communities) -> tuple[set[int], bool]:
    """The districts every community of which is among these, and whether some of these
    lie in other districts (one query, once a page)."""
    key = hook.of(communities)
    whole, others = hook.once(key and ("whole districts", key), lambda: _read_whole(communities))
    return set(whole), others


def _read_whole(communities) -> tuple[set[int], bool]:
    settle_pending()
    chosen = communities.order_by().values("pk")
    rows = (
        Community.objects.filter(
            street_office__district__in=communities.order_by().values("street_office__district")
        )
        .values("street_office__district")
        .annotate(all=Count("pk"), chosen=Count("pk", filter=Q(pk__in=chosen)))
        .order_by()
        .values_list("street_office__district", "all", "chosen")
    )
    whole = {district for district, every, found in rows if every == found}
    return whole, len(whole) < len(rows)


def _middle(counts: dict[int, int]) -> Decimal:
    """The median of amounts in fen with their counts: the mean of the lower and upper
    middle, to the fen (as ``staff.metrics._medians`` takes it)."""
    total = sum(counts.values())
    low_at, high_at = (total + 1) // 2, total // 2 + 1  # the middle one twice when odd
    seen, low = 0, None
    for fen in sorted(counts):
        seen += counts[fen]
        if low is None and seen >= low_at:
            low = fen
        if seen >= high_at:
            return cents(Decimal(low + fen) / 200)
    raise AssertionError("no middle")  # pragma: no cover


def _medians_live(communities, start, end, group: tuple[str, ...]) -> dict[tuple, Decimal]:
    """The same medians sorted from the person-months (what the bands are held equal to)."""
    return staff_metrics._medians(_pay_months(communities, start, end), group)


Medians = dict[tuple, Decimal]


def community_and_office_medians(communities, start, end) -> tuple[Medians, Medians] | None:
    """PostgreSQL: the medians per (community, kind) and per (street office, kind) in one
    read of the person-months (``GROUPING SETS``; a district page asks for both: was two
    reads of 360,660 person-months), once a page; None elsewhere. A district page starts
    the read ahead (``start_reading``, ``dashboards/read_ahead.py``)."""
    alias = PayMonth.objects.db
    if connections[alias].vendor != "postgresql":
        return None
    key = hook.of(communities)
    if key is None:  # no community
        return {}, {}

    def read() -> tuple[Medians, Medians]:
        return _medians_of(read_ahead.rows(_grouping_sets(communities, start, end), alias))

    return hook.once(("pay medians of communities and offices", key, start, end), read)


def start_reading(communities, start, end) -> None:
    """Start ``community_and_office_medians``' read ahead: the one sort of every
    person-month of a district (a third of its first visit at 2,000 communities)."""
    if connections[PayMonth.objects.db].vendor == "postgresql" and hook.of(communities):
        read_ahead.start(_grouping_sets(communities, start, end), PayMonth.objects.db)


def _grouping_sets(communities, start, end) -> tuple[str, tuple]:
    rows = _pay_months(communities, start, end).values_list(
        "community_id", "community__street_office_id", "kind", "net"
    )
    inner, params = rows.order_by().query.sql_with_params()
    sql = (
        "SELECT c, o, k, GROUPING(c), (percentile_disc(ARRAY[0.5, 0.5000000000001]::float8[])"
        f" WITHIN GROUP (ORDER BY (n * 100)::bigint)) FROM ({inner}) x (c, o, k, n)"
        " GROUP BY GROUPING SETS ((c, k), (o, k))"
    )
    return sql, tuple(params)


def _medians_of(rows: list[tuple]) -> tuple[Medians, Medians]:
    by_community: Medians = {}
    by_office: Medians = {}
    for community, office, kind, by_office_row, (low, high) in rows:
        median = cents(Decimal(low + high) / 200)
        if by_office_row:
            by_office[(office, kind)] = median
        else:
            by_community[(community, kind)] = median
    return by_community, by_office
