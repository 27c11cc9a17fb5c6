"""Creates that arrive together share one transaction and one commit; a failing one undoes only itself.

The first create leads and, while it writes, four more queue behind it: the next of them leads those
four in one transaction, where the one that fails is rolled back to its savepoint, number included.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from helpdesk.core import outbox, tickets
from helpdesk.db import group_commit
from helpdesk.db.database import db
from helpdesk.db.models import AuditEvent, OutboxMessage, Ticket
from tests.conftest import Org


def test_queued_creates_commit_together_and_a_failure_undoes_only_its_own(
        org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = group_commit.GroupCommit()
    monkeypatch.setattr(group_commit, "tickets", batches)
    commits: list[int] = []
    real_changes, real_send = outbox.changes, outbox.send

    @contextlib.contextmanager
    def counted_changes() -> Iterator[None]:
        with real_changes():
            yield
        commits.append(1)

    leading = threading.Event()

    def send(planned: Any, kind: str, payload: dict[str, Any], ticket: Ticket | None = None) -> int:
        if ticket is not None and ticket.description == "first":
            leading.set()
            deadline = time.monotonic() + 10
            while len(batches._queue) < 4 and time.monotonic() < deadline:
                time.sleep(0.01)
        if ticket is not None and ticket.description == "broken":
            raise RuntimeError("this create fails after its number and rows were written")
        return real_send(planned, kind, payload, ticket)

    monkeypatch.setattr(outbox, "changes", counted_changes)
    monkeypatch.setattr(outbox, "send", send)
    actor = org.actor("bob", "api")
    outcome: dict[str, str] = {}
    db.close()  # PostgreSQL: every writer takes its own pooled connection

    def create(description: str) -> None:
        try:
            outcome[description] = tickets.create(actor, tickets.TicketDraft("it_help", description=description)).number
        except RuntimeError as exc:
            outcome[description] = f"error: {exc}"
        finally:
            db.close()

    first = threading.Thread(target=create, args=("first",))
    first.start()
    assert leading.wait(10)
    others = [threading.Thread(target=create, args=(d,)) for d in ("second", "broken", "third", "fourth")]
    for thread in others:
        thread.start()
    for thread in (first, *others):
        thread.join(30)

    assert commits == [1, 1], "one commit for the first, one for the four queued behind it"
    assert outcome["broken"].startswith("error:")
    numbers = sorted(number for d, number in outcome.items() if d != "broken")
    year = numbers[0].split("-")[0]
    assert numbers == [f"{year}-{n:06d}" for n in range(1, 5)], "gapless: the failed create's number was reused"
    assert sorted(t.description for t in Ticket.select()) == ["first", "fourth", "second", "third"]
    assert AuditEvent.select().where(AuditEvent.action == "create").count() == 4
    assert OutboxMessage.select().count() == 4
