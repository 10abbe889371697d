"""Checks for personal data: national ID numbers (GB 11643) and mobile phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE_SHAPE = re.compile(r"^1\d{10}$")


def national_id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number, from the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_national_id(value: str) -> None:
    value = value.upper()
    if not _ID_SHAPE.match(value):
        raise ValidationError(
            _("A national ID number has 18 characters: 17 digits and a digit or X."),
            code="id_shape",
        )
    if national_id_check_digit(value[:17]) != value[17]:
        raise ValidationError(
            _("This national ID number's check digit is wrong; please check it."),
            code="id_check_digit",
        )


def validate_phone(value: str) -> None:
    if not _PHONE_SHAPE.match(value):
        raise ValidationError(
            _("A mobile phone number has 11 digits, starting with 1."), code="phone"
        )


def mask_national_id(value: str) -> str:
    """110105********1234: the region and the last four, nothing of the birth date."""
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    """138****5678"""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) > 7 else "*" * len(value)
