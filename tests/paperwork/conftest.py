"""Paperwork fixtures: the district's caps and dictionary, two departments, a return maker."""

from datetime import date

import pytest

from committee.models import Department
from paperwork import services
from paperwork.models import Cap, CapKind, DataItem, Demand, Frequency

RULE = "减负规定第三条"


@pytest.fixture
def departments(world) -> dict[str, Department]:
    return {
        name: Department.objects.create(district=world.district, name=name)
        for name in ("区民政局", "区统计局", "区城管局")
    }


@pytest.fixture
def caps(world) -> dict[str, Cap]:
    found = {}
    for kind, limit, permitted in (
        (CapKind.SIGNBOARD_OUTSIDE, 4, ""),
        (CapKind.LEDGER, 2, "居民花名册\n低保救助台账"),
        (CapKind.MEETING, 1, ""),
    ):
        found[kind] = services.save_cap(
            Cap(district=world.district, kind=kind, limit=limit, permitted=permitted, rule=RULE),
            user=None,
        )
    return found


@pytest.fixture
def items(world) -> dict[str, DataItem]:
    made = {}
    for name in ("常住人口", "60岁以上老人", "户数", "低保户"):
        made[name] = services.save_data_item(
            DataItem(
                district=world.district,
                name=name,
                definition=f"{name}的口径",
                owner="区统计局",
                valid_days=180,
            ),
            user=None,
        )
    return made


@pytest.fixture
def demand(departments):
    """demand(community, kind, name, day, basis="文件", department="区城管局") → saved demand."""

    def make(community, kind, name, day, basis="区里文件", department="区城管局"):
        return services.save_demand(
            Demand(
                community=community,
                kind=kind,
                name=name,
                department=departments[department],
                demanded_on=day,
                basis=basis,
            ),
            user=None,
        )

    return make


@pytest.fixture
def make_return(departments, items):
    """make_return(community, department, [item names], day, values=None) → a return."""

    def make(community, department, names, day, values=None, marks=True):
        made = services.register_return(
            community=community,
            department=departments[department],
            title=f"{department}统计表",
            items=[items[n] for n in names],
            registered_on=day,
            due_on=day,
            frequency=Frequency.MONTHLY,
            form_number="X-1" if marks else "",
            issuing_authority=department if marks else "",
            approving_authority="区统计局" if marks else "",
            approval_number="区统字〔2026〕1号" if marks else "",
            valid_until=date(2027, 12, 31) if marks else None,
            user=None,
        )
        if values:
            services.fill_return(
                return_form=made,
                values={items[n].pk: v for n, v in values.items()},
                on=day,
                user=None,
            )
        return made

    return make
