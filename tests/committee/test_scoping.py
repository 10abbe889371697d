import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from committee import scoping
from committee.models import Community, Department, District, Membership, StreetOffice
from committee.roles import Action, Role
from tests.factories import DistrictFactory, UserFactory


def names(qs):
    return sorted(c.name for c in qs)


def test_it_gives_staff_and_chair_their_own_community_to_read_and_write(world, staff_a, chair_a):
    for user in (staff_a, chair_a):
        assert names(Community.objects.visible_to(user)) == ["甲社区"]
        assert names(Community.objects.changeable_by(user)) == ["甲社区"]


def test_it_lets_a_street_official_read_its_communities_but_not_write(world, official_a):
    assert names(Community.objects.visible_to(official_a)) == ["甲二社区", "甲社区"]
    assert list(Community.objects.changeable_by(official_a)) == []
    assert names(scoping.communities(official_a, Action.REVIEW)) == ["甲二社区", "甲社区"]


def test_it_lets_a_district_officer_read_every_community_of_the_district(world, district_officer):
    assert names(Community.objects.visible_to(district_officer)) == ["乙社区", "甲二社区", "甲社区"]
    assert list(Community.objects.changeable_by(district_officer)) == []


def test_it_gives_nothing_to_a_user_without_membership_or_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    assert list(Community.objects.visible_to(UserFactory())) == []
    assert list(Community.objects.visible_to(AnonymousUser())) == []


def test_it_gives_a_superuser_everything(world):
    admin = UserFactory(is_superuser=True)
    assert Community.objects.visible_to(admin).count() == 3
    assert Community.objects.changeable_by(admin).count() == 3


def test_it_forgets_an_inactive_user(world, staff_a):
    staff_a.is_active = False
    assert list(Community.objects.visible_to(staff_a)) == []


def test_can_agrees_with_the_querysets(world, staff_a, official_a, district_officer, chair_a):
    cases = [
        (staff_a, Action.CHANGE, world.community_a, True),
        (staff_a, Action.CHANGE, world.community_b, False),
        (staff_a, Action.MANAGE, world.community_a, False),
        (chair_a, Action.MANAGE, world.community_a, True),
        (chair_a, Action.PERSONAL_DATA, world.community_a, True),
        (staff_a, Action.PERSONAL_DATA, world.community_a, False),
        (official_a, Action.VIEW, world.community_a2, True),
        (official_a, Action.REVIEW, world.community_a, True),
        (official_a, Action.VIEW, world.community_b, False),
        (official_a, Action.CHANGE, world.community_a, False),
        (district_officer, Action.VIEW, world.community_b, True),
        (district_officer, Action.PERSONAL_DATA, world.community_b, True),
        (district_officer, Action.CHANGE, world.community_b, False),
    ]
    for user, action, community, expected in cases:
        assert scoping.can(user, action, community) is expected, (user, action, community)
        in_qs = scoping.communities(user, action).filter(pk=community.pk).exists()
        assert in_qs is expected, (user, action, community)


def test_districts_only_administered_by_district_officers(world, staff_a, district_officer):
    assert list(scoping.districts(staff_a)) == [world.district]
    assert list(scoping.districts(staff_a, Action.ADMINISTER)) == []
    assert list(scoping.districts(district_officer, Action.ADMINISTER)) == [world.district]


def test_scoped_queryset_is_one_query_with_memberships_cached(
    world, staff_a, django_assert_num_queries
):
    scoping.forget_memberships(staff_a)
    with django_assert_num_queries(2):  # memberships once, then the list
        list(Community.objects.visible_to(staff_a))
    with django_assert_num_queries(1):
        list(Community.objects.visible_to(staff_a))


@pytest.mark.parametrize(
    "role, levels",
    [
        (Role.STAFF, ["district"]),
        (Role.STAFF, ["community", "street_office"]),
        (Role.STREET_OFFICIAL, ["community"]),
        (Role.DISTRICT_OFFICER, []),
        (Role.CHAIR, ["community", "district"]),
    ],
)
def test_membership_needs_exactly_the_level_of_its_role(world, role, levels):
    units = {
        "district": world.district,
        "street_office": world.street_a,
        "community": world.community_a,
    }
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            user=UserFactory(), role=role, **{level: units[level] for level in levels}
        )


def test_a_street_office_opens_to_who_sees_every_community_in_it(
    world, staff_a, official_a, official_b, district_officer
):
    """One rule for the street-office pages (dashboards, reports, funds comparison)."""
    assert list(StreetOffice.objects.visible_to(official_a)) == [world.street_a]
    assert list(StreetOffice.objects.visible_to(official_b)) == [world.street_b]
    assert set(StreetOffice.objects.visible_to(district_officer)) == {
        world.street_a,
        world.street_b,
    }
    # 甲社区's staff see 甲社区, not 甲二社区: 甲街道 stays closed to them.
    assert not StreetOffice.objects.visible_to(staff_a).exists()
    assert not StreetOffice.objects.visible_to(AnonymousUser()).exists()


def test_a_district_opens_only_to_who_sees_all_of_it(world, official_a, district_officer):
    assert list(District.objects.visible_to(district_officer)) == [world.district]
    assert not District.objects.visible_to(official_a).exists()


def test_departments_are_scoped_to_the_users_district(world, staff_a):
    other = DistrictFactory(name="外区")
    mine = Department.objects.create(district=world.district, name="民政局")
    Department.objects.create(district=other, name="外区民政局")
    assert list(Department.objects.visible_to(staff_a)) == [mine]
    communities = Community.objects.filter(pk=world.community_a.pk)
    assert list(Department.objects.serving(communities)) == [mine]
