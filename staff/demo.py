"""Demo roster and pay: full-time workers and assistants, paid from January of last year on.

The story (shared/DOMAIN.md): 爱国社区's full-time workers take home ¥800–2,000 a month
after their share of insurance, below its assistants and below the minimum wage. The
district's pay scale, insurance rates and wage benchmarks are DEMO VALUES, labelled as
such on every page that shows them. Re-running adds nothing: a community that already
has demo staff, or pay, is left as it is.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from committee.demo import history_months
from staff.models import (
    InsuranceRates,
    PayGrade,
    PayRecord,
    PayScale,
    StaffMember,
    WageBenchmark,
)
from staff.services import apply_calculation
from staff.validators import national_id_check_digit

DEMO_SOURCE = "演示数据：示例数值，请替换为本区公布的数值 (demo values)"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "敏",
    "静",
    "伟",
    "芳",
    "娜",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
    "建国",
    "丽",
    "桂兰",
    "海燕",
    "志强",
    "红梅",
    "晓东",
]

# Employing departments of assistants (by demo department name) and what they do.
ASSISTANT_EMPLOYERS = ["区人社局", "区城管局", "区司法局", "街道综治办", "街道城管科"]

# Monthly gross pay ranges (yuan) of the demo, by community code and kind.
AIGUO = "XX-01-01"
FULLTIME_GROSS = {AIGUO: (1750, 2850)}
FULLTIME_GROSS_DEFAULT = (4200, 6200)
ASSISTANT_GROSS = (3600, 4400)


def _district_settings(district, years: list[int]) -> dict[int, InsuranceRates]:
    rates = {}
    for year in years:
        older = year < max(years)
        scale, created = PayScale.objects.get_or_create(
            district=district,
            year=year,
            defaults={"base_amount": Decimal("3400.00"), "source": DEMO_SOURCE},
        )
        if created:
            PayGrade.objects.bulk_create(
                PayGrade(
                    scale=scale, grade=g, coefficient=Decimal("1.000") + Decimal("0.1") * (g - 1)
                )
                for g in range(1, 19)
            )
        rates[year], _ = InsuranceRates.objects.get_or_create(
            district=district,
            year=year,
            defaults={
                "base_minimum": Decimal("3800.00") if older else Decimal("4000.00"),
                "base_maximum": Decimal("30000.00"),
                "pension_individual": Decimal("0.08"),
                "pension_employer": Decimal("0.16"),
                "medical_individual": Decimal("0.02"),
                "medical_employer": Decimal("0.09"),
                "unemployment_individual": Decimal("0.005"),
                "unemployment_employer": Decimal("0.005"),
                "injury_individual": Decimal("0"),
                "injury_employer": Decimal("0.004"),
                "maternity_individual": Decimal("0"),
                "maternity_employer": Decimal("0.008"),
                "housing_fund_individual": Decimal("0.12"),
                "housing_fund_employer": Decimal("0.12"),
                "source": DEMO_SOURCE,
            },
        )
        WageBenchmark.objects.get_or_create(
            district=district,
            year=year,
            defaults={
                "minimum_wage": Decimal("2320.00") if older else Decimal("2420.00"),
                "average_wage": Decimal("8200.00") if older else Decimal("8600.00"),
                "disposable_income": Decimal("50400.00") if older else Decimal("52800.00"),
                "source": DEMO_SOURCE,
            },
        )
    return rates


def _national_id(rng: random.Random) -> str:
    birth = date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"110105{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + national_id_check_digit(first17)


def _people(world, community, rng: random.Random) -> list[StaffMember]:
    fulltime = 6 if community.code == AIGUO else rng.randint(4, 8)
    assistants = 3 if community.code == AIGUO else rng.randint(2, 4)
    people = []
    for i in range(fulltime + assistants):
        is_fulltime = i < fulltime
        post = (
            StaffMember.Post.CHAIR
            if i == 0
            else StaffMember.Post.DEPUTY
            if i == 1 and is_fulltime
            else StaffMember.Post.MEMBER
        )
        low, high = StaffMember.GRADE_RANGE[post]
        people.append(
            StaffMember(
                community=community,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                kind=StaffMember.Kind.FULLTIME if is_fulltime else StaffMember.Kind.ASSISTANT,
                employer=None
                if is_fulltime
                else world.departments[ASSISTANT_EMPLOYERS[(i - fulltime) % 5]],
                post=post,
                grade=rng.randint(low, min(high, low + 5)) if is_fulltime else None,
                entry=(
                    StaffMember.Entry.ELECTION
                    if post != StaffMember.Post.MEMBER
                    else rng.choice([StaffMember.Entry.EXAMINATION, StaffMember.Entry.TRANSFER])
                )
                if is_fulltime
                else StaffMember.Entry.TRANSFER,
                start_date=date(rng.randint(2010, 2022), rng.randint(1, 12), 1),
                certificate=rng.choice(list(StaffMember.Certificate.values)),
                national_id=_national_id(rng),
                phone=f"13{rng.randint(0, 999999999):09d}",
            )
        )
    return people


def _pay(person: StaffMember, months, rates, rng: random.Random, today) -> list[PayRecord]:
    if person.kind == StaffMember.Kind.FULLTIME:
        low, high = FULLTIME_GROSS.get(person.community.code, FULLTIME_GROSS_DEFAULT)
    else:
        low, high = ASSISTANT_GROSS
    gross = Decimal(rng.randint(low // 10, high // 10) * 10)
    basic = (gross * Decimal("0.6")).quantize(Decimal("1"))
    post = (gross * Decimal("0.1")).quantize(Decimal("1"))
    seniority = Decimal(min(300, 20 * (2025 - person.start_date.year)) if gross > 3000 else 50)
    records = []
    for n, month in enumerate(months):
        performance = gross - basic - post - seniority - Decimal(rng.choice([0, 20, 40]))
        record = PayRecord(
            staff_member=person,
            month=month,
            basic_pay=basic,
            post_allowance=post,
            seniority_pay=seniority,
            performance_pay=performance,
            other_allowances=Decimal(rng.choice([0, 20, 40])),
            # This month's pay is entered on the first payday of the month, at the latest today.
            paid_on=min(month.replace(day=15), today),
        )
        apply_calculation(record, rates=rates.get(month.year), given={})
        # The field report: some months the employer's pension went unpaid (three of the last
        # five, so any twelve months up to today show it).
        if (
            person.community.code == AIGUO
            and person.kind == "fulltime"
            and person.post == "member"
            and len(months) - 6 < n < len(months) - 2
        ):
            record.pension_employer = Decimal("0.00")
            record.override_reason = "单位养老保险当月未缴（演示）"
        records.append(record)
        if person.kind == StaffMember.Kind.ASSISTANT and month.month == 1:
            bonus = PayRecord(
                staff_member=person,
                month=month,
                kind=PayRecord.Kind.BONUS,
                other_allowances=Decimal("3000.00"),
                paid_on=min(month.replace(day=20), today),
            )
            apply_calculation(bonus, rates=None, given={})
            records.append(bonus)
    return records


def load(world) -> None:
    today = timezone.localdate()
    months = history_months(today)
    rates = _district_settings(world.district, sorted({m.year for m in months}))
    communities = list(world.communities.values())
    staffed = set(
        StaffMember.objects.filter(community__in=communities).values_list("community_id", flat=True)
    )
    new_people = []
    for community in communities:
        if community.pk not in staffed:
            new_people += _people(world, community, random.Random(f"staff-{community.code}"))
    StaffMember.objects.bulk_create(new_people)
    paid = set(
        PayRecord.objects.filter(staff_member__community__in=communities).values_list(
            "staff_member__community_id", flat=True
        )
    )
    by_id = {c.pk: c for c in communities}
    people = StaffMember.objects.filter(community__in=communities).exclude(community_id__in=paid)
    records = []
    for index, person in enumerate(people.order_by("community__code", "pk")):
        person.community = by_id[person.community_id]
        seed = f"pay-{person.community.code}-{index}"
        records += _pay(person, months, rates, random.Random(seed), today)
    PayRecord.objects.bulk_create(records)
