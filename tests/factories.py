"""factory_boy factories for the hierarchy; each app's tests add their own beside them."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from committee.models import Community, Department, District, Membership, StreetOffice
from committee.roles import Role

PASSWORD = "test-pass-123"  # noqa: S105 -- test personas only


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"第{n}区")
    code = factory.Sequence(lambda n: f"D{n:03d}")


class StreetOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreetOffice

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n}街道")
    code = factory.Sequence(lambda n: f"S{n:04d}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street_office = factory.SubFactory(StreetOfficeFactory)
    name = factory.Sequence(lambda n: f"第{n}社区")
    code = factory.Sequence(lambda n: f"C{n:05d}")
    area_km2 = Decimal("1.00")
    residents = 5000
    households = 1800


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"区第{n}局")
    short_name = factory.Sequence(lambda n: f"局{n}")
    level = Department.Level.DISTRICT_BUREAU


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 -- factory_boy hook
        if create:
            obj.save()


def member(role: Role, unit, **user_kwargs):
    """A user holding `role` at `unit` (a District, StreetOffice or Community)."""
    user = UserFactory(**user_kwargs)
    level = {District: "district", StreetOffice: "street_office", Community: "community"}[
        type(unit)
    ]
    Membership.objects.create(user=user, role=role, **{level: unit})
    return user


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "staff.StaffMember"

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"职工{n}")
    kind = "fulltime"
    post = "member"
    grade = 3
    entry = "examination"
    start_date = factory.Faker("date_between", start_date="-8y", end_date="-1y")
