"""Demo certificate requests: January of last year up to today, for 爱国社区 and 和平社区.

The mix the field report describes: residents sent by banks, schools and employers for
certificates committees may not issue (no criminal record, being alive, kinship …), next
to the residence and hardship certificates a committee does issue. Every request goes
through services.record_request, so the numbers and refusals are the desk's own.

Deterministic (random.Random per community) and idempotent: a community that already has
requests is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from certificates import services
from certificates.models import CertificateRequest, CertificateType, InstitutionKind
from committee.demo import history_months
from committee.models import Membership
from committee.roles import Role

SEED = 20260616
BANK, SCHOOL, EMPLOYER = InstitutionKind.BANK, InstitutionKind.SCHOOL, InstitutionKind.EMPLOYER
GOVERNMENT, INSURER, OTHER = (
    InstitutionKind.GOVERNMENT,
    InstitutionKind.INSURER,
    InstitutionKind.OTHER,
)

# certificate, what the resident says, purpose, (institution, kind), weight
DEMANDS = [
    ("无犯罪记录证明", "银行要我开个无犯罪证明", "办理信用卡", ("中国工商银行爱国路支行", BANK), 4),
    ("无犯罪记录证明", "公司入职要良民证", "入职审核", ("华信科技有限公司", EMPLOYER), 3),
    ("健在证明", "养老金要开健在证明", "领取养老金", ("中国建设银行东风支行", BANK), 3),
    ("健在证明", "保险公司要生存证明", "年金给付", ("中国人寿XX区支公司", INSURER), 2),
    ("亲属关系证明", "取父亲存款要亲属关系证明", "继承存款", ("中国工商银行爱国路支行", BANK), 2),
    ("婚姻状况证明", "贷款要单身证明", "办理房贷", ("中国建设银行东风支行", BANK), 2),
    ("就业状况证明", "学校助学金要无业证明", "申请助学金", ("XX区第一中学", SCHOOL), 1),
    ("贫困生身份证明", "孩子学校要贫困证明", "申请助学金", ("XX职业技术学院", SCHOOL), 2),
    ("收入证明", "幼儿园要家长收入证明", "减免保育费", ("爱国路幼儿园", SCHOOL), 1),
    ("居民身份信息证明", "营业厅要本人身份证明", "补办手机卡", ("中国移动东风营业厅", OTHER), 1),
    ("居民在社区居住情况证明", "孩子上学要居住证明", "子女入学", ("XX区实验小学", SCHOOL), 6),
    ("居民在社区居住情况证明", "办居住证要居住证明", "办理居住证", ("东风派出所", GOVERNMENT), 4),
    ("中小学生社区实践证明", "学校要社区实践证明", "综合素质评价", ("XX区第一中学", SCHOOL), 3),
    ("参与社区治理或社区活动证明", "志愿服务证明", "志愿者评优", ("XX区志愿者协会", OTHER), 1),
    (
        "生活困难证明（申请法律援助、司法救助）",
        "申请法律援助要困难证明",
        "申请法律援助",
        ("XX区法律援助中心", GOVERNMENT),
        1,
    ),
]
PER_MONTH = {"XX-01-01": 12, "XX-01-02": 5}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛"]
STREETS = ["爱国路12号院", "爱国路8号院", "和平里3号院", "东风北街5号院"]


def load(world) -> None:
    services.load_certificate_types(district=world.district)
    desk = {
        m.community_id: m.user
        for m in Membership.objects.filter(role=Role.STAFF).select_related("user").order_by("pk")
    }
    types = {t.name: t for t in CertificateType.objects.filter(district=world.district)}
    today = timezone.localdate()
    for code, per_month in PER_MONTH.items():
        community = world.communities[code]
        if CertificateRequest.objects.filter(community=community).exists():
            continue
        rng = random.Random(f"{SEED}-{code}")
        for month in history_months(today):
            for _ in range(rng.randint(per_month - 3, per_month + 3)):
                day = month + timedelta(days=rng.randint(0, 27))
                if day > today:
                    continue
                _one(community, types, rng, day, desk.get(community.pk))


def _one(community, types: dict[str, CertificateType], rng: random.Random, day: date, by) -> None:
    name, words, purpose, (institution, kind), _weight = rng.choices(
        DEMANDS, weights=[d[4] for d in DEMANDS]
    )[0]
    certificate_type = types[name]
    refer = not certificate_type.banned and rng.random() < 0.15
    resident = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
    building = rng.randint(1, 9)
    made = services.record_request(
        community=community,
        certificate_type=certificate_type,
        resident_name=resident,
        national_id=_demo_id(rng) if certificate_type.needs_national_id else "",
        address=f"{rng.choice(STREETS)}{building}栋{rng.randint(1, 6)}0{rng.randint(1, 4)}室",
        purpose=purpose,
        institution=institution,
        institution_kind=kind,
        words=words,
        facts=_facts(name, rng),
        refer=refer,
        evidence_needed=certificate_type.evidence if refer else "",
        requested_on=day,
        by=by,
    )
    if made.outcome == "issued" and rng.random() < 0.02:
        services.revoke_certificate(
            request=made, reason="居民已搬离本社区，证明内容不再属实", by=by
        )


def _facts(name: str, rng: random.Random) -> str:
    if name == "居民在社区居住情况证明":
        return f"自{rng.randint(2008, 2022)}年{rng.randint(1, 12)}月起在本社区居住至今"
    if name == "中小学生社区实践证明":
        return f"参加本社区组织的社区实践活动共{rng.randint(4, 20)}小时"
    if name == "参与社区治理或社区活动证明":
        return f"参与本社区志愿服务共{rng.randint(10, 60)}小时"
    if name.startswith("生活困难证明"):
        return "家庭人均月收入低于本市最低生活保障标准"
    return ""


def _demo_id(rng: random.Random) -> str:
    """A made-up ID number of the right shape (region 110105, a real check digit)."""
    birth = date(rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"110105{birth:%Y%m%d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]
