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
    # Enter pay records and the monthly payroll grid (the chair and the district only).
    PAY = "pay", _("enter pay")
    # Bring back a deleted money, pay or task record (until its year is closed).
    RESTORE = "restore", _("restore deleted records")
    # Read the history of changes (修改记录) and the audit log.
    AUDIT = "audit", _("read the audit log")


# The one table of who may do what on the communities their membership covers.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.STAFF: frozenset({Action.VIEW, Action.CHANGE}),
    Role.CHAIR: frozenset(
        {
            Action.VIEW,
            Action.CHANGE,
            Action.MANAGE,
            Action.PERSONAL_DATA,
            Action.AUDIT,
            Action.PAY,
            Action.RESTORE,
        }
    ),
    Role.STREET_OFFICIAL: frozenset({Action.VIEW, Action.REVIEW, Action.AUDIT}),
    Role.DISTRICT_OFFICER: frozenset(
        {
            Action.VIEW,
            Action.PERSONAL_DATA,
            Action.ADMINISTER,
            Action.AUDIT,
            Action.PAY,
            Action.RESTORE,
        }
    ),
}
