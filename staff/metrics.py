"""Pay metrics for the dashboards, computed in the database with a fixed number of queries.

Every function takes ``communities`` (a Community queryset, already scoped by the caller)
and a period ``start``, ``end`` (dates, inclusive; a pay record counts when its month
starts inside the period). "Net pay" is the monthly take-home of one person in one
month (year-end bonuses are left out); medians are over person-months. Shares and
ratios are Decimal fractions (1.20 = 120 %), None when the denominator is missing.

Public functions:

- ``net_pay_summary(communities, start, end)`` → {kind: PaySummary}: median, lowest,
  highest monthly net pay, people and person-months, for "fulltime" and "assistant".
- ``net_pay_summary_by_community(...)`` → {community id: {kind: PaySummary}}.
- ``net_pay_summary_by_street_office(...)`` → {street office id: {kind: PaySummary}}.
- ``median_net_pay(communities, start, end, kind)`` → Decimal | None.
- ``median_net_pay_by_month(...)`` → {first day of month: {kind: Decimal | None}}.
- ``benchmarks(communities, start, end)`` → Benchmarks | None: minimum wage, average wage
  and disposable income in force in the period's last year (mean over the districts).
- ``pay_ratios(communities, start, end)`` → PayRatios: full-time median against the minimum
  wage, the average wage and the assistants' median.
- ``pay_ratios_by_community(...)`` → {community id: PayRatios}.
- ``pay_ratios_by_month(...)`` → {first day of month: PayRatios}: the 12-month trend, each
  month against the benchmarks of its own year.
- ``fulltime_to_minimum_wage(...)``, ``fulltime_to_average_wage(...)``,
  ``fulltime_to_assistants(...)`` → Decimal | None: the three ratios one by one.
- ``months_without_employer_insurance(...)`` → int: person-months paid without the
  employer's pension or medical contribution; ``..._by_community(...)`` → {id: int}.
- ``pay_by_community_and_office(...)`` → PayByUnit: the summaries per community and per
  street office and the months without employer insurance per community, from one read
  of the person-months (the pay-by-community page).
- ``staffing(communities, start, end)`` → Staffing, ``staffing_by_community(...)`` →
  {id: Staffing}: full-time workers on the roster at ``end`` per 1,000 households against
  the staffing rule (shared/DOMAIN.md, 太原 2020).
- ``cost_to_lift_fulltime(communities, start, end, share=1)`` → Decimal: the yearly cost of
  raising every full-time worker's average monthly gross to ``share`` × the average wage;
  ``cost_to_lift_fulltime_by_community(...)`` → {id: Decimal}.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Greatest, Least, Round, RowNumber

from committee.numbers import cents, share
from staff.benchmarks import Benchmarks as Benchmarks  # noqa: PLC0414 -- re-exported
from staff.benchmarks import _benchmarks_by_district as _benchmarks_by_district  # noqa: PLC0414
from staff.benchmarks import _history, benchmarks_of
from staff.models import PayRecord, StaffMember, WageBenchmark

KINDS = (StaffMember.Kind.FULLTIME, StaffMember.Kind.ASSISTANT)
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True)
class PaySummary:
    """Monthly net pay of one kind of staff over a period."""

    median: Decimal | None = None
    lowest: Decimal | None = None
    highest: Decimal | None = None
    people: int = 0
    months: int = 0


@dataclass(frozen=True)
class PayRatios:
    """Full-time workers' median net pay against the benchmarks and the assistants."""

    fulltime_median: Decimal | None
    assistant_median: Decimal | None
    minimum_wage: Decimal | None
    average_wage: Decimal | None

    @property
    def to_minimum_wage(self) -> Decimal | None:
        return share(self.fulltime_median, self.minimum_wage)

    @property
    def to_average_wage(self) -> Decimal | None:
        return share(self.fulltime_median, self.average_wage)

    @property
    def to_assistants(self) -> Decimal | None:
        return share(self.fulltime_median, self.assistant_median)


@dataclass(frozen=True)
class Staffing:
    """Full-time workers on the roster against the staffing rule."""

    households: int
    fulltime: int
    required: int

    @property
    def per_thousand_households(self) -> Decimal | None:
        if not self.households:
            return None
        return cents(Decimal(self.fulltime) * 1000 / self.households)

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.fulltime)


def _records(communities: QuerySet, start: date, end: date) -> QuerySet:
    return (
        PayRecord.objects.monthly()
        .between(start, end)
        .filter(
            staff_member__community__in=communities.values("pk"),
            staff_member__kind__in=KINDS,
        )
    )


class _Middle(Aggregate):
    """PostgreSQL: a group's lower (``which=1``) or upper (2) middle value, in fen.

    One sort gives both: ``percentile_disc(p)`` is the value at position ceil(p × n), so
    0.5 is the lower middle (the middle one when n is odd) and 0.5 + 10⁻¹³ the upper one
    (n/2 + 1 when n is even, still (n + 1)/2 when odd, for any n below 10¹²); PostgreSQL
    computes the two identical calls once. Sorting whole fen (bigint) is faster than
    sorting numerics. Was two ordered-set aggregates, two sorts: 1.34 s → 0.64 s over
    360,660 person-months.
    """

    function = "percentile_disc"
    template = (
        "(%(function)s(ARRAY[0.5, 0.5000000000001]::float8[]) WITHIN GROUP"
        " (ORDER BY (%(expressions)s * 100)::bigint))[%(which)s]"
    )
    output_field = BigIntegerField()


def _medians(records: QuerySet, group: tuple[str, ...]) -> dict[tuple, Decimal]:
    """Median net per group: the mean of the one or two middle values.

    PostgreSQL gives them with an ordered-set aggregate (one sort per group); elsewhere
    the rows are ranked with a window and the middle ones kept.
    """
    if connections[records.db].vendor == "postgresql":
        rows = (
            records.order_by()
            .values(*group)
            .annotate(_low=_Middle("net", which=1), _high=_Middle("net", which=2))
            .values_list(*group, "_low", "_high")
        )
        return {tuple(key): cents(Decimal(low + high) / 200) for *key, low, high in rows}
    partition = [F(g) for g in group]
    middle = (
        records.annotate(
            _rank=Window(RowNumber(), partition_by=partition, order_by=[F("net"), F("pk")]),
            _count=Window(Count("pk"), partition_by=partition),
        )
        .filter(_rank__gte=(F("_count") + 1) / 2, _rank__lte=(F("_count") + 2) / 2)
        .values_list(*group, "net")
    )
    found: dict[tuple, list[Decimal]] = defaultdict(list)
    for *key, net in middle:
        found[tuple(key)].append(net)
    return {key: cents(sum(values) / len(values)) for key, values in found.items()}


def _summaries(
    records: QuerySet,
    group: tuple[str, ...],
    person: str = "staff_member",
    medians: dict[tuple, Decimal] | None = None,
) -> dict[tuple, PaySummary]:
    """PaySummary per group; `person` names the field telling people apart; `medians`
    when the caller has them already."""
    if medians is None:
        medians = _medians(records, group)
    ranges = records.values(*group).annotate(
        lowest=Min("net"),
        highest=Max("net"),
        months=Count("pk"),
        people=Count(person, distinct=True),
    )
    result = {}
    for row in ranges:
        key = tuple(row[g] for g in group)
        result[key] = PaySummary(
            median=medians.get(key),
            lowest=cents(row["lowest"]),
            highest=cents(row["highest"]),
            people=row["people"],
            months=row["months"],
        )
    return result


def net_pay_summary(communities, start, end) -> dict[str, PaySummary]:
    found = _summaries(_records(communities, start, end), ("staff_member__kind",))
    return {kind.value: found.get((kind.value,), PaySummary()) for kind in KINDS}


def _nested(found: dict[tuple, PaySummary]) -> dict[int, dict[str, PaySummary]]:
    result: dict[int, dict[str, PaySummary]] = {}
    for (unit_id, kind), summary in found.items():
        result.setdefault(unit_id, {k.value: PaySummary() for k in KINDS})[kind] = summary
    return result


def net_pay_summary_by_community(communities, start, end) -> dict[int, dict[str, PaySummary]]:
    group = ("staff_member__community_id", "staff_member__kind")
    return _nested(_summaries(_records(communities, start, end), group))


def net_pay_summary_by_street_office(communities, start, end) -> dict[int, dict[str, PaySummary]]:
    group = ("staff_member__community__street_office_id", "staff_member__kind")
    return _nested(_summaries(_records(communities, start, end), group))


def median_net_pay(communities, start, end, kind: str) -> Decimal | None:
    records = _records(communities, start, end).filter(staff_member__kind=kind)
    return _medians(records, ("staff_member__kind",)).get((kind,))


def median_net_pay_by_month(communities, start, end) -> dict[date, dict[str, Decimal | None]]:
    found = _medians(_records(communities, start, end), ("month", "staff_member__kind"))
    months = sorted({month for month, _kind in found})
    return {m: {k.value: found.get((m, k.value)) for k in KINDS} for m in months}


def benchmarks(communities, start, end) -> Benchmarks | None:
    found = _benchmarks_by_district(communities.values("street_office__district_id"), end.year)
    return benchmarks_of(found)


def benchmarks_by_district(district_ids, end: date) -> dict[int, WageBenchmark]:
    """Each district's benchmark row in force in ``end``'s year."""
    return _benchmarks_by_district(district_ids, end.year)


def pay_ratios(communities, start, end) -> PayRatios:
    summary = net_pay_summary(communities, start, end)
    bench = benchmarks(communities, start, end)
    return PayRatios(
        fulltime_median=summary[StaffMember.Kind.FULLTIME].median,
        assistant_median=summary[StaffMember.Kind.ASSISTANT].median,
        minimum_wage=bench.minimum_wage if bench else None,
        average_wage=bench.average_wage if bench else None,
    )


def pay_ratios_by_community(communities, start, end) -> dict[int, PayRatios]:
    summaries = net_pay_summary_by_community(communities, start, end)
    districts = dict(communities.values_list("pk", "street_office__district_id"))
    bench = _benchmarks_by_district(set(districts.values()), end.year)
    result = {}
    for community_id, district_id in districts.items():
        summary = summaries.get(community_id, {})
        row = bench.get(district_id)
        result[community_id] = PayRatios(
            fulltime_median=summary.get(StaffMember.Kind.FULLTIME, PaySummary()).median,
            assistant_median=summary.get(StaffMember.Kind.ASSISTANT, PaySummary()).median,
            minimum_wage=row.minimum_wage if row else None,
            average_wage=row.average_wage if row else None,
        )
    return result


def pay_ratios_by_month(communities, start, end) -> dict[date, PayRatios]:
    return ratios_by_month(median_net_pay_by_month(communities, start, end), communities, end)


def ratios_by_month(medians: dict[date, dict], communities, end) -> dict[date, PayRatios]:
    """Each month's medians against the benchmarks in force in its year (one query)."""
    by_district = _history(communities.values("street_office__district_id"), end.year)

    def in_force(year: int) -> list[WageBenchmark]:
        found = []
        for history in by_district.values():
            earlier = [row for row in history if row.year <= year]
            if earlier:
                found.append(earlier[-1])
        return found

    result = {}
    for month, row in medians.items():
        bench = in_force(month.year)
        n = len(bench)
        result[month] = PayRatios(
            fulltime_median=row[StaffMember.Kind.FULLTIME],
            assistant_median=row[StaffMember.Kind.ASSISTANT],
            minimum_wage=cents(sum(b.minimum_wage for b in bench) / n) if n else None,
            average_wage=cents(sum(b.average_wage for b in bench) / n) if n else None,
        )
    return result


def fulltime_to_minimum_wage(communities, start, end) -> Decimal | None:
    return pay_ratios(communities, start, end).to_minimum_wage


def fulltime_to_average_wage(communities, start, end) -> Decimal | None:
    return pay_ratios(communities, start, end).to_average_wage


def fulltime_to_assistants(communities, start, end) -> Decimal | None:
    return pay_ratios(communities, start, end).to_assistants


def _without_employer_insurance(communities, start, end) -> QuerySet:
    return _records(communities, start, end).filter(Q(pension_employer=0) | Q(medical_employer=0))


def months_without_employer_insurance(communities, start, end) -> int:
    return _without_employer_insurance(communities, start, end).count()


def months_without_employer_insurance_by_community(communities, start, end) -> dict[int, int]:
    rows = (
        _without_employer_insurance(communities, start, end)
        .values_list("staff_member__community_id")
        .annotate(n=Count("pk"))
    )
    found = dict(rows)
    return {pk: found.get(pk, 0) for pk in communities.values_list("pk", flat=True)}


def _required_fulltime():
    """太原 2020: <2,000 households 3; <3,000 4; <4,000 5; <5,000 6; +1 per 500 more; ≤17."""
    households = F("households")
    return Case(
        When(households__lt=2000, then=Value(3)),
        When(households__lt=3000, then=Value(4)),
        When(households__lt=4000, then=Value(5)),
        When(households__lte=5000, then=Value(6)),
        default=Least(Value(6) + (households - 5000 + 499) / 500, Value(17)),
        output_field=IntegerField(),
    )


def _staffing_rows(communities, end):
    on = end
    current = Q(
        staff__kind=StaffMember.Kind.FULLTIME,
        staff__start_date__lte=on,
    ) & (Q(staff__end_date__isnull=True) | Q(staff__end_date__gte=on))
    return communities.order_by().annotate(
        _fulltime=Count("staff", filter=current), _required=_required_fulltime()
    )


def staffing_by_community(communities, start, end) -> dict[int, Staffing]:
    rows = _staffing_rows(communities, end).values_list(
        "pk", "households", "_fulltime", "_required"
    )
    return {
        pk: Staffing(households=households, fulltime=fulltime, required=required)
        for pk, households, fulltime, required in rows
    }


def staffing(communities, start, end) -> Staffing:
    sums = _staffing_rows(communities, end).aggregate(
        households=Sum("households"), fulltime=Sum("_fulltime"), required=Sum("_required")
    )
    return Staffing(
        households=sums["households"] or 0,
        fulltime=sums["fulltime"] or 0,
        required=sums["required"] or 0,
    )


def _lift_gaps(communities, start, end, share: Decimal) -> QuerySet:
    """Full-time workers paid in the period, each with their yearly gap to the target."""
    average_gross = (
        PayRecord.objects.monthly()
        .between(start, end)
        .filter(staff_member=OuterRef("pk"))
        .order_by()
        .values("staff_member")
        .annotate(a=Sum("gross") / Count("pk"))
        .values("a")
    )
    average_wage = (
        WageBenchmark.objects.filter(
            district=OuterRef("community__street_office__district"), year__lte=end.year
        )
        .order_by("-year")
        .values("average_wage")[:1]
    )
    return (
        StaffMember.objects.filter(
            community__in=communities.values("pk"), kind=StaffMember.Kind.FULLTIME
        )
        .annotate(
            _gross=Subquery(average_gross, output_field=MONEY_FIELD),
            _target=Subquery(average_wage, output_field=MONEY_FIELD) * Value(share),
        )
        .filter(_gross__isnull=False, _target__isnull=False)
        .annotate(
            _gap=Greatest(F("_target") - F("_gross"), Value(Decimal("0")), output_field=MONEY_FIELD)
            * 12
        )
    )


def cost_to_lift_fulltime(communities, start, end, share: Decimal = Decimal("1")) -> Decimal:
    total = _lift_gaps(communities, start, end, share).aggregate(total=Sum("_gap"))["total"]
    return cents(total or 0)


def cost_to_lift_fulltime_by_community(
    communities, start, end, share: Decimal = Decimal("1")
) -> dict[int, Decimal]:
    rows = (
        _lift_gaps(communities, start, end, share)
        .order_by()
        .values("community_id")
        .annotate(total=Sum("_gap"))
        .values_list("community_id", "total")
    )
    found = dict(rows)
    return {pk: cents(found.get(pk) or 0) for pk in communities.values_list("pk", flat=True)}


__all__ = [
    "Benchmarks",
    "PayRatios",
    "PaySummary",
    "Staffing",
    "benchmarks",
    "cost_to_lift_fulltime",
    "cost_to_lift_fulltime_by_community",
    "fulltime_to_assistants",
    "fulltime_to_average_wage",
    "fulltime_to_minimum_wage",
    "median_net_pay",
    "median_net_pay_by_month",
    "months_without_employer_insurance",
    "months_without_employer_insurance_by_community",
    "net_pay_summary",
    "net_pay_summary_by_community",
    "net_pay_summary_by_street_office",
    "pay_ratios",
    "pay_ratios_by_community",
    "pay_ratios_by_month",
    "staffing",
    "staffing_by_community",
]


# --- per community and per street office, from one read ---------------------------------

FEN = Cast(Round(F("net") * 100), BigIntegerField())  # whole fen (SQLite multiplies floats)


@dataclass(frozen=True)
class PayByUnit:
    """The medians per community ({id: {kind: median}}), the summaries per street office
    ({id: {kind: PaySummary}}), units with person-months only, and the months without
    employer insurance per community."""

    medians: dict[int, dict[str, Decimal | None]]
    offices: dict[int, dict[str, PaySummary]]
    uninsured: dict[int, int]


def pay_by_community_and_office(communities, start, end) -> PayByUnit:
    """The same figures as ``net_pay_summary_by_community``'s medians,
    ``net_pay_summary_by_street_office`` and ``months_without_employer_insurance_by_community``,
    from one read of the person-months (a page of 50 communities: some 8,000 amounts
    sorted in Python, not by the database's window functions four times)."""
    uninsured = Q(pension_employer=0) | Q(medical_employer=0)
    rows = (
        _records(communities, start, end)
        .annotate(fen=FEN, gap=Case(When(uninsured, then=1), default=0))
        .values_list(
            "staff_member__community_id",
            "staff_member__community__street_office_id",
            "staff_member__kind",
            "staff_member_id",
            "fen",
            "gap",
        )
    )
    return summarise_person_months(plain_rows(rows))


def plain_rows(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` of plain columns (ids, text, whole numbers, a flag as
    0/1 or a boolean) as the database driver gives them: without the ORM's per-value
    converters (two a row were a third of reading 8,000 person-months on SQLite)."""
    connection = connections[queryset.db]
    try:
        sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def summarise_person_months(rows) -> PayByUnit:
    """PayByUnit from person-months (community, street office, kind, person, net in whole
    fen, without employer insurance); medians as ``_medians`` takes them."""
    by_community: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_office: dict[tuple[int, str], list[int]] = defaultdict(list)
    people: dict[tuple[int, str], set[int]] = defaultdict(set)
    uninsured: dict[int, int] = defaultdict(int)
    for community, office, kind, person, fen, gap in rows:
        by_community[community, kind].append(fen)
        key = (office, kind)
        by_office[key].append(fen)
        people[key].add(person)
        if gap:
            uninsured[community] += 1
    medians: dict[int, dict[str, Decimal | None]] = {}
    for (pk, kind), values in by_community.items():
        values.sort()
        medians.setdefault(pk, dict.fromkeys(k.value for k in KINDS))[kind] = _middle(values)
    offices: dict[int, dict[str, PaySummary]] = {}
    for (pk, kind), values in by_office.items():
        values.sort()
        offices.setdefault(pk, {k.value: PaySummary() for k in KINDS})[kind] = PaySummary(
            median=_middle(values),
            lowest=cents(Decimal(values[0]) / 100),
            highest=cents(Decimal(values[-1]) / 100),
            people=len(people[pk, kind]),
            months=len(values),
        )
    return PayByUnit(medians, offices, dict(uninsured))


def _middle(fen: list[int]) -> Decimal:
    """The median of sorted amounts in fen: the mean of the lower and upper middle."""
    n = len(fen)
    return cents(Decimal(fen[(n + 1) // 2 - 1] + fen[n // 2]) / 200)
