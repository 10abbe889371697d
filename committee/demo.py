"""Demo hierarchy and users: XX区, two street offices, six communities.

爱国社区 carries the field report's numbers (shared/DOMAIN.md). Re-running
changes nothing: every row is found by its natural key first.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from committee.models import Community, Department, District, Membership, StreetOffice
from committee.roles import Role

DEMO_PASSWORD = "juwei-demo"  # noqa: S105 -- published in the README for the demo users

STREET_OFFICES = [
    ("XX-01", "东风街道"),
    ("XX-02", "向阳街道"),
]

# code, street office code, name, area km², residents, households, address
COMMUNITIES = [
    ("XX-01-01", "XX-01", "爱国社区", "1.50", 8200, 2860, "东风街道爱国路12号"),
    ("XX-01-02", "XX-01", "和平社区", "0.90", 5600, 2050, "东风街道和平里3号"),
    ("XX-02-01", "XX-02", "团结社区", "1.20", 7100, 2480, "向阳街道团结路8号"),
    ("XX-02-02", "XX-02", "幸福社区", "0.75", 4300, 1620, "向阳街道幸福街21号"),
    ("XX-02-03", "XX-02", "光明社区", "2.10", 9800, 3510, "向阳街道光明大道5号"),
    ("XX-02-04", "XX-02", "建设社区", "1.05", 6200, 2230, "向阳街道建设巷17号"),
]

# name, short name, level
DEPARTMENTS = [
    ("区民政局", "民政", Department.Level.DISTRICT_BUREAU),
    ("区卫健委", "卫健", Department.Level.DISTRICT_BUREAU),
    ("区统计局", "统计", Department.Level.DISTRICT_BUREAU),
    ("区人社局", "人社", Department.Level.DISTRICT_BUREAU),
    ("区城管局", "城管", Department.Level.DISTRICT_BUREAU),
    ("区司法局", "司法", Department.Level.DISTRICT_BUREAU),
    ("街道综治办", "综治", Department.Level.STREET_DEPARTMENT),
    ("街道城管科", "城管科", Department.Level.STREET_DEPARTMENT),
]

# username, role, unit code (district, street office or community), display name
USERS = [
    ("district", Role.DISTRICT_OFFICER, "XX", "区民政局 王科长"),
    ("street", Role.STREET_OFFICIAL, "XX-01", "东风街道 李主任"),
    ("street2", Role.STREET_OFFICIAL, "XX-02", "向阳街道 赵主任"),
    ("aiguo", Role.STAFF, "XX-01-01", "爱国社区 张敏"),
    ("aiguo_chair", Role.CHAIR, "XX-01-01", "爱国社区 刘书记"),
    ("heping", Role.STAFF, "XX-01-02", "和平社区 陈静"),
]


def demo_logins() -> list[tuple[str, str]]:
    """(username, who) of the demo users that exist, for the login page (one query)."""
    found = dict(
        get_user_model()
        .objects.filter(username__in=[u[0] for u in USERS], is_active=True)
        .values_list("username", "first_name")
    )
    return [(username, found[username]) for username, *_rest in USERS if username in found]


def history_start(today: date) -> date:
    """The first day the demo's records cover: 1 January of last year.

    From there to today holds this year to date, the whole of last year and the last
    twelve months, whatever today is, so every period the dashboards offer tells the
    story on 1 January as on 31 December.
    """
    return date(today.year - 1, 1, 1)


def history_months(today: date) -> list[date]:
    """The first day of each month from ``history_start`` up to this month, oldest first."""
    return [date(today.year - 1 + k // 12, k % 12 + 1, 1) for k in range(12 + today.month)]


@dataclass
class World:
    """What the later demo modules build on."""

    district: District
    street_offices: dict[str, StreetOffice] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def aiguo(self) -> Community:
        return self.communities["XX-01-01"]


def load() -> World:
    district, _ = District.objects.get_or_create(code="XX", defaults={"name": "XX区"})
    world = World(district=district)
    for code, name in STREET_OFFICES:
        world.street_offices[code], _ = StreetOffice.objects.get_or_create(
            code=code, defaults={"district": district, "name": name}
        )
    for code, so_code, name, area, residents, households, address in COMMUNITIES:
        world.communities[code], _ = Community.objects.get_or_create(
            code=code,
            defaults={
                "street_office": world.street_offices[so_code],
                "name": name,
                "area_km2": Decimal(area),
                "residents": residents,
                "households": households,
                "address": address,
            },
        )
    for name, short_name, level in DEPARTMENTS:
        world.departments[name], _ = Department.objects.get_or_create(
            district=district, name=name, defaults={"short_name": short_name, "level": level}
        )
    units = {"XX": district, **world.street_offices, **world.communities}
    user_model = get_user_model()
    for username, role, unit_code, display in USERS:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"first_name": display}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        unit = units[unit_code]
        level = {
            District: "district",
            StreetOffice: "street_office",
            Community: "community",
        }[type(unit)]
        Membership.objects.get_or_create(user=user, role=role, **{level: unit})
        world.users.append((username, str(Role(role).label), str(unit)))
    admin, created = user_model.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    world.users.append(("admin", "superuser (Django admin)", "—"))
    return world
