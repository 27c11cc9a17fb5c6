"""Values from outside are checked before the database sees them: a clear error, never a crash."""

from __future__ import annotations

import pytest

from helpdesk.core import fields
from helpdesk.core.errors import ValidationError
from helpdesk.db.models import CartridgeModel
from tests.conftest import Org


@pytest.mark.parametrize("text, signed, expected", [
    ("42", False, 42), (" 7 ", False, 7), ("0", False, 0), ("+5", True, 5), ("-5", True, -5), ("-5", False, None),
    ("²", False, None), ("٣", False, None), ("", False, None), (None, False, None), ("1e3", False, None),
    ("9" * 19, False, None), (str(fields.DB_INT_MAX), False, fields.DB_INT_MAX), ("1" * 5000, False, None),
])
def test_parse_int_takes_ascii_digits_in_the_databases_range(text: str | None, signed: bool,
                                                             expected: int | None) -> None:
    assert fields.parse_int(text, signed=signed) == expected


def test_impossible_ids_find_nothing(sqlite_org: Org) -> None:
    assert fields.by_id(CartridgeModel, sqlite_org.toner.id) == sqlite_org.toner
    for value in (None, 0, -1, 2**63, -(2**70)):
        assert fields.by_id(CartridgeModel, value) is None
    assert fields.db_id(2**64) == 0 and fields.db_id(5) == 5


def test_text_is_cleaned_trimmed_and_refused_when_too_long_or_empty() -> None:
    assert fields.text("  a  ", "name", 5) == "a" and fields.text(None, "name", 5) == ""
    assert fields.text("a\x00b\r\n", "name", 5) == "ab"
    for bad, required in (("", True), ("abcdef", False), ("\x00\x07", True)):
        with pytest.raises(ValidationError) as caught:
            fields.text(bad, "name", 5, required=required)
        assert caught.value.field == "name"
