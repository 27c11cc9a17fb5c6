"""Creating a request holds the lock that serialises creators only for its writes.

SQLite's writer lock and PostgreSQL's lock on the year's counter row are held from the number's
update to the commit: every other create waits that long. What the create reads (who is told, on
which channel) is read before.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpdesk.core import tickets
from helpdesk.db.database import db
from tests.conftest import Org


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(SQL verb, inside a transaction) of every statement run through the database."""
    seen: list[tuple[str, bool]] = []
    real = db.obj.execute_sql

    def execute_sql(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        seen.append((sql.split(None, 1)[0].upper(), db.in_transaction()))
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", execute_sql)
    return seen


def test_create_reads_nothing_inside_its_transaction(org: Org, statements: list[tuple[str, bool]]) -> None:
    tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="The year's first: its counter row"))
    statements.clear()
    tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer jams"))
    inside = [verb for verb, in_transaction in statements if in_transaction]
    assert inside == ["UPDATE", "INSERT", "INSERT", "INSERT"]  # number, request, audit event, the keeper's notice
    assert "SELECT" in [verb for verb, in_transaction in statements if not in_transaction]
