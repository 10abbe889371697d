"""Demo caps, demands and returns: the field report's 挂牌多, 台账多, 报表多 in numbers.

爱国社区 carries six signboards outside against a cap of four, thirty ledgers demanded of
which the district permits twenty-two, and a year of returns from eight departments in
which a third of the data items asked for had already been asked by another department.
和平社区 stays within its caps. Everything goes through the services, so the flags are
the registers' own. Deterministic and idempotent: a community with demands is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from committee.demo import history_months
from paperwork import services
from paperwork.models import Cap, CapKind, DataItem, Demand, Frequency, ReturnForm

RULE_2024 = "《整治形式主义为基层减负若干规定》（中办、国办，2024）"
RULE_SIGNS = (
    "《关于规范村级组织工作事务、机制牌子和证明事项的意见》（2022）：社区挂牌内外各不超过4块"
)

PERMITTED_LEDGERS = [
    "党员管理台账", "居民花名册", "低保救助台账", "特困人员台账", "残疾人服务台账",
    "老年人服务台账", "退役军人服务台账", "流动人口台账", "出租房屋台账", "社区矫正台账",
    "安全生产检查台账", "消防安全台账", "环境卫生台账", "计划生育服务台账", "就业服务台账",
    "社会保障台账", "志愿服务台账", "矛盾纠纷调解台账", "居务公开台账", "居民会议记录",
    "社区经费收支台账", "防汛防灾台账",
]  # fmt: skip
EXTRA_LEDGERS = [
    "创建文明城市迎检台账", "垃圾分类宣传台账", "反诈宣传台账", "禁毒宣传台账",
    "文明养犬台账", "扫黄打非台账", "国家安全宣传台账", "慢病随访台账",
]  # fmt: skip

CAPS = [
    (CapKind.SIGNBOARD_OUTSIDE, 4, RULE_SIGNS),
    (CapKind.SIGNBOARD_INSIDE, 4, RULE_SIGNS),
    (CapKind.LEDGER, len(PERMITTED_LEDGERS), RULE_2024 + "：台账以准入清单为限"),
    (CapKind.ASSESSMENT, 2, RULE_2024 + "：严控督查检查考核"),
    (CapKind.RANKING, 1, RULE_2024 + "：不得层层排名"),
    (CapKind.MEETING, 4, RULE_2024 + "：精简会议"),
    (CapKind.INSPECTION, 2, RULE_2024 + "：严控督查检查考核"),
]

# name, definition (口径), owner, unit, days valid
DATA_ITEMS = [
    ("常住人口", "在本社区居住半年以上的人口，不论户籍", "区统计局", "人", 365),
    ("户籍人口", "户籍登记在本社区的人口", "东风派出所", "人", 365),
    ("户数", "本社区内的居民户数（以户为单位）", "区统计局", "户", 365),
    ("60岁以上老人", "常住人口中年满60周岁的人数", "区民政局", "人", 180),
    ("80岁以上老人", "常住人口中年满80周岁的人数", "区民政局", "人", 180),
    ("独居老人", "60岁以上且单独居住的老人", "区民政局", "人", 90),
    ("低保户", "享受城市最低生活保障的家庭户数", "区民政局", "户", 90),
    ("残疾人", "持有残疾人证的常住人口", "区残联", "人", 180),
    ("退役军人", "户籍或常住在本社区的退役军人", "区退役军人事务局", "人", 365),
    ("流动人口", "离开户籍地、在本社区居住的人口", "东风派出所", "人", 90),
    ("出租房屋", "本社区内登记出租的房屋套数", "街道综治办", "套", 90),
    ("0-3岁婴幼儿", "常住人口中未满3周岁的婴幼儿", "区卫健委", "人", 90),
    ("育龄妇女", "常住人口中15至49周岁的妇女", "区卫健委", "人", 180),
    ("新就业形态劳动者", "外卖、快递、网约车等新就业形态劳动者", "区人社局", "人", 90),
    ("登记失业人员", "在人社部门登记的失业人员", "区人社局", "人", 90),
    ("门店商户", "临街门店及个体工商户数", "区城管局", "户", 180),
    ("社区矫正对象", "在本社区接受社区矫正的人员", "区司法局", "人", 90),
    ("违法建设", "本社区内在册未拆除的违法建设处数", "街道城管科", "处", 90),
]

Q = Frequency.QUARTERLY
# department, form, data items asked, frequency
RETURNS = [
    ("区民政局", "社区养老服务统计表", ["常住人口", "60岁以上老人", "80岁以上老人", "独居老人",
                                     "低保户", "残疾人", "退役军人"], Q),
    ("区统计局", "社区基本情况统计表", ["常住人口", "户数", "户籍人口", "流动人口"], Q),
    ("区卫健委", "社区健康服务摸底表", ["60岁以上老人", "0-3岁婴幼儿", "育龄妇女"], Q),
    ("区人社局", "就业情况统计表", ["新就业形态劳动者", "登记失业人员", "退役军人"], Q),
    ("区城管局", "社区环境整治情况表", ["户数", "门店商户"], Q),
    ("区司法局", "社区矫正与法律服务表", ["社区矫正对象"], Q),
    ("街道综治办", "网格基础信息表", ["户数", "流动人口", "出租房屋"], Q),
    ("街道城管科", "门前三包统计表", ["门店商户", "违法建设"], Q),
]  # fmt: skip

VALUES = {
    "常住人口": 8200, "户籍人口": 6900, "户数": 2860, "60岁以上老人": 1640, "80岁以上老人": 310,
    "独居老人": 96, "低保户": 42, "残疾人": 187, "退役军人": 64, "流动人口": 1320,
    "出租房屋": 410, "0-3岁婴幼儿": 188, "育龄妇女": 1710, "新就业形态劳动者": 236,
    "登记失业人员": 58, "门店商户": 145, "社区矫正对象": 6, "违法建设": 9,
}  # fmt: skip

# 爱国社区's signboards: (where, name, department, basis)
SIGNS_OUTSIDE = [
    ("社区党群服务中心", "区民政局", "《城乡社区服务体系建设规划》"),
    ("居民委员会", "区民政局", "《城市居民委员会组织法》"),
    ("新时代文明实践站", "区统计局", "区委宣传部文件"),
    ("退役军人服务站", "区人社局", "《退役军人保障法》"),
    ("综治中心", "街道综治办", "街道文件"),
    ("城市管理工作站", "区城管局", ""),
]
SIGNS_INSIDE = [
    ("图书室", "区民政局", "区文旅局文件"),
    ("心理咨询室", "区卫健委", "区卫健委文件"),
    ("调解室", "区司法局", "《人民调解法》"),
]


def marks(today: date) -> dict[str, tuple[str, str, str, str, date]]:
    """department: (表号, 制表机关, 批准机关, 批准文号, 有效期限); a department not here prints
    none. 区卫健委's approval lapsed before any demo return; the others' run to the end of next
    year, so only 区卫健委's forms (and the unmarked ones) are unapproved on any day."""
    far = date(today.year + 1, 12, 31)
    return {
        "区民政局": ("民统Q-3", "区民政局", "区统计局", "区统字〔2025〕12号", far),
        "区统计局": ("统社Q-1", "区统计局", "市统计局", "市统字〔2025〕3号", far),
        "区卫健委": ("卫统Q-7", "区卫健委", "区统计局", "区统字〔2022〕8号", date(2024, 12, 31)),
        "区人社局": ("人社Q-2", "区人社局", "区统计局", "区统字〔2025〕15号", far),
        "区司法局": ("司统Q-4", "区司法局", "区统计局", "区统字〔2025〕21号", far),
    }


def load(world) -> None:
    today = timezone.localdate()
    for kind, limit, rule in CAPS:
        if not Cap.objects.filter(district=world.district, kind=kind).exists():
            services.save_cap(
                Cap(
                    district=world.district,
                    kind=kind,
                    limit=limit,
                    rule=rule,
                    permitted="\n".join(PERMITTED_LEDGERS) if kind == CapKind.LEDGER else "",
                ),
                user=None,
            )
    have = set(DataItem.objects.filter(district=world.district).values_list("name", flat=True))
    for name, definition, owner, unit, days in DATA_ITEMS:
        if name not in have:
            services.save_data_item(
                DataItem(
                    district=world.district,
                    name=name,
                    definition=definition,
                    owner=owner,
                    unit=unit,
                    valid_days=days,
                ),
                user=None,
            )
    start = today - timedelta(days=330)
    _aiguo(world, start)
    _heping(world, start)
    _returns(world, world.communities["XX-01-01"], today)


def _demand(world, community, kind, name, department, day, basis) -> None:
    services.save_demand(
        Demand(
            community=community,
            kind=kind,
            name=name,
            department=world.departments[department],
            demanded_on=day,
            basis=basis,
        ),
        user=None,
    )


def _aiguo(world, start: date) -> None:
    community = world.communities["XX-01-01"]
    if Demand.objects.filter(community=community).exists():
        return
    departments = list(world.departments)
    for k, (name, department, basis) in enumerate(SIGNS_OUTSIDE):
        day = start + timedelta(days=40 * k)
        _demand(world, community, CapKind.SIGNBOARD_OUTSIDE, name, department, day, basis)
    for k, (name, department, basis) in enumerate(SIGNS_INSIDE):
        day = start + timedelta(days=25 * k)
        _demand(world, community, CapKind.SIGNBOARD_INSIDE, name, department, day, basis)
    for k, name in enumerate(PERMITTED_LEDGERS + EXTRA_LEDGERS):
        extra = k >= len(PERMITTED_LEDGERS)
        basis = "" if extra and k % 2 == 0 else f"{departments[k % 8]}文件"
        day = start + timedelta(days=10 * k)
        _demand(world, community, CapKind.LEDGER, name, departments[k % 8], day, basis)
    month = start.replace(day=1) + timedelta(days=62)
    month = month.replace(day=3)
    for k in range(5):
        _demand(
            world, community, CapKind.MEETING, f"迎检工作部署会（{k + 1}）", departments[k],
            month + timedelta(days=4 * k), "街道通知",
        )  # fmt: skip
    for k in range(3):
        _demand(
            world, community, CapKind.INSPECTION, f"创文迎检第{k + 1}轮", "区城管局",
            month + timedelta(days=5 * k + 1), "" if k == 2 else "区创文办通知",
        )  # fmt: skip
    _demand(world, community, CapKind.ASSESSMENT, "年度社区工作考核", "区民政局", month, "区委文件")


def _heping(world, start: date) -> None:
    community = world.communities["XX-01-02"]
    if Demand.objects.filter(community=community).exists():
        return
    for k, (name, department, basis) in enumerate(SIGNS_OUTSIDE[:4]):
        day = start + timedelta(days=30 * k)
        _demand(world, community, CapKind.SIGNBOARD_OUTSIDE, name, department, day, basis)
    for k, name in enumerate(PERMITTED_LEDGERS[:18]):
        day = start + timedelta(days=12 * k)
        _demand(world, community, CapKind.LEDGER, name, "区民政局", day, "区民政局文件")


def _returns(world, community, today: date) -> None:
    if ReturnForm.objects.filter(community=community).exists():
        return
    items = {i.name: i for i in DataItem.objects.filter(district=world.district)}
    stamps = marks(today)
    months = history_months(today)[-12:]
    for index, month in enumerate(months):
        for number, (department, title, asked, frequency) in enumerate(RETURNS):
            if (index - number) % 3:
                continue
            # This month's forms not yet due to arrive came in today instead: the year's
            # pages show returns from its first day on (none in the future).
            day = min(month + timedelta(days=4 + number), today)
            form_number, issued_by, approved_by, approval, valid = stamps.get(
                department, ("", "", "", "", None)
            )
            made = services.register_return(
                community=community,
                department=world.departments[department],
                title=title,
                items=[items[name] for name in asked],
                registered_on=day,
                due_on=day + timedelta(days=10),
                frequency=frequency,
                form_number=form_number,
                issuing_authority=issued_by,
                approving_authority=approved_by,
                approval_number=approval,
                valid_until=valid,
                user=None,
            )
            filled = day + timedelta(days=3)
            if filled <= today:
                services.fill_return(
                    return_form=made,
                    values={
                        items[name].pk: str(VALUES[name] + (index % 4) * (VALUES[name] // 100))
                        for name in asked
                    },
                    on=filled,
                    user=None,
                )
