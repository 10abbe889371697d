"""The one rule of who may see and change what.

A user's Memberships say where they stand in the hierarchy; committee/roles.py
says what each role may do there. Everything else asks this module:

- ``communities(user, action)``: the communities the user may act on;
- ``can(user, action, community)``: the same question for one community;
- ``districts(user, action)``: for district-level settings (catalogue, thresholds);
- ``street_offices(user, action)`` / ``whole_districts(user, action)``: the groups whose
  every community the user may act on (the street-office and district pages);
- ``users(user, action)``: the accounts a district officer looks after (login unlocks);
- ``ScopedQuerySet``: the base of every scoped model's manager, offering
  ``visible_to(user)``, ``changeable_by(user)`` and ``for_action(user, action)``.

The querysets add a subquery, never an extra round trip: memberships are read
once per user object and cached on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from committee.roles import ROLE_ACTIONS, Action, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from committee.models import Community, District, Membership, StreetOffice

    AnyUser = AbstractBaseUser | AnonymousUser

_CACHE_ATTR = "_juwei_memberships"
NOTHING = Q(pk__in=[])


def memberships(user: AnyUser) -> list[Membership]:
    """The user's memberships, read once and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        membership_model = apps.get_model("committee", "Membership")
        cached = list(
            membership_model.objects.filter(user=user).select_related(
                "community__street_office", "street_office"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: AnyUser) -> None:
    """Drop the cache after a user's memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def community_q(user: AnyUser, action: str = Action.VIEW) -> Q | None:
    """A filter on Community for what the user may do; None means no limit, ``NOTHING``
    (this very object) none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return None
    q = NOTHING
    for m in memberships(user):
        if action not in ROLE_ACTIONS[m.role]:
            continue
        if m.community_id:
            q |= Q(pk=m.community_id)
        elif m.street_office_id:
            q |= Q(street_office_id=m.street_office_id)
        elif m.district_id:
            q |= Q(street_office__district_id=m.district_id)
    return q


def communities(user: AnyUser, action: str = Action.VIEW) -> models.QuerySet[Community]:
    community_model = apps.get_model("committee", "Community")
    q = community_q(user, action)
    qs = community_model._default_manager.all()
    if q is NOTHING:  # no membership gives the right: no query to build or run
        return qs.none()
    return qs if q is None else qs.filter(q)


def can(user: AnyUser, action: str, community: Community) -> bool:
    """Whether the user may do `action` on this one community (no query when cached)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for m in memberships(user):
        if action not in ROLE_ACTIONS[m.role]:
            continue
        if m.community_id and m.community_id == community.pk:
            return True
        if m.street_office_id and m.street_office_id == community.street_office_id:
            return True
        if m.district_id and m.district_id == community.street_office.district_id:
            return True
    return False


def district_ids(user: AnyUser, action: str = Action.VIEW) -> set[int] | None:
    """Districts where the user may do `action`; None means every district.

    Anyone in a district may view its district-level records (the catalogue);
    only its district officers may administer them.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    found: set[int] = set()
    for m in memberships(user):
        if action == Action.VIEW or action in ROLE_ACTIONS[m.role]:
            if m.district_id:
                found.add(m.district_id)
            elif m.street_office_id:
                found.add(m.street_office.district_id)
            elif m.community_id:
                found.add(m.community.street_office.district_id)
    return found


def districts(user: AnyUser, action: str = Action.VIEW) -> models.QuerySet[District]:
    district_model = apps.get_model("committee", "District")
    ids = district_ids(user, action)
    qs = district_model._default_manager.all()
    return qs if ids is None else qs.filter(pk__in=ids)


def _whole_groups(user: AnyUser, action: str, model: str, path: str) -> models.QuerySet:
    """Groups (street offices, districts) that have communities, all of which the user may
    act on: seeing one community of a street office does not open the street office."""
    group_model = apps.get_model("committee", model)
    q = community_q(user, action)
    groups = group_model._default_manager.all()
    if q is None:
        return groups
    if q is NOTHING:
        return groups.none()
    community_model = apps.get_model("committee", "Community")
    members = community_model._default_manager.filter(**{path: OuterRef("pk")})
    return groups.filter(Exists(members), ~Exists(members.exclude(q)))


def street_offices(user: AnyUser, action: str = Action.VIEW) -> models.QuerySet[StreetOffice]:
    """The street offices whose every community the user may do `action` on."""
    return _whole_groups(user, action, "StreetOffice", "street_office")


def whole_districts(user: AnyUser, action: str = Action.VIEW) -> models.QuerySet[District]:
    """The districts whose every community the user may do `action` on."""
    return _whole_groups(user, action, "District", "street_office__district")


def users(user: AnyUser, action: str = Action.ADMINISTER) -> models.QuerySet:
    """The accounts `user` may look after (unlock a login): those with a membership in a
    district where `user` may do `action`, so a district officer's own district's people;
    superusers everyone."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    ids = district_ids(user, action)
    if ids is None:
        return user_model._default_manager.all()
    if not ids or action == Action.VIEW:
        # Anyone in a district may view its catalogue; its people are not that open.
        return user_model._default_manager.none()
    membership_model = apps.get_model("committee", "Membership")
    in_district = membership_model._default_manager.filter(
        Q(district_id__in=ids)
        | Q(street_office__district_id__in=ids)
        | Q(community__street_office__district_id__in=ids)
    )
    return user_model._default_manager.filter(pk__in=in_district.values("user_id"))


def has_role(user: AnyUser, *roles: Role) -> bool:
    return any(m.role in roles for m in memberships(user))


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every model that belongs to a community.

    ``scope_path`` is the lookup from the model to its Community
    ("community", "staff_member__community", or "" for Community itself).
    """

    scope_path = "community"

    def for_action(self, user: AnyUser, action: str) -> ScopedQuerySet:
        q = community_q(user, action)
        if q is None:
            return self.all()
        if q is NOTHING:  # no membership gives the right
            return self.none()
        if not self.scope_path:
            return self.filter(q)
        community_model = apps.get_model("committee", "Community")
        return self.filter(
            _within(self.model, self.scope_path, community_model._default_manager.filter(q))
        )

    def visible_to(self, user: AnyUser) -> ScopedQuerySet:
        return self.for_action(user, Action.VIEW)

    def changeable_by(self, user: AnyUser) -> ScopedQuerySet:
        return self.for_action(user, Action.CHANGE)


def _within(model, path: str, communities: models.QuerySet) -> Q:
    """``path__in=communities`` as nested id subqueries, one per hop, instead of joins.

    ``staff_member__community__in`` would join the staff table into every count and
    sort of a district's hour entries; ``staff_member_id IN (SELECT id … WHERE
    community_id IN (…))`` lets the database answer from the foreign key's index.
    """
    first, _, rest = path.partition("__")
    if not rest:
        return Q(**{f"{first}__in": communities.values("pk")})
    related = model._meta.get_field(first).related_model
    inner = related._default_manager.filter(_within(related, rest, communities))
    return Q(**{f"{first}__in": inner.values("pk")})


class DistrictScopedQuerySet(models.QuerySet):
    """Base queryset of district-level records (catalogue, thresholds, benchmarks)."""

    scope_path = "district"

    def for_action(self, user: AnyUser, action: str) -> DistrictScopedQuerySet:
        ids = district_ids(user, action)
        if ids is None:
            return self.all()
        return self.filter(**{f"{self.scope_path}__in": ids})

    def visible_to(self, user: AnyUser) -> DistrictScopedQuerySet:
        return self.for_action(user, Action.VIEW)

    def changeable_by(self, user: AnyUser) -> DistrictScopedQuerySet:
        return self.for_action(user, Action.ADMINISTER)
