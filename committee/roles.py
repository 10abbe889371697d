"""Roles a user can hold and what each may do. Read only by committee/scoping.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("community staff")
    CHAIR = "chair", _("community chair")
    STREET_OFFICIAL = "street_official", _("street-office official")
    DISTRICT_OFFICER = "district_officer", _("district officer")


COMMUNITY_ROLES = (Role.STAFF, Role.CHAIR)


class Action(models.TextChoices):
    """What a user may do with a community's records."""

    VIEW = "view", _("view")
    CHANGE = "change", _("change")
    # Chair-level acts on the community's own books: close a year, publish a notice.
    MANAGE = "manage", _("manage")
    # Street-office review: approve or refuse tasks outside the catalogue.
    REVIEW = "review", _("review")
    # See national ID numbers and phone numbers unmasked.
    PERSONAL_DATA = "personal_data", _("see personal data")
    # District-level settings: catalogue, thresholds, pay scales, benchmarks; reopen a year.
    ADMINISTER = "administer", _("administer")


# The one table of who may do what on the communities their membership covers.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.STAFF: frozenset({Action.VIEW, Action.CHANGE}),
    Role.CHAIR: frozenset({Action.VIEW, Action.CHANGE, Action.MANAGE, Action.PERSONAL_DATA}),
    Role.STREET_OFFICIAL: frozenset({Action.VIEW, Action.REVIEW}),
    Role.DISTRICT_OFFICER: frozenset({Action.VIEW, Action.PERSONAL_DATA, Action.ADMINISTER}),
}
