"""Every notice goes out within about a second of its commit, through the running queue, whoever wrote it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from helpdesk.config import load_settings
from helpdesk.core import outbox, telegram_login, tickets
from helpdesk.db.models import User
from helpdesk.tasks.jobs import close_transports, register_jobs
from helpdesk.tasks.queue import QueueRunner, create_huey
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator


def test_a_login_code_reaches_telegram_within_a_second(sqlite_org: Org, tmp_path: Path) -> None:
    with BotApiEmulator() as emulator:
        settings = load_settings({"data_dir": str(tmp_path / "data")}, environ={
            "HELPDESK_BOT_TOKEN": emulator.token, "HELPDESK_TELEGRAM_API_URL": emulator.base_url})
        settings.data_dir.mkdir(parents=True)
        huey = create_huey(settings)
        jobs = register_jobs(huey, settings)
        queue = QueueRunner(huey)
        queue.start()
        outbox.add_listener(jobs.deliver_outbox)
        try:
            # Warm up: the first notice imports aiogram and opens the session.
            tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
            emulator.wait_for_message(sqlite_org.sam.telegram_id, timeout=60)

            User.update(telegram_username="bob_b1").where(User.id == sqlite_org.bob.id).execute()
            asked = time.monotonic()
            assert telegram_login.send_code("@bob_b1", "http://panel.lan", telegram_login.new_browser_key()) is not None
            call = emulator.wait_for_message(sqlite_org.bob.telegram_id, contains="http://panel.lan", timeout=10)[-1]
            assert call["at"] - asked < 1.5, f"the code took {call['at'] - asked:.2f}s"
        finally:
            queue.stop()
            close_transports(jobs.transports)


def test_a_notice_written_outside_a_change_is_refused(sqlite_org: Org) -> None:
    with pytest.raises(RuntimeError, match="outside outbox.changes"):
        outbox.notify([sqlite_org.bob], "access_approved", {})
