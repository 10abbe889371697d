"""A district at scale: N communities with a year of realistic records, for `make bench`.

Per community, the volumes the field reports give (issue 21): 15 staff with 12 monthly pay
records each, about 500 tasks pushed down by the district's departments (a few departments
push most of them), about 6,000 hour entries (more in the spring and autumn campaigns,
fewer around the Spring Festival), about 150 incomes, 250 expenses and a survey answered
200 times. Rows go in with one multi-row INSERT per batch (COPY on PostgreSQL), not through
the services: this is a measuring rig, not a way to record work. The monthly rollups
of each street office's communities are rebuilt after its rows are in.
"""

from __future__ import annotations

import bisect
import math
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone

from committee.models import Community, Department, District, Membership, StreetOffice
from committee.roles import Role
from dashboards import rollups
from funds.models import Category as ExpenseCategory
from funds.models import Expense, Income
from staff.models import PayRecord, StaffMember
from surveys.models import Answer, Choice, Question, Response, Survey
from tasks.models import (
    CatalogueItem,
    CatalogueList,
    Category,
    Nature,
    Outcome,
    ResidentWork,
    Status,
    Task,
    TimeEntry,
)

COMMUNITIES_PER_STREET_OFFICE = 10
STAFF = 15
TASKS = 500
HOUR_ENTRIES = 6000
INCOMES = 150
EXPENSES = 250
ANSWERS = 200
CENT = Decimal("0.01")
SCALE_PREFIX = "S"  # street offices S0001…, communities S0001-01…

OUTCOMES = [
    (Outcome.DUTY, 35),
    (Outcome.ASSIST_LISTED, 28),
    (Outcome.ASSIST_AUTHORISED, 8),
    (Outcome.PENDING, 10),
    (Outcome.REFUSED, 12),
    (Outcome.EMERGENCY, 7),
]
CATEGORIES = [
    (Category.FORMS, 22),
    (Category.LEDGER, 10),
    (Category.CERTIFICATE, 8),
    (Category.STATISTICS, 12),
    (Category.MEETING, 10),
    (Category.INSPECTION, 8),
    (Category.SIGNBOARD, 3),
    (Category.CAMPAIGN, 9),
    (Category.RESIDENT_SERVICE, 9),
    (Category.MEDIATION, 4),
    (Category.SELF_GOVERNANCE, 3),
    (Category.OTHER, 2),
]
COMMUNITY_CATEGORIES = {Category.RESIDENT_SERVICE, Category.MEDIATION, Category.SELF_GOVERNANCE}
# Hours by month, January first: the Spring Festival lull, the spring and autumn campaigns.
SEASON = [0.7, 0.6, 1.1, 1.2, 1.1, 1.0, 0.9, 0.9, 1.2, 1.0, 1.3, 1.1]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "敏芳强静伟丽军磊洋勇艳杰娟涛明超秀霞平刚"
TITLES = {
    Category.FORMS: "填报{}季度报表",
    Category.LEDGER: "更新{}台账",
    Category.CERTIFICATE: "出具{}证明",
    Category.STATISTICS: "配合{}临时统计",
    Category.MEETING: "参加{}工作会议",
    Category.INSPECTION: "迎接{}检查",
    Category.SIGNBOARD: "制作{}宣传牌",
    Category.CAMPAIGN: "开展{}专项行动",
    Category.RESIDENT_SERVICE: "上门服务{}",
    Category.MEDIATION: "调解{}纠纷",
    Category.SELF_GOVERNANCE: "召开{}居民议事会",
    Category.OTHER: "其他{}事项",
}
TOPICS = ["民政", "卫健", "统计", "城管", "消防", "文明创建", "人口", "就业", "养老", "综治"]


@dataclass
class Context:
    district: District
    year: int
    last_day: date
    departments: list[int]
    department_weights: list[float]
    items: dict[str, list[int]]
    expense_categories: list[int]
    created_at: object  # the adapted timestamp every generated row carries


def generate(communities: int, year: int, district: District, seed: int = 21) -> list[Community]:
    """Add `communities` communities in new street offices of `district`; return them."""
    rng = random.Random(seed)
    today = timezone.localdate()
    departments = list(Department.objects.filter(district=district).values_list("pk", flat=True))
    if not departments:
        raise ValueError(f"District {district} has no departments; load the demo first.")
    items: dict[str, list[int]] = {}
    for pk, kind in CatalogueItem.objects.filter(district=district).values_list("pk", "list"):
        items.setdefault(kind, []).append(pk)
    stamp = timezone.make_aware(datetime.combine(date(year, 1, 1), time(9)))
    context = Context(
        district=district,
        year=year,
        last_day=min(date(year, 12, 31), today),
        departments=departments,
        department_weights=[1 / (rank + 1) ** 1.1 for rank in range(len(departments))],
        items=items,
        expense_categories=list(
            ExpenseCategory.objects.filter(district=district).values_list("pk", flat=True)
        ),
        created_at=connection.ops.adapt_datetimefield_value(stamp),
    )
    made = []
    # Numbered on from the highest generated code, not their count: codes are unique, and
    # a gap (an office deleted, or one left by another run) must not lead to a taken one.
    codes = StreetOffice.objects.filter(code__regex=rf"^{SCALE_PREFIX}[0-9]{{4}}$")
    existing = max(
        (int(code[len(SCALE_PREFIX) :]) for code in codes.values_list("code", flat=True)), default=0
    )
    offices = math.ceil(communities / COMMUNITIES_PER_STREET_OFFICE)
    for number in range(existing + 1, existing + offices + 1):
        with transaction.atomic():
            office = StreetOffice.objects.create(
                district=district, code=f"{SCALE_PREFIX}{number:04d}", name=f"规模{number}街道"
            )
            count = min(COMMUNITIES_PER_STREET_OFFICE, communities - len(made))
            batch = Community.objects.bulk_create(
                Community(
                    street_office=office,
                    code=f"{office.code}-{index:02d}",
                    name=f"规模{number}-{index}社区",
                    area_km2=Decimal(rng.randint(30, 400)) / 100,
                    residents=rng.randint(4000, 16000),
                    households=rng.randint(1500, 6000),
                )
                for index in range(1, count + 1)
            )
            batch = list(Community.objects.filter(street_office=office).order_by("pk"))
            for community in batch:
                _fill(community, context, rng)
            rollups.rebuild([c.pk for c in batch], date(year, 1, 1), date(year, 12, 31))
            made.extend(batch)
    _bench_users(district, made)
    return made


def _bench_users(district: District, made: Sequence[Community]) -> None:
    """`scale_street` officiates the first generated street office; `district` sees all."""
    if not made:
        return
    user_model = get_user_model()
    for username, role, unit in [
        ("scale_street", Role.STREET_OFFICIAL, {"street_office": made[0].street_office}),
        ("scale_district", Role.DISTRICT_OFFICER, {"district": district}),
    ]:
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.set_password("juwei-demo")
            user.save()
        Membership.objects.get_or_create(user=user, role=role, **unit)


def _fill(community: Community, c: Context, rng: random.Random) -> None:
    staff = _staff(community, c, rng)
    tasks = _tasks(community, c, rng, staff)
    _hours(c, rng, staff, tasks)
    _pay(c, rng, staff)
    _money(community, c, rng, tasks)
    _survey(community, c, rng)


def _day(c: Context, rng: random.Random, seasonal: bool = True) -> date:
    span = (c.last_day - date(c.year, 1, 1)).days
    while True:
        day = date(c.year, 1, 1) + timedelta(days=rng.randint(0, span))
        if not seasonal or rng.random() < SEASON[day.month - 1] / 1.3:
            return day


def _staff(community: Community, c: Context, rng: random.Random) -> list[tuple[int, Decimal]]:
    rows = []
    for index in range(STAFF):
        post = "chair" if index == 0 else ("deputy" if index < 3 else "member")
        kind = "assistant" if index >= 12 else "fulltime"
        rows.append(
            (
                community.pk,
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                kind,
                rng.choice(c.departments) if kind == "assistant" else None,
                post,
                None if kind == "assistant" else rng.randint(1, 12),
                "examination",
                date(c.year - rng.randint(0, 12), rng.randint(1, 12), 1),
                None,
                "none",
                "",
                "",
            )
        )
    insert(
        StaffMember,
        [
            "community",
            "name",
            "kind",
            "employer",
            "post",
            "grade",
            "entry",
            "start_date",
            "end_date",
            "certificate",
            "national_id",
            "phone",
        ],
        rows,
    )
    pks = StaffMember.objects.filter(community=community).order_by("pk").values_list("kind", "pk")
    return [
        (pk, Decimal(rng.randint(2600, 3400) if kind == "assistant" else rng.randint(4800, 7800)))
        for kind, pk in pks
    ]


def _tasks(community, c: Context, rng: random.Random, staff) -> list[tuple[int, date, str]]:
    outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
    categories, category_weights = zip(*CATEGORIES, strict=True)
    rows = []
    for _ in range(TASKS):
        received = _day(c, rng)
        outcome = rng.choices(outcomes, outcome_weights)[0]
        category = rng.choices(categories, category_weights)[0]
        item_list = {Outcome.DUTY: CatalogueList.DUTY, Outcome.ASSIST_LISTED: CatalogueList.ASSIST}
        choices = c.items.get(item_list.get(outcome, ""), [])
        decided = None
        if outcome in (Outcome.ASSIST_AUTHORISED, Outcome.REFUSED):
            decided = received + timedelta(days=rng.randint(3, 30))
        if outcome == Outcome.PENDING:
            status = Status.PENDING
        elif outcome == Outcome.REFUSED:
            status = Status.REFUSED
        else:
            status = rng.choices([Status.DONE, Status.IN_PROGRESS, Status.ADMITTED], [70, 25, 5])[0]
        promised = Decimal(rng.randint(5, 200) * 100) if rng.random() < 0.2 else Decimal(0)
        received_money = (promised * Decimal(rng.choice([0, 0, 50, 100])) / 100).quantize(CENT)
        rows.append(
            (
                community.pk,
                TITLES[category].format(rng.choice(TOPICS)),
                "",
                rng.choices(c.departments, c.department_weights)[0],
                received,
                rng.choice(["document", "chat", "platform", "phone", "meeting"]),
                category,
                Nature.COMMUNITY if category in COMMUNITY_CATEGORIES else Nature.ADMINISTRATIVE,
                "",
                rng.choice(choices) if choices else None,
                outcome,
                status,
                "",
                "",
                f"X发〔{c.year}〕{rng.randint(1, 300)}号" if decided else "",
                "",
                "",
                received + timedelta(days=rng.randint(7, 60)),
                promised,
                received_money,
                Decimal(rng.randint(1, 40)),
                received + timedelta(days=21),
                False,
                decided,
                None,
                outcome == Outcome.PENDING and rng.random() < 0.4,
                None,
                c.created_at,
                c.created_at,
            )
        )
    insert(
        Task,
        [
            "community",
            "title",
            "description",
            "department",
            "received_on",
            "received_via",
            "category",
            "nature",
            "service_area",
            "catalogue_item",
            "outcome",
            "status",
            "emergency_justification",
            "refusal_reason",
            "authorisation_number",
            "authority",
            "scope_granted",
            "deadline",
            "money_promised",
            "money_received",
            "estimated_hours",
            "decision_due",
            "decision_due_estimated",
            "decided_on",
            "decided_by",
            "worked_while_pending",
            "created_by",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    tasks = list(
        Task.objects.filter(community=community)
        .order_by("pk")
        .values_list("pk", "received_on", "outcome")
    )
    through = Task.assignees.through
    pairs = []
    for pk, _received, _outcome in tasks:
        for member, _pay in rng.sample(staff, rng.choice([1, 1, 2, 2, 3])):
            pairs.append((pk, member))
    insert(through, ["task", "staffmember"], pairs)
    return tasks


def _hours(c: Context, rng: random.Random, staff, tasks) -> None:
    workable = sorted(
        ((day, pk) for pk, day, outcome in tasks if outcome != Outcome.REFUSED), key=lambda t: t[0]
    )
    days = [day for day, _pk in workable]
    per_person = HOUR_ENTRIES // len(staff)
    works = list(ResidentWork.values)
    rows = []
    for member, _pay in staff:
        seen = set()
        # Early in January there are fewer distinct (day, task or work) entries than a year
        # holds: a person gets what fits after this many tries instead of looping forever.
        tries = per_person * 50
        while len(seen) < per_person and tries:
            tries -= 1
            day = _day(c, rng)
            # one of the (up to) 40 tasks received most recently before that day
            started = bisect.bisect_right(days, day)
            if started and rng.random() < 0.75:
                key = (day, workable[rng.randrange(max(0, started - 40), started)][1], "")
            else:
                key = (day, None, rng.choice(works))
            if key in seen:
                continue
            seen.add(key)
            hours = Decimal(rng.choice([50, 100, 150, 200, 300, 400])) / 100
            rows.append((member, day, hours, key[1], key[2], False, "", c.created_at))
    fields = ["staff_member", "date", "hours", "task", "resident_work", "while_pending"]
    insert(TimeEntry, [*fields, "note", "created_at"], rows)


def _pay(c: Context, rng: random.Random, staff) -> None:
    rows = []
    months = [date(c.year, m, 1) for m in range(1, 13) if date(c.year, m, 1) <= c.last_day]
    for member, basic in staff:
        for month in months:
            parts = [basic, Decimal(rng.randint(3, 8) * 100), Decimal(300), Decimal(800), ZERO]
            gross = sum(parts)
            individual = [
                (gross * rate).quantize(CENT)
                for rate in (Decimal("0.08"), Decimal("0.02"), Decimal("0.005"), 0, 0)
            ] + [(gross * Decimal("0.12")).quantize(CENT)]
            tax = max(ZERO, ((gross - sum(individual) - 5000) * Decimal("0.03")).quantize(CENT))
            net = gross - sum(individual) - tax
            employer = [
                (gross * Decimal(rate)).quantize(CENT)
                for rate in ("0.16", "0.08", "0.005", "0.004", "0.008", "0.12")
            ]
            rows.append(
                (
                    member,
                    month,
                    "monthly",
                    *parts,
                    gross,
                    *individual,
                    tax,
                    net,
                    *employer,
                    month + timedelta(days=27),
                    "",
                    None,
                    c.created_at,
                )
            )
    parts = [f.name for f in PayRecord._meta.concrete_fields]
    money = parts[parts.index("basic_pay") : parts.index("housing_fund_employer") + 1]
    fields = ["staff_member", "month", "kind", *money]
    insert(PayRecord, [*fields, "paid_on", "override_reason", "recorded_by", "recorded_at"], rows)


ZERO = Decimal(0)


def _money(community, c: Context, rng: random.Random, tasks) -> None:
    kinds = [
        (Income.Kind.CONTRIBUTION, 30),
        (Income.Kind.SERVICE, 40),
        (Income.Kind.TASK_FUNDING, 40),
        (Income.Kind.OTHER, 16),
    ]
    funded = [pk for pk, _day, outcome in tasks if outcome != Outcome.REFUSED]
    rows = []
    for number in range(1, INCOMES + 1):
        if number <= 12:
            kind, day = Income.Kind.ALLOCATION, date(c.year, number, 5)
        elif number <= 24:
            kind, day = Income.Kind.POOLING, date(c.year, number - 12, 6)
        else:
            kind, day = rng.choices(*zip(*kinds, strict=True))[0], _day(c, rng, seasonal=False)
        day = min(day, c.last_day)
        amount = Decimal(rng.randint(2_000, 60_000) if number <= 24 else rng.randint(200, 8_000))
        task = rng.choice(funded) if kind == Income.Kind.TASK_FUNDING else None
        voucher = f"I{number:05d}"
        rows.append((community.pk, day, day.year, amount, voucher, "", None, kind, "", task))
    common = ["community", "date", "year", "amount", "voucher", "note", "recorded_by"]
    stamps = ["recorded_at", "changed_at"]
    insert(
        Income,
        [*common, "kind", "payer", "task", *stamps],
        [(*r, c.created_at, c.created_at) for r in rows],
    )
    rows = []
    for number in range(1, EXPENSES + 1):
        day = _day(c, rng, seasonal=False)
        amount = (Decimal(rng.lognormvariate(6.5, 1.0)) + 20).quantize(CENT)
        category = rng.choice(c.expense_categories) if c.expense_categories else None
        rows.append(
            (
                *(community.pk, day, day.year, amount, f"E{number:05d}", "", None),
                *(category, rng.choice(["物业公司", "文具店", "印刷厂", "供电局"]), None, False),
                *(c.created_at, c.created_at),
            )
        )
    insert(Expense, [*common, "category", "payee", "task", "overdraws", *stamps], rows)


def _survey(community, c: Context, rng: random.Random) -> None:
    survey = Survey.objects.create(
        community=community,
        title=f"{c.year}年居民满意度调查",
        state=Survey.State.CLOSED,
        opens=date(c.year, 3, 1),
        closes=date(c.year, 4, 30),
    )
    nature = Question.objects.create(
        survey=survey,
        order=1,
        text="您认为居委会是什么？",
        kind=Question.Kind.SINGLE,
        purpose=Question.Purpose.COMMITTEE_NATURE,
    )
    Choice.objects.bulk_create(
        Choice(question=nature, order=i, text=text, key=secrets.token_hex(6))
        for i, text in enumerate(["居民自治组织", "政府机构", "街道派出机构", "不清楚"], 1)
    )
    options = list(
        Choice.objects.filter(question=nature).order_by("pk").values_list("pk", flat=True)
    )
    rating = Question.objects.create(
        survey=survey,
        order=2,
        text="您对居委会的工作满意吗？",
        kind=Question.Kind.RATING,
        purpose=Question.Purpose.SATISFACTION,
    )
    stamp = connection.ops.adapt_datetimefield_value(
        timezone.make_aware(datetime.combine(date(c.year, 3, 15), time(10)))
    )
    answered = [(survey.pk, stamp, "online")] * ANSWERS
    insert(Response, ["survey", "submitted_at", "channel"], answered)
    responses = Response.objects.filter(survey=survey).values_list("pk", flat=True)
    rows = []
    for pk in responses:
        pick = rng.choices(options, [45, 30, 15, 10])[0]
        rows.append((pk, nature.pk, pick, None, ""))
        score = rng.choices([1, 2, 3, 4, 5], [3, 7, 20, 40, 30])[0]
        rows.append((pk, rating.pk, None, Decimal(score), ""))
    insert(Answer, ["response", "question", "choice", "number", "text"], rows)


def insert(model: type[models.Model], fields: list[str], rows: Iterable[Sequence]) -> None:
    """Insert plain tuples: COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    rows = list(rows)
    # Columns the call leaves out and the database has no default for (a record's version,
    # a new text field): the raw insert writes the model's default.
    fixed = [
        field
        for field in model._meta.concrete_fields
        if field.name not in fields
        and not field.null
        and not field.primary_key
        and (field.has_default() or field.empty_strings_allowed)
    ]
    if fixed:
        fields = [*fields, *(field.name for field in fixed)]
        defaults = tuple(field.get_default() for field in fixed)
        rows = [(*row, *defaults) for row in rows]
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(name).column) for name in fields
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        batch = max(1, 900 // len(fields))  # SQLite's limit on bound parameters
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([per_row] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])
