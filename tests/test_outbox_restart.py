"""After a crash, notices left 'sending' go out at the next start, not five minutes later."""

from __future__ import annotations

import time
from pathlib import Path

from litestar.testing import TestClient

from helpdesk import runtime
from helpdesk.config import load_settings
from helpdesk.core import outbox, tickets
from helpdesk.db.models import OutboxMessage, utcnow
from tests.conftest import Org


def _stuck_notice(org: Org) -> OutboxMessage:
    tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer is dead"))
    # Claimed a moment ago by a process that was then killed.
    OutboxMessage.update(status="sending", due_at=utcnow()).execute()
    return OutboxMessage.get()


def test_reclaim_at_start_takes_back_fresh_claims(org: Org) -> None:
    message = _stuck_notice(org)
    assert outbox.release_stuck() == 0, "the periodic sweep waits five minutes"
    assert outbox.reclaim_at_start() == 1
    assert OutboxMessage.get_by_id(message.id).status == "pending"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[int] = []

    def send(self, message: OutboxMessage) -> None:
        self.sent.append(message.id)


def test_start_delivers_what_a_crash_left_sending(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    message = _stuck_notice(sqlite_org)
    settings = load_settings({"data_dir": str(tmp_path / "data"), "database_url": sqlite_db}, environ={})
    services = runtime.build_services(settings)
    assert services.jobs is not None
    recorder = services.jobs.transports["telegram"] = Recorder()
    with TestClient(app=runtime.build_app(services)):
        deadline = time.monotonic() + 10
        while OutboxMessage.get_by_id(message.id).status != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
    assert OutboxMessage.get_by_id(message.id).status == "sent"
    # Sent once. Other notices may go out beside it: from 09:00 on a working day the start's first pass
    # also queues the storekeepers' daily digest (this failed in a run at 06:16 UTC).
    assert recorder.sent.count(message.id) == 1
