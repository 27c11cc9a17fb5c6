"""Runs the real bot (aiogram poller) in a background thread against the emulator, for sync tests."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from helpdesk.bot.limits import TelegramLimits
from helpdesk.bot.runner import BotRunner
from helpdesk.bot.transport import TelegramTransport
from helpdesk.config import Settings, load_settings
from helpdesk.core import outbox
from helpdesk.db.database import db
from tests.support.botapi import BotApiEmulator


class BotHarness:
    def __init__(self, emulator: BotApiEmulator, data_dir: Path) -> None:
        self.emulator = emulator
        self.settings: Settings = load_settings({"data_dir": str(data_dir)}, environ={
            "HELPDESK_BOT_TOKEN": emulator.token, "HELPDESK_TELEGRAM_API_URL": emulator.base_url})
        self.settings.uploads_dir.mkdir(parents=True, exist_ok=True)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None
        self.runner: BotRunner | None = None

    def start(self) -> BotHarness:
        started = threading.Event()

        async def main() -> None:
            self._stopped = asyncio.Event()
            self.runner = BotRunner(self.settings)
            await self.runner.start()
            started.set()
            await self._stopped.wait()
            await self.runner.stop()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(main())
            self._loop.close()
            db.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        assert started.wait(60), "the bot did not start"
        assert self.runner is not None and self.runner.state == "running", self.runner and self.runner.error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        if self._thread is not None:
            self._thread.join(30)

    def deliver(self) -> outbox.DeliveryReport:
        """What the queue would do: send pending notifications through the Bot API."""
        transport = TelegramTransport(self.emulator.token, self.emulator.base_url,
                                      limits=TelegramLimits(per_second=1000, per_chat=0))
        try:
            return outbox.deliver_due({"telegram": transport})
        finally:
            transport.close()
            transport.wait_closed()

    def __enter__(self) -> BotHarness:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
