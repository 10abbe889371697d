"""A community's, a street office's or a district's period as one Excel workbook.

Sheets: flags, the street offices on their own totals (a district's), tasks, hours,
income, expenses, budget against actual, pay, pay against the benchmarks, survey results.
Record sheets list the records of the period (streamed from the database) and end with a
total row whose figures are the apps' own metrics, so a sheet's total is the dashboard's
number. Headers are in the reader's language (Chinese first); typed text starting with
= + - @ stays text (committee/exports.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from committee.exports import workbook_response
from committee.models import StreetOffice
from committee.numbers import share
from committee.periods import Period
from dashboards.flags import Severity, flags, flags_by_community, flags_by_street_office, worst
from dashboards.panels import surveys_text
from funds import metrics as funds_metrics
from funds.models import Expense, Income
from staff import metrics as staff_metrics
from staff.models import PayRecord, StaffMember
from surveys import metrics as surveys_metrics
from tasks import metrics as tasks_metrics
from tasks.models import Category, Nature, Outcome, ResidentWork, Status, Task, TimeEntry

Sheet = tuple[str, list[tuple[str, str]], Iterator[list]]
ZERO = Decimal("0")


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _total_label() -> str:
    return _("Total")


def _flag_columns(unit: str) -> list[tuple[str, str]]:
    return [
        (unit, "text"),
        (_("Flag"), "text"),
        (_("Value"), "number"),
        (_("Shown as"), "text"),
        (_("Colour"), "text"),
        (_("Amber from"), "number"),
        (_("Red from"), "number"),
        (_("Explanation"), "text"),
    ]


def _flag_rows(units) -> Iterator[list]:
    for name, found in units:
        for f in found:
            yield [
                name,
                f.label,
                f.value,
                f.value_text,
                str(f.status_label),
                f.amber,
                f.red,
                f.explanation,
            ]


def flags_sheet(communities: QuerySet, period: Period) -> Sheet:
    """Every flag with its value, colour and limits; per community too when there are several."""

    def units():
        together = str(_("All together"))
        yield together, flags(communities, period.start, period.end)
        if communities.count() > 1:
            names = dict(communities.values_list("pk", "name"))
            by_community = flags_by_community(communities, period.start, period.end)
            yield from ((names[pk], found) for pk, found in sorted(by_community.items()))

    return _("Flags"), _flag_columns(_("Community")), _flag_rows(units())


def street_offices_sheet(communities: QuerySet, period: Period) -> Sheet | None:
    """A district's: each street office's flags on its own totals, the worst office first
    (as the district page); None for the communities of one street office."""
    offices = dict(
        StreetOffice.objects.filter(communities__in=communities.order_by().values("pk"))
        .distinct()
        .values_list("pk", "name")
    )
    if len(offices) < 2:
        return None

    def units():
        found = flags_by_street_office(communities, period.start, period.end)

        def badness(item) -> tuple:  # as the page: the worst colour, then reds, ambers
            colours = [f.severity for f in item[1]]
            return (worst(item[1]), colours.count(Severity.RED), colours.count(Severity.AMBER))

        ranked = sorted(found.items(), key=badness, reverse=True)
        yield from ((offices[pk], office_flags) for pk, office_flags in ranked)

    return _("Street offices"), _flag_columns(_("Street office")), _flag_rows(units())


def tasks_sheet(communities: QuerySet, period: Period) -> Sheet:
    """The tasks received in the period, with their decision, money and hours."""

    columns = [
        (_("Received on"), "date"),
        (_("Community"), "text"),
        (_("Task"), "text"),
        (_("Department"), "text"),
        (_("Category"), "text"),
        (_("Nature"), "text"),
        (_("Admission outcome"), "text"),
        (_("Status"), "text"),
        (_("Catalogue item"), "text"),
        (_("Money promised"), "money"),
        (_("Money received"), "money"),
        (_("Hours"), "number"),
    ]
    category, nature = _labels(Category.choices), _labels(Nature.choices)
    outcome, status = _labels(Outcome.choices), _labels(Status.choices)
    money = tasks_metrics.money_promised_received(communities, period.start, period.end)
    league = tasks_metrics.department_league(communities, period.start, period.end)

    def rows():
        tasks = (
            Task.objects.filter(
                community__in=communities.values("pk"),
                received_on__range=(period.start, period.end),
            )
            .with_hours()
            .order_by("received_on", "pk")
            .values_list(
                "received_on",
                "community__name",
                "title",
                "department__name",
                "category",
                "nature",
                "outcome",
                "status",
                "catalogue_item__item",
                "money_promised",
                "money_received",
                "hours",
            )
        )
        for r in tasks.iterator():
            yield [
                *r[:4],
                category.get(r[4], r[4]),
                nature.get(r[5], r[5]),
                outcome.get(r[6], r[6]),
                status.get(r[7], r[7]),
                r[8] or "",
                *r[9:],
            ]
        yield [
            None,
            _total_label(),
            _("%(n)s tasks") % {"n": sum(row.tasks for row in league)},
            *[""] * 6,
            money.promised,
            money.received,
            None,
        ]

    return _("Tasks"), columns, rows()


def hours_sheet(communities: QuerySet, period: Period) -> Sheet:
    """Every time entry of the period: who, when, on what, of which nature."""

    columns = [
        (_("Date"), "date"),
        (_("Community"), "text"),
        (_("Staff member"), "text"),
        (_("Task"), "text"),
        (_("Resident work"), "text"),
        (_("Nature"), "text"),
        (_("Hours"), "number"),
    ]
    nature, work = _labels(Nature.choices), _labels(ResidentWork.choices)
    by_nature = tasks_metrics.hours_by_nature(communities, period.start, period.end)

    def rows():
        entries = (
            TimeEntry.objects.filter(
                staff_member__community__in=communities.values("pk"),
                date__range=(period.start, period.end),
            )
            .order_by("date", "pk")
            .values_list(
                "date",
                "staff_member__community__name",
                "staff_member__name",
                "task__title",
                "resident_work",
                "task__nature",
                "hours",
            )
        )
        for day, community, person, task, resident, task_nature, hours in entries.iterator():
            yield [
                day,
                community,
                person,
                task or "",
                work.get(resident, resident),
                nature.get(task_nature or Nature.COMMUNITY),
                hours,
            ]
        for key in (Nature.ADMINISTRATIVE, Nature.COMMUNITY):
            yield [None, _total_label(), "", "", "", nature[key], by_nature.get(key, ZERO)]

    return _("Hours"), columns, rows()


def income_sheet(communities: QuerySet, period: Period) -> Sheet:
    """Money that came in; pooling is a deduction (negative), so the rows add up to money in."""

    columns = [
        (_("Date"), "date"),
        (_("Community"), "text"),
        (_("Kind"), "text"),
        (_("Payer"), "text"),
        (_("Voucher"), "text"),
        (_("Task"), "text"),
        (_("Note"), "text"),
        (_("Amount (pooling deducted)"), "money"),
    ]
    kind = _labels(Income.Kind.choices)
    summary = funds_metrics.summary(communities, period.start, period.end)

    def rows():
        records = (
            Income.objects.filter(
                community__in=communities.values("pk"), date__range=(period.start, period.end)
            )
            .order_by("date", "pk")
            .values_list(
                "date",
                "community__name",
                "kind",
                "payer",
                "voucher",
                "task__title",
                "note",
                "amount",
            )
        )
        for day, community, k, payer, voucher, task, note, amount in records.iterator():
            signed = -amount if k == Income.Kind.POOLING else amount
            yield [day, community, kind.get(k, k), payer, voucher, task or "", note, signed]
        yield [None, _total_label(), _("Money in"), "", "", "", "", summary.money_in]
        usable = _("Usable running money (without money that came with tasks)")
        yield [None, "", usable, "", "", "", "", summary.usable]

    return _("Income"), columns, rows()


def expenses_sheet(communities: QuerySet, period: Period) -> Sheet:
    """Money spent, by category, essential running costs marked."""

    columns = [
        (_("Date"), "date"),
        (_("Community"), "text"),
        (_("Category"), "text"),
        (_("Essential running cost"), "text"),
        (_("Payee"), "text"),
        (_("Voucher"), "text"),
        (_("Task"), "text"),
        (_("Note"), "text"),
        (_("Amount"), "money"),
    ]
    summary = funds_metrics.summary(communities, period.start, period.end)
    yes, no = _("yes"), _("no")

    def rows():
        records = (
            Expense.objects.filter(
                community__in=communities.values("pk"), date__range=(period.start, period.end)
            )
            .order_by("date", "pk")
            .values_list(
                "date",
                "community__name",
                "category__name",
                "category__essential",
                "payee",
                "voucher",
                "task__title",
                "note",
                "amount",
            )
        )
        for r in records.iterator():
            yield [*r[:3], yes if r[3] else no, *r[4:6], r[6] or "", *r[7:]]
        yield [None, _total_label(), "", "", "", "", "", "", summary.spent]

    return _("Expenses"), columns, rows()


def budget_sheet(communities: QuerySet, period: Period) -> Sheet:
    """Planned against spent, per category (funds.metrics.budget_vs_actual)."""
    columns = [
        (_("Category"), "text"),
        (_("Essential running cost"), "text"),
        (_("Planned"), "money"),
        (_("Spent"), "money"),
        (_("Planned − spent"), "money"),
        (_("Share of plan spent"), "percent"),
    ]
    lines = funds_metrics.budget_vs_actual(communities, period.start, period.end)
    yes, no = _("yes"), _("no")

    def rows():
        for line in lines:
            spent_share = line.actual / line.planned if line.planned else None
            yield [
                line.name,
                yes if line.essential else no,
                line.planned,
                line.actual,
                line.variance,
                spent_share,
            ]
        planned = sum((line.planned for line in lines), ZERO)
        actual = sum((line.actual for line in lines), ZERO)
        yield [
            _total_label(),
            "",
            planned,
            actual,
            planned - actual,
            actual / planned if planned else None,
        ]

    return _("Budget against actual"), columns, rows()


def pay_sheet(communities: QuerySet, period: Period) -> Sheet:
    """The pay records of the period: gross, contributions, tax, net, employer's share."""

    columns = [
        (_("Month"), "text"),
        (_("Community"), "text"),
        (_("Staff member"), "text"),
        (_("Kind of staff"), "text"),
        (_("Kind of payment"), "text"),
        (_("Gross pay"), "money"),
        (_("Individual contributions"), "money"),
        (_("Income tax"), "money"),
        (_("Net pay"), "money"),
        (_("Employer contributions"), "money"),
    ]
    staff_kind, pay_kind = _labels(StaffMember.Kind.choices), _labels(PayRecord.Kind.choices)

    def total(fields):
        expression = F(fields[0])
        for name in fields[1:]:
            expression = expression + F(name)
        return expression

    def rows():
        records = (
            PayRecord.objects.filter(
                staff_member__community__in=communities.values("pk"),
            )
            .between(period.start, period.end)
            .annotate(individual=total(PayRecord.INDIVIDUAL), employer=total(PayRecord.EMPLOYER))
            .order_by("month", "staff_member__name", "pk")
            .values_list(
                "month",
                "staff_member__community__name",
                "staff_member__name",
                "staff_member__kind",
                "kind",
                "gross",
                "individual",
                "income_tax",
                "net",
                "employer",
            )
        )
        for month, community, name, kind, payment, *money in records.iterator():
            yield [
                f"{month:%Y-%m}",
                community,
                name,
                staff_kind.get(kind, kind),
                pay_kind.get(payment, payment),
                *money,
            ]

    return _("Pay"), columns, rows()


def pay_benchmarks_sheet(communities: QuerySet, period: Period) -> Sheet:
    """Full-time workers' median take-home pay against assistants and the local wages."""
    ratios = staff_metrics.pay_ratios(communities, period.start, period.end)
    columns = [
        (_("Figure"), "text"),
        (_("Monthly"), "money"),
        (_("Full-time median as a share of it"), "percent"),
    ]
    figures = [
        (_("Full-time workers' median take-home pay"), ratios.fulltime_median),
        (_("Assistants' median take-home pay"), ratios.assistant_median),
        (_("Local minimum wage"), ratios.minimum_wage),
        (_("Local average wage"), ratios.average_wage),
    ]

    def rows():
        for label, value in figures:
            share = ratios.fulltime_median / value if value and ratios.fulltime_median else None
            yield [label, value, share]

    return _("Pay against benchmarks"), columns, rows()


def survey_sheet(communities: QuerySet, period: Period) -> Sheet:
    """What residents answered about the committee, and how satisfied they are.

    The dashboard's survey panel in rows: each community's latest survey as of the
    period's end, added up, with the surveys named in the last column.
    """
    args = (communities, period.start, period.end)
    counts = surveys_metrics.latest_committee_nature_counts(*args)
    satisfaction = surveys_metrics.latest_average_satisfaction(*args)
    latest = surveys_metrics.latest_surveys(*args)
    columns = [
        (_("Answer"), "text"),
        (_("Residents"), "number"),
        (_("Share"), "percent"),
        (_("Survey"), "text"),
    ]
    nature = surveys_text(latest.nature)

    def rows():
        total = counts.total
        yield [
            _("represents the government"),
            counts.government,
            share(counts.government, total),
            nature,
        ]
        yield [_("represents residents"), counts.residents, share(counts.residents, total), nature]
        yield [_("don't know"), counts.unknown, share(counts.unknown, total), nature]
        yield [_total_label(), total, share(total, total), nature]
        yield [
            _("Average satisfaction (1–5)"),
            satisfaction,
            None,
            surveys_text(latest.satisfaction),
        ]

    return _("Survey results"), columns, rows()


SHEETS = [
    flags_sheet,
    street_offices_sheet,
    tasks_sheet,
    hours_sheet,
    income_sheet,
    expenses_sheet,
    budget_sheet,
    pay_sheet,
    pay_benchmarks_sheet,
    survey_sheet,
]


def sheets(communities: QuerySet, period: Period) -> list[Sheet]:
    """Every sheet of the report, in order."""
    built = (build(communities, period) for build in SHEETS)
    return [sheet for sheet in built if sheet is not None]


def period_workbook(communities: QuerySet, period: Period, filename: str):
    """The streamed workbook response for these communities and this period."""
    return workbook_response(sheets(communities, period), filename)
