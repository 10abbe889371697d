"""Demo books for every demo community, last year and this year up to today.

爱国社区 tells the field report's story (shared/DOMAIN.md): ¥15,000 allocated, most of
it pooled by the street office so that about ¥6,000 is usable, while water, power,
heating and phone cost about ¥6,000, internet and consumables ¥5,000 and display boards
more than ¥4,000 a year — a gap of about ¥9,000. Money that came with the demo tasks is
recorded as task funding (earmarked, so not usable running money), so each task's
"money received" and the books agree.

Deterministic (random.Random per community and year) and idempotent: a community's year
that already has income is left as it is.
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from funds.models import BudgetLine, Category, Expense, FinancialYear, Income

SEED = "juwei-funds"
AIGUO = "XX-01-01"
ALLOCATION = Decimal("15000")  # a year; 1,250.00 a month
AIGUO_USABLE = Decimal("6000")
AIGUO_CONTRIBUTION = Decimal("500")

# category code, yearly amount for 爱国社区, payments a year, payee
RUNNING_COSTS = [
    ("utilities", Decimal("4800"), 12, "市供电公司 / 自来水公司 / 热力公司"),
    ("phone", Decimal("1200"), 12, "中国电信"),
    ("internet", Decimal("2400"), 12, "中国联通"),
    ("consumables", Decimal("2600"), 4, "文具办公用品店"),
    ("signboards", Decimal("4200"), 3, "广告制作公司"),
    ("meetings", Decimal("600"), 2, "社区活动室"),
    ("resident_services", Decimal("400"), 2, "居民服务站"),
]
BUDGET = {
    "utilities": Decimal("4800"),
    "phone": Decimal("1200"),
    "internet": Decimal("2400"),
    "consumables": Decimal("2600"),
    "signboards": Decimal("4000"),
    "meetings": Decimal("800"),
    "resident_services": Decimal("500"),
}
UNITS = ["爱国路小学", "区第二医院", "东风物业公司", "工商银行东风支行", "向阳超市"]
CENT = Decimal("0.01")


def load(world) -> None:
    today = timezone.localdate()
    categories = {
        c.code: c for c in Category.objects.filter(district=world.district).order_by("order")
    }
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="aiguo")}
    for code, community in sorted(world.communities.items()):
        for year in (today.year - 1, today.year):
            if Income.objects.filter(community=community, year=year).exists():
                continue
            rng = random.Random(f"{SEED}-{code}-{year}")
            _load_year(community, code, year, today, categories, users, rng)


def _months(year: int, today: date) -> list[int]:
    return list(range(1, 13 if year < today.year else today.month + 1))


def _day(year: int, month: int, day: int, today: date) -> date:
    return min(date(year, month, day), today)


def _load_year(community, code, year, today, categories, users, rng) -> None:
    aiguo = code == AIGUO
    recorder = users.get("aiguo") if aiguo else None
    months = _months(year, today)
    scale = Decimal("1") if aiguo else Decimal(str(round(rng.uniform(0.75, 1.25), 2)))
    # The year's allocation comes a month at a time (按月拨付), so a year to date holds as
    # much of it as of the bills, and the story shows on 1 January as on 31 December.
    incomes = [
        Income(
            community=community,
            date=_day(year, month, 15, today),
            kind=Income.Kind.ALLOCATION,
            payer="区民政局",
            amount=ALLOCATION / 12,
            note=f"社区工作经费（{month}月）",
        )
        for month in months
    ]
    if (rng.random() < 0.8 or aiguo) and 6 in months:
        unit = UNITS[rng.randrange(len(UNITS))]
        incomes.append(
            Income(
                community=community,
                date=_day(year, 6, 10, today),
                kind=Income.Kind.CONTRIBUTION,
                payer=unit,
                amount=AIGUO_CONTRIBUTION if aiguo else Decimal(rng.randrange(3, 20) * 100),
                note="共建单位支持社区活动",
            )
        )
    if not aiguo and rng.random() < 0.6 and 9 in months:
        incomes.append(
            Income(
                community=community,
                date=_day(year, 9, 5, today),
                kind=Income.Kind.SERVICE,
                payer="低偿家政服务",
                amount=Decimal(rng.randrange(2, 12) * 100),
            )
        )
    received = sum((i.amount for i in incomes), Decimal(0))
    funding = _task_funding(community, year, today)
    incomes += funding
    if aiguo:
        pooled = ALLOCATION + AIGUO_CONTRIBUTION - AIGUO_USABLE
    else:
        pooled = (ALLOCATION * Decimal(str(round(rng.uniform(0.15, 0.45), 2)))).quantize(CENT)
    # The street office keeps its share of each instalment as it passes it on.
    pooled = (min(pooled, ALLOCATION) / 12).quantize(CENT)
    for month in months:
        incomes.append(
            Income(
                community=community,
                date=_day(year, month, 15, today),
                kind=Income.Kind.POOLING,
                payer=community.street_office.name,
                amount=pooled,
                note=f"街道统筹（{month}月）",
            )
        )
    pooled *= len(months)
    for n, income in enumerate(sorted(incomes, key=lambda i: i.date), start=1):
        income.year = year
        income.voucher = f"{year}-R{n:03d}"
        income.recorded_by = recorder
    Income.objects.bulk_create(incomes)
    money_in = received - pooled + sum((i.amount for i in funding), Decimal(0))

    expenses = _expenses(community, year, today, months, categories, scale, rng)
    expenses += _task_spending(funding, categories["other"], today, rng)
    expenses.sort(key=lambda e: (e.date, e.category.order))
    spent = Decimal(0)
    for n, expense in enumerate(expenses, start=1):
        spent += expense.amount
        expense.year = year
        expense.voucher = f"{year}-P{n:03d}"
        expense.recorded_by = recorder
        expense.overdraws = spent > money_in
    Expense.objects.bulk_create(expenses)
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                community=community,
                year=year,
                category=categories[cat],
                planned=(amount * scale).quantize(Decimal("1")),
            )
            for cat, amount in BUDGET.items()
        ]
    )
    if year < today.year:
        moment = timezone.make_aware(datetime.combine(date(year + 1, 1, 20), time(10)))
        FinancialYear.objects.create(
            community=community,
            year=year,
            closed_at=moment,
            closed_by=users.get("aiguo_chair") if aiguo else None,
            published_at=moment if aiguo else None,
        )


def _task_funding(community, year: int, today: date) -> list[Income]:
    """The money the demo tasks received, as task-funding income on the books."""
    from tasks.models import Task

    tasks = Task.objects.filter(
        community=community, received_on__year=year, money_received__gt=0
    ).select_related("department")
    return [
        Income(
            community=community,
            date=min(task.received_on.replace(day=28), today),
            kind=Income.Kind.TASK_FUNDING,
            payer=task.department.name,
            amount=task.money_received,
            task=task,
        )
        for task in tasks
    ]


def _expenses(community, year, today, months, categories, scale, rng) -> list[Expense]:
    from tasks.models import Task

    unfunded_signboards = list(
        Task.objects.filter(
            community=community, received_on__year=year, category="signboard", money_received=0
        ).order_by("received_on")
    )
    expenses = []
    for cat, yearly, payments, payee in RUNNING_COSTS:
        # Bills are paid at the start of each period: monthly, quarterly, or three times a year.
        pay_months = range(1, 13, 12 // payments)
        each = (yearly * scale / payments).quantize(Decimal("1"))
        for m in pay_months:
            if m not in months:
                continue
            amount = each + Decimal(rng.randrange(-3, 4) * 10) if payments == 12 else each
            task = None
            if cat == "signboards" and unfunded_signboards:
                task = unfunded_signboards.pop(0)
            expenses.append(
                Expense(
                    community=community,
                    date=_day(year, m, 20, today),
                    category=categories[cat],
                    payee=payee,
                    amount=amount,
                    task=task,
                    note="上级要求制作展板" if cat == "signboards" else "",
                )
            )
    return expenses


def _task_spending(funding: list[Income], other, today: date, rng) -> list[Expense]:
    """Most of the money that came with a task is spent on that task."""
    return [
        Expense(
            community=income.community,
            date=min(income.date + timedelta(days=10), today, date(income.date.year, 12, 31)),
            category=other,
            payee="劳务及印刷费",
            amount=(income.amount * Decimal(rng.randrange(80, 101)) / 100).quantize(CENT),
            task=income.task,
            note="随任务拨付经费的支出",
        )
        for income in funding
    ]
