"""Accounts without the Django admin: who may manage whom, and the writes that do it.

- A community's chair (the ``manage`` right) looks after its staff accounts: community
  staff and chairs of that community.
- A district officer (``administer``) looks after the district's street-office officials
  and community chairs.

An account is managed by someone only when every one of its memberships is a place and
role that person manages: a chair cannot deactivate a worker who is also an official of
the street office. A new password is random, shown once to the manager, never stored in
clear and never e-mailed; the person changes it after logging in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from committee import scoping
from committee.models import Community, Membership, StreetOffice
from committee.roles import Action, Role
from committee.services import service

logger = logging.getLogger("juwei.accounts")

# Readable one-time passwords: no 0/O, 1/l/I.
PASSWORD_CHARS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Reach:
    """What one manager may hand out: roles at communities, and officials' street offices."""

    communities: models.QuerySet  # where the manager may make staff (and chairs)
    community_roles: tuple[str, ...]
    street_offices: models.QuerySet  # where the manager may make street-office officials

    @property
    def roles(self) -> list[str]:
        found = list(self.community_roles)
        if self.street_offices.exists():
            found.append(Role.STREET_OFFICIAL)
        return found

    def membership_q(self) -> Q:
        """The memberships within this reach (a Q over Membership)."""
        return Q(role__in=self.community_roles, community__in=self.communities) | Q(
            role=Role.STREET_OFFICIAL, street_office__in=self.street_offices
        )


def reach(user) -> Reach:
    """The accounts a user may look after (chairs: their community; district: theirs)."""
    if user.is_superuser:
        return Reach(
            Community.objects.all(),
            (Role.STAFF, Role.CHAIR),
            StreetOffice.objects.all(),
        )
    district_ids = scoping.district_ids(user, Action.ADMINISTER) or set()
    chaired = [
        m.community_id for m in scoping.memberships(user) if m.community_id and m.role == Role.CHAIR
    ]
    if district_ids:
        # A district officer makes chairs anywhere in the district, and the chairs their staff.
        return Reach(
            Community.objects.filter(
                Q(street_office__district__in=district_ids) | Q(pk__in=chaired)
            ),
            (Role.STAFF, Role.CHAIR) if chaired else (Role.CHAIR,),
            StreetOffice.objects.filter(district__in=district_ids),
        )
    return Reach(
        Community.objects.filter(pk__in=chaired),
        (Role.STAFF, Role.CHAIR),
        StreetOffice.objects.none(),
    )


def may_manage_accounts(user) -> bool:
    return user.is_superuser or bool(
        scoping.district_ids(user, Action.ADMINISTER)
        or any(m.role == Role.CHAIR for m in scoping.memberships(user))
    )


def managed_users(user) -> models.QuerySet:
    """Accounts with a membership in the user's reach and none outside it (never oneself)."""
    q = reach(user).membership_q()
    inside = Membership.objects.filter(q, user=OuterRef("pk"))
    outside = Membership.objects.filter(user=OuterRef("pk")).exclude(q)
    return (
        get_user_model()
        .objects.filter(Exists(inside), ~Exists(outside), is_superuser=False)
        .exclude(pk=user.pk)
        .order_by("username")
    )


def _check(by, target=None) -> Reach:
    if not may_manage_accounts(by):
        raise PermissionDenied(_("Only a chair or a district officer manages accounts."))
    if target is not None and not managed_users(by).filter(pk=target.pk).exists():
        raise PermissionDenied(_("This account is not one you look after."))
    return reach(by)


def _membership(found: Reach, role: str, unit) -> Membership:
    """The membership for (role, unit), if the manager may hand it out; else a refusal."""
    if role == Role.STREET_OFFICIAL:
        if (
            not isinstance(unit, StreetOffice)
            or not found.street_offices.filter(pk=unit.pk).exists()
        ):
            raise ValidationError({"unit": _("Choose a street office you look after.")})
        return Membership(role=role, street_office=unit)
    if role not in found.community_roles:
        raise ValidationError({"role": _("You may not give this role.")})
    if not isinstance(unit, Community) or not found.communities.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("Choose a community you look after.")})
    return Membership(role=role, community=unit)


def new_password() -> str:
    return get_random_string(PASSWORD_LENGTH, PASSWORD_CHARS)


@service
def create_account(
    *, by, username: str, full_name: str = "", email: str = "", role: str, unit
) -> tuple[object, str]:
    """Open an account with one role at one place; return it and its one-time password."""
    found = _check(by)
    membership = _membership(found, role, unit)
    user_model = get_user_model()
    username = username.strip()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    password = new_password()
    user = user_model(username=username, first_name=full_name.strip()[:150], email=email.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    membership.user = user
    membership.full_clean()
    membership.save()
    logger.info("account %s opened by %s as %s", user.username, by.username, role)
    return user, password


@service
def change_role(*, by, user, role: str, unit) -> Membership:
    """Give the account this role at this place, instead of the one it held in the reach."""
    found = _check(by, user)
    membership = _membership(found, role, unit)
    Membership.objects.filter(found.membership_q(), user=user).delete()
    membership.user = user
    membership.full_clean()
    membership.save()
    logger.info("account %s now %s, by %s", user.username, role, by.username)
    return membership


@service
def set_active(*, by, user, active: bool) -> None:
    """Deactivate an account (it can no longer log in; its records keep its name) or undo it."""
    _check(by, user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    logger.info("account %s active=%s, by %s", user.username, active, by.username)


@service
def reset_password(*, by, user) -> str:
    """Give the account a new random password, to be shown once to the manager."""
    _check(by, user)
    password = new_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    logger.info("password of %s reset by %s", user.username, by.username)
    return password
