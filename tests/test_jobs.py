"""The background jobs as huey runs them (immediate mode: same code path, no consumer threads)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpdesk.config import load_settings
from helpdesk.core import tickets
from helpdesk.db.database import db
from helpdesk.db.models import OutboxMessage, ProcessedUpdate, Ticket, utcnow
from helpdesk.tasks.jobs import register_jobs
from helpdesk.tasks.queue import create_huey
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator


def test_jobs_deliver_sweep_and_tidy(sqlite_org: Org, tmp_path: Path) -> None:
    with BotApiEmulator() as emu:
        settings = load_settings({"data_dir": str(tmp_path)}, environ={
            "HELPDESK_BOT_TOKEN": emu.token, "HELPDESK_TELEGRAM_API_URL": emu.base_url})
        huey = create_huey(settings, immediate=True)
        jobs = register_jobs(huey, settings)
        ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
        jobs.deliver_outbox()
        assert OutboxMessage.get().status == "sent"
        assert emu.texts_for(1002) and "Новая заявка" in emu.texts_for(1002)[0]

        Ticket.update(accept_due_at=utcnow() - dt.timedelta(minutes=1)).where(Ticket.id == ticket.id).execute()
        jobs.every_minute()
        assert any("слишком долго ждёт" in t for t in emu.texts_for(1002))

        ProcessedUpdate.insert(update_id=1, processed_at=utcnow() - dt.timedelta(days=8)).execute()
        ProcessedUpdate.insert(update_id=2).execute()
        Ticket.update(status="closed", closed_at=utcnow() - dt.timedelta(days=91)).execute()
        jobs.nightly()
        assert [u.update_id for u in ProcessedUpdate.select()] == [2]
        assert Ticket.get_by_id(ticket.id).archived


def test_every_minute_truncates_the_wal(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    wal = Path(sqlite_db[len("sqlite:///"):] + "-wal")
    assert db.execute_sql("PRAGMA journal_size_limit").fetchone()[0] == 16 * 1024 * 1024
    db.execute_sql("PRAGMA wal_autocheckpoint = 0")  # as when readers keep autocheckpoints from finishing
    try:
        for index in range(200):
            tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description=f"Broken {index}"))
        assert wal.stat().st_size > 500_000
        settings = load_settings({"data_dir": str(tmp_path)}, environ={})
        register_jobs(create_huey(settings, immediate=True), settings).every_minute()
        assert wal.stat().st_size == 0
        assert Ticket.select().count() == 200
    finally:
        db.execute_sql("PRAGMA wal_autocheckpoint = 1000")
