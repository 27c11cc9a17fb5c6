"""Checks on values from outside (forms, JSON, Telegram) before they reach the database.

They turn what the database would fail on (a 65-bit integer on SQLite, NUL in PostgreSQL text,
a value longer than its column) into a ValidationError that names the field.
"""

from __future__ import annotations

import re
from typing import TypeVar

import peewee as pw

from helpdesk.core.errors import N_, ValidationError

DB_INT_MAX = 2**63 - 1  # SQLite's INTEGER; sqlite3 raises OverflowError past it instead of matching nothing
M = TypeVar("M", bound=pw.Model)
# Control characters other than tab and newline, and lone surrogates (no UTF-8 can hold them): PostgreSQL
# refuses NUL in text, and the rest are invisible junk from pasted text that nobody can see to remove.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def clean_text(value: str | None) -> str:
    """The one cleaning rule for text from outside: newlines as \\n, no other control characters.

    Every text the domain stores or searches for passes here (through `text` or directly).
    """
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED.sub("", value)


def text(value: str | None, field: str, limit: int, required: bool = False) -> str:
    """The cleaned, trimmed text, refused when empty (if required) or longer than `limit`."""
    value = clean_text(value).strip()
    if required and not value:
        raise ValidationError(N_("Fill this in."), field=field)
    if len(value) > limit:
        raise ValidationError(N_("Too long (%(max)s characters at most)."), field=field, max=limit)
    return value


def parse_int(text: object, signed: bool = False) -> int | None:
    """A whole number typed or posted as text, in the database's range; None for anything else.

    ASCII digits only: str.isdigit() also accepts '²' and other digits that int() refuses.
    """
    text = str(text if text is not None else "").strip()
    digits = text[1:] if signed and text.startswith(("+", "-")) else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        return None
    value = int(text)
    return value if -DB_INT_MAX - 1 <= value <= DB_INT_MAX else None


def db_id(value: int) -> int:
    """An id safe to put in a query: one no row can have (past 64 bits, say) becomes 0, which matches none."""
    return value if 0 < value <= DB_INT_MAX else 0


def by_id(model: type[M], value: int | None) -> M | None:
    """The row with this id, or None, also for ids no row can have."""
    if value is None or not db_id(value):
        return None
    return model.get_or_none(model._meta.primary_key == value)


def integer(value: int, field: str, low: int, high: int) -> int:
    """The number, when it lies from `low` to `high`."""
    if not low <= value <= high:
        raise ValidationError(N_("Enter a number from %(low)s to %(high)s."), field=field, low=low, high=high)
    return value
