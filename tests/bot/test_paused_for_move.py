"""While the database moves: an update that reaches the bot gets the maintenance answer; with the poller
stopped, updates wait in Telegram and are handled after it starts again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpdesk.bot.runner import BotRunner
from helpdesk.config import load_settings
from helpdesk.core import maintenance
from tests.conftest import Org
from tests.support.botapi import BotApiEmulator


def test_updates_wait_while_paused_and_are_answered_after(sqlite_org: Org, emulator: BotApiEmulator,
                                                         tmp_path: Path) -> None:
    settings = load_settings({"data_dir": str(tmp_path)}, environ={
        "HELPDESK_BOT_TOKEN": emulator.token, "HELPDESK_TELEGRAM_API_URL": emulator.base_url})

    async def main() -> None:
        runner = BotRunner(settings)
        await runner.start()
        try:
            maintenance.begin()
            try:
                await asyncio.to_thread(emulator.user_sends, 7001, "/help", language_code="en")
                await asyncio.to_thread(emulator.wait_for_message, 7001, contains="Back in a minute")
                await runner.stop()  # the move pauses the poller
                update = await asyncio.to_thread(emulator.user_sends, 7001, "/help", language_code="en")
                await asyncio.sleep(0.5)
                assert update["update_id"] in emulator.pending_updates()  # waiting in Telegram
            finally:
                maintenance.end()
            await runner.restart(settings)  # after the switch
            await asyncio.to_thread(emulator.wait_for_message, 7001, contains="This bot accepts requests")
        finally:
            await runner.stop()

    asyncio.run(main())
