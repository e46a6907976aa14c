"""Validators of Russian identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Weights of the organisation INN check digit (Federal Tax Service order, 10-digit INN).
_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn10_with_check_digit(first_nine: str) -> str:
    """The 10-digit organisation INN of its first nine digits: they and the official check
    digit, ``sum(weight × digit over the first nine) mod 11 mod 10``."""
    check = sum(w * int(d) for w, d in zip(_INN10_WEIGHTS, first_nine, strict=True)) % 11 % 10
    return first_nine + str(check)


def inn10_is_valid(value: str) -> bool:
    """True for a 10-digit organisation INN whose last digit matches the official checksum
    (``inn10_with_check_digit``)."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    return value == inn10_with_check_digit(value[:9])


def validate_inn(value: str) -> None:
    """Django validator: an organisation's INN (10 digits, valid check digit)."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("An organisation's INN has exactly 10 digits."), code="inn_format")
    if not inn10_is_valid(value):
        raise ValidationError(
            _("This INN is not valid: its check digit does not match."), code="inn_checksum"
        )
