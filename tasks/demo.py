"""Demo tasks and hours from January of last year up to today for every demo community.

爱国社区 tells the field report's story (shared/DOMAIN.md): most of its hours go to
administrative work pushed down by departments; many meetings, inspections and
returns; several tasks outside the catalogue worked on while still pending; a
negative-list request refused; little of the promised money received. The other
communities vary so that comparing them means something.

Deterministic (random.Random per community) and idempotent: a community that already
has tasks is left as it is. Rows are written with bulk_create to keep load_demo fast.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from committee.demo import history_months, history_start
from committee.models import Membership
from committee.periods import month_end
from committee.roles import Role
from staff.models import StaffMember
from tasks import workdays
from tasks.models import (
    CatalogueItem,
    Category,
    Nature,
    Outcome,
    ResidentWork,
    Status,
    Task,
    TaskEvent,
    TimeEntry,
)
from tasks.services import admission_for, load_catalogue

SEED = 20260401
A, C = Nature.ADMINISTRATIVE, Nature.COMMUNITY


@dataclass(frozen=True)
class Template:
    title: str
    department: str
    category: str
    nature: str
    item: str | None  # catalogue item (Chinese) it falls under, or None: outside the catalogue
    weight: int = 1


TEMPLATES = [
    # Pushed down, outside the catalogue: pending until the street office decides.
    Template("人口信息月报表", "区统计局", Category.FORMS, A, None, 3),
    Template("临时流动人口统计", "区统计局", Category.STATISTICS, A, None, 2),
    Template("创建文明城区迎检台账", "街道综治办", Category.LEDGER, A, None, 2),
    Template("安全生产检查评比迎检", "街道城管科", Category.INSPECTION, A, None, 2),
    Template("季度工作推进会", "区民政局", Category.MEETING, A, None, 3),
    Template("专项工作部署会", "街道综治办", Category.MEETING, A, None, 2),
    Template("社区挂牌及展板更新", "街道综治办", Category.SIGNBOARD, A, None, 1),
    Template("消防安全专项检查", "街道城管科", Category.INSPECTION, A, None, 2),
    Template("健康城市创建考核材料", "区卫健委", Category.INSPECTION, A, None, 1),
    Template("开具无犯罪记录证明", "区司法局", Category.CERTIFICATE, A, "无犯罪记录证明", 1),
    # Assistance on the catalogue.
    Template(
        "经济普查入户登记", "区统计局", Category.STATISTICS, A, "协助开展经批准的统计调查和普查", 1
    ),
    Template(
        "低保家庭年度复核", "区民政局", Category.FORMS, A, "协助做好优抚救济、最低生活保障工作", 2
    ),
    Template("社区矫正对象走访", "区司法局", Category.OTHER, A, "协助做好社区矫正工作", 1),
    Template("就业失业登记", "区人社局", Category.LEDGER, A, "协助做好劳动就业和社会保障服务", 2),
    Template("居民健康档案录入", "区卫健委", Category.FORMS, A, "协助做好公共卫生工作", 2),
    Template(
        "垃圾分类宣传周", "区城管局", Category.CAMPAIGN, A, "协助开展环境卫生和垃圾分类宣传", 1
    ),
    # The committee's own work.
    Template(
        "居民代表会议", "区民政局", Category.SELF_GOVERNANCE, C, "召集居民会议、居民代表会议", 2
    ),
    Template("邻里纠纷调解", "街道综治办", Category.MEDIATION, C, "调解民间纠纷", 2),
    Template("居务公开栏更新", "区民政局", Category.SELF_GOVERNANCE, C, "居务公开", 1),
    Template(
        "老年人便民服务日",
        "区民政局",
        Category.RESIDENT_SERVICE,
        C,
        "开展便民利民的社区服务活动，兴办有关的服务事业",
        2,
    ),
]
NEGATIVE = [
    Template("代售商业保险任务", "区人社局", Category.OTHER, A, "摊派商业保险、报刊订阅"),
    Template("违建拆除牵头任务", "区城管局", Category.OTHER, A, "作为责任主体开展拆迁拆违"),
]


@dataclass(frozen=True)
class Profile:
    """How a community's year looks: tasks a month, share of admin hours, money kept."""

    tasks_per_month: tuple[int, int]
    admin_bias: float  # weight given to administrative templates
    admin_hours: float  # chance an hour block goes to administrative work
    pending_worked: float  # chance a pending task is worked on before the decision
    money_promised: float  # chance an assistance task comes with money
    money_received: tuple[float, float]  # share of the promised money received
    works_negative: bool = False


AIGUO = "XX-01-01"
PROFILES = {
    AIGUO: Profile((13, 17), 3.0, 0.68, 0.5, 0.35, (0.0, 0.25)),
    "XX-01-02": Profile((7, 10), 1.3, 0.42, 0.25, 0.75, (0.6, 1.0)),
    "XX-02-01": Profile((8, 11), 1.6, 0.48, 0.3, 0.65, (0.5, 0.9)),
    "XX-02-02": Profile((5, 8), 0.8, 0.28, 0.1, 0.9, (0.8, 1.0)),
    "XX-02-03": Profile((9, 12), 1.8, 0.55, 0.35, 0.6, (0.4, 0.8), works_negative=True),
    "XX-02-04": Profile((6, 9), 1.0, 0.35, 0.15, 0.85, (0.7, 1.0)),
}
DEFAULT_PROFILE = PROFILES["XX-01-02"]
FALLBACK_STAFF = ["张敏", "王芳", "李强", "赵静"]


def load(world) -> None:
    load_catalogue(district=world.district)
    items = {item.item: item for item in CatalogueItem.objects.filter(district=world.district)}
    officials = {
        m.street_office_id: m.user
        for m in Membership.objects.filter(role=Role.STREET_OFFICIAL).select_related("user")
    }
    today = timezone.localdate()
    for code, community in sorted(world.communities.items()):
        if Task.objects.filter(community=community).exists():
            continue
        profile = PROFILES.get(code, DEFAULT_PROFILE)
        rng = random.Random(f"{SEED}-{code}")
        staff = _staff(community, today)
        official = officials.get(community.street_office_id)
        _load_community(world, community, profile, rng, staff, items, official, today)


def _staff(community, today: date) -> list[StaffMember]:
    staff = list(
        StaffMember.objects.filter(community=community, kind=StaffMember.Kind.FULLTIME)
        .current(today)
        .order_by("pk")
    )
    if staff:
        return staff[:4]
    # Without the staff app's demo: a small roster of our own so hours have someone.
    made = [
        StaffMember(
            community=community,
            name=name,
            kind=StaffMember.Kind.FULLTIME,
            post=StaffMember.Post.CHAIR if i == 0 else StaffMember.Post.MEMBER,
            grade=8 if i == 0 else 3,
            start_date=date(today.year - 5, 3, 1),
        )
        for i, name in enumerate(FALLBACK_STAFF)
    ]
    return StaffMember.objects.bulk_create(made)


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low, high, 100))


def _load_community(world, community, profile, rng, staff, items, official, today) -> None:
    weights = [t.weight * (profile.admin_bias if t.nature == A else 1.0) for t in TEMPLATES]
    plans = []  # (task, decided: tuple | None)
    for month in history_months(today):
        last_day = min(today, month_end(month))
        for _n in range(rng.randint(*profile.tasks_per_month)):
            template = rng.choices(TEMPLATES, weights)[0]
            received = month + timedelta(days=rng.randint(0, (last_day - month).days))
            plans.append(_plan(template, received, rng, profile, items, today))
    # The negative-list requests: refused on receipt (爱国社区 gets one in the spring).
    for index, template in enumerate(NEGATIVE):
        received = today - timedelta(days=rng.randint(60, 300))
        if community.code == AIGUO and index == 1:
            continue
        plans.append(_plan(template, received, rng, profile, items, today))

    departments = world.departments
    tasks = []
    for p in plans:
        template = p["template"]
        due = workdays.decision_due(p["received"])
        tasks.append(
            Task(
                community=community,
                title=p["title"],
                department=departments[template.department],
                received_on=p["received"],
                received_via=rng.choice(["document", "meeting", "chat", "platform", "phone"]),
                category=template.category,
                nature=template.nature,
                service_area=(
                    rng.choice(ResidentWork.values[:4])
                    if template.category == Category.RESIDENT_SERVICE
                    else ""
                ),
                catalogue_item=p["item"],
                outcome=p["outcome"],
                status=p["status"],
                refusal_reason=p["reason"],
                authorisation_number=p["number"],
                authority=p["authority"],
                scope_granted=p["scope"],
                deadline=p["deadline"],
                money_promised=p["promised"],
                money_received=p["received_money"],
                estimated_hours=Decimal(rng.choice([2, 4, 6, 8, 12, 16])),
                decision_due=due.day,
                decision_due_estimated=not due.known,
                decided_on=p["decided_on"],
                decided_by=official if p["decided_by_street"] else None,
                created_at=_aware(p["received"], 9),
            )
        )
    tasks = Task.objects.bulk_create(tasks)

    events = []
    through = Task.assignees.through
    links = []
    for task, p in zip(tasks, plans, strict=True):
        events.append(
            TaskEvent(
                task=task, kind=TaskEvent.Kind.LOGGED, outcome="", at=_aware(task.received_on, 9)
            )
        )
        first_kind = {
            Outcome.PENDING: TaskEvent.Kind.PENDING,
            Outcome.REFUSED: TaskEvent.Kind.REFUSED,
        }.get(p["first_outcome"], TaskEvent.Kind.ADMITTED)
        events.append(
            TaskEvent(
                task=task,
                kind=first_kind,
                outcome=p["first_outcome"],
                status=Status.PENDING if p["first_outcome"] == Outcome.PENDING else task.status,
                note=task.refusal_reason if p["first_outcome"] == Outcome.REFUSED else "",
                at=_aware(task.received_on, 9),
            )
        )
        if p["decided_by_street"]:
            kind = (
                TaskEvent.Kind.APPROVED
                if task.outcome == Outcome.ASSIST_AUTHORISED
                else TaskEvent.Kind.REFUSED
            )
            events.append(
                TaskEvent(
                    task=task,
                    kind=kind,
                    outcome=task.outcome,
                    status=task.status,
                    note=task.authorisation_number or task.refusal_reason,
                    by=official,
                    at=_aware(task.decided_on, 15),
                )
            )
        for member in rng.sample(staff, k=min(len(staff), rng.randint(1, 2))):
            links.append(through(task_id=task.pk, staffmember_id=member.pk))
    through.objects.bulk_create(links)

    entries, worked = _hours(tasks, plans, staff, profile, rng, today)
    TimeEntry.objects.bulk_create(entries)
    if worked:
        Task.objects.filter(pk__in=worked).update(worked_while_pending=True)
        events.extend(
            TaskEvent(
                task_id=pk,
                kind=TaskEvent.Kind.WORKED_WHILE_PENDING,
                outcome=Outcome.PENDING,
                status=Status.PENDING,
                note=str(day),
                at=_aware(day, 17),
            )
            for pk, day in worked.items()
        )
    TaskEvent.objects.bulk_create(events)


def _plan(template, received, rng, profile, items, today) -> dict:
    item = items.get(template.item) if template.item else None
    outcome, status = admission_for(item)
    plan = {
        "template": template,
        "title": f"{template.title}（{received.month}月）",
        "received": received,
        "item": item,
        "first_outcome": outcome,
        "outcome": outcome,
        "status": status,
        "reason": "",
        "number": "",
        "authority": "",
        "scope": "",
        "deadline": received + timedelta(days=rng.randint(7, 45)),
        "promised": Decimal("0"),
        "received_money": Decimal("0"),
        "decided_on": received if outcome != Outcome.PENDING else None,
        "decided_by_street": False,
        "worked_pending": False,
    }
    if outcome == Outcome.REFUSED:
        plan["reason"] = f"负面清单：{item.item}（{item.basis}）"
        plan["deadline"] = None
    if outcome == Outcome.PENDING:
        plan["worked_pending"] = rng.random() < profile.pending_worked
        decided = workdays.add_working_days(received, rng.randint(6, 24)).day
        if decided <= today - timedelta(days=2):
            plan["decided_on"] = decided
            plan["decided_by_street"] = True
            if rng.random() < 0.82:
                plan["outcome"] = Outcome.ASSIST_AUTHORISED
                plan["number"] = f"街准〔{decided.year}〕{rng.randint(3, 98)}号"
                plan["authority"] = f"{template.department}授权社区协助完成"
                plan["scope"] = "仅限本次任务所列事项"
                plan["deadline"] = decided + timedelta(days=rng.randint(10, 40))
            else:
                plan["outcome"] = Outcome.REFUSED
                plan["status"] = Status.REFUSED
                plan["reason"] = "不属于社区工作事项，请部门自行办理"
                plan["deadline"] = None
    assisted = plan["outcome"] in (Outcome.ASSIST_LISTED, Outcome.ASSIST_AUTHORISED)
    if assisted and rng.random() < profile.money_promised:
        plan["promised"] = _money(rng, 500, 6000)
        share = Decimal(str(round(rng.uniform(*profile.money_received), 2)))
        plan["received_money"] = (plan["promised"] * share).quantize(Decimal("1"))
    if plan["outcome"] in (
        Outcome.DUTY,
        Outcome.ASSIST_LISTED,
        Outcome.ASSIST_AUTHORISED,
    ):
        plan["status"] = (
            Status.DONE if received < today - timedelta(days=30) else Status.IN_PROGRESS
        )
    return plan


def _hours(tasks, plans, staff, profile, rng, today):
    """Daily hours per staff member: tasks active that day, and resident work."""
    start = history_start(today)
    admin_open: dict[date, list] = {}
    own_open: dict[date, list] = {}
    for task, p in zip(tasks, plans, strict=True):
        if task.outcome == Outcome.REFUSED and not (
            profile.works_negative and task.catalogue_item_id
        ):
            continue
        is_pending = p["first_outcome"] == Outcome.PENDING
        if is_pending and not p["worked_pending"] and task.decided_on is None:
            continue
        begin = task.received_on
        if is_pending and not p["worked_pending"]:
            begin = task.decided_on  # waited for the decision before starting
        for offset in range(0, 21, 1):
            day = begin + timedelta(days=offset)
            if day > today:
                break
            bucket = admin_open if task.nature == A else own_open
            bucket.setdefault(day, []).append(task)
    entries = []
    worked: dict[int, date] = {}
    works = ResidentWork.values
    day = start
    while day <= today:
        working = workdays.is_workday(day)[0]
        if working:
            blocks = [m for m in staff for b in range(2) if b == 0 or rng.random() < 0.5]
            # Each day gets the community's share of administrative blocks, so even a
            # year one day old tells its story.
            share = int(len(blocks) * profile.admin_hours + 0.5)
            admin = set(rng.sample(range(len(blocks)), share))
        else:
            # On a day off one worker, in turn, is on duty (值班) as the street office
            # requires, on what was pushed down; so every day, 1 January too, has hours.
            blocks = [staff[day.toordinal() % len(staff)]]
            admin = {0}
        used: dict[int, set] = {}
        for index, member in enumerate(blocks):
            used_by_member = used.setdefault(member.pk, set())
            hours = Decimal(rng.choice(["3", "3.5", "4", "4.5", "5"]))
            if index in admin:
                pool = admin_open.get(day) or (None if working else own_open.get(day))
            else:
                pool = own_open.get(day) if rng.random() < 0.4 else None
            task = rng.choice(pool) if pool else None
            key = task.pk if task else rng.choice(works)
            if key in used_by_member:
                continue
            used_by_member.add(key)
            pending = bool(
                task
                and task.catalogue_item_id is None
                and (task.decided_on is None or day < task.decided_on)
                and task.outcome != Outcome.EMERGENCY
            )
            if pending and task.pk not in worked:
                worked[task.pk] = day
            entries.append(
                TimeEntry(
                    staff_member=member,
                    date=day,
                    hours=hours,
                    task=task,
                    resident_work="" if task else key,
                    while_pending=pending,
                    created_at=_aware(day, 18),
                )
            )
        day += timedelta(days=1)
    return entries, worked
