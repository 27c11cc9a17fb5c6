"""Runs the aiogram poller as a task inside the one process (no signal handling of its own)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from helpdesk.bot import import_bot_module
from helpdesk.config import Settings

log = logging.getLogger(__name__)


class BotRunner:
    """Starts the long-polling loop when a token is set; reports its state for /healthz."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state = "off" if not settings.bot_token else "starting"
        self.error = ""
        self.username: str | None = None
        self._task: asyncio.Task[Any] | None = None
        self._dispatcher: Any = None
        self._bot: Any = None
        self._restarting = asyncio.Lock()

    async def start(self) -> None:
        async with self._restarting:
            await self._start()

    async def _start(self) -> None:
        if not self.settings.bot_token:
            return
        try:
            # aiogram is imported in a thread, after the web panel is up: it is slow to import.
            dispatcher = await asyncio.to_thread(import_bot_module, "helpdesk.bot.dispatcher")
            self._bot = dispatcher.build_bot(self.settings)
            me = await self._bot.get_me()
            self.username = me.username
            self._dispatcher = dispatcher.build_dispatcher(self.settings)
            await dispatcher.set_commands(self._bot)
            await dispatcher.set_menu_button(self._bot, self.settings)
        except Exception as exc:  # a bad token must not take the panel down
            self.state = "error"
            self.error = f"{type(exc).__name__}: {exc}".replace(self.settings.bot_token, "***")
            log.error("bot not started: %s", self.error)
            await self._close_session()
            return
        self.state = "running"
        self._task = asyncio.create_task(self._poll())
        log.info("bot @%s is polling %s", self.username, self.settings.telegram_api_url)

    async def _poll(self) -> None:
        try:
            # A getUpdates batch is confirmed to Telegram (the next call's offset) only after all of it was
            # handled, so a process killed mid-update leaves it to be fetched again (by itself after a
            # restart, or by the instance that takes over); OncePerUpdate drops what had been handled.
            # Chats are handled side by side, each in order (polling.py). aiogram's tasks would confirm
            # an update before handling it, and lose it.
            await self._dispatcher.start_polling(self._bot, handle_signals=False, close_bot_session=False,
                                                 handle_as_tasks=False,
                                                 allowed_updates=["message", "edited_message", "callback_query"])
        except Exception as exc:
            self.state = "error"
            self.error = type(exc).__name__
            log.exception("bot poller stopped")

    async def stop(self) -> None:
        if self._task is not None:
            with contextlib.suppress(RuntimeError):  # not polling (yet or any more)
                await self._dispatcher.stop_polling()
            try:
                await asyncio.wait_for(self._task, timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            self._task = None
        await self._close_session()
        if self.state != "error":
            self.state = "off" if not self.settings.bot_token else "stopped"

    async def restart(self, settings: Settings) -> None:
        """Stop polling and start again with new settings (a token changed in the panel)."""
        async with self._restarting:
            await self.stop()
            self.settings = settings
            self.state = "off" if not settings.bot_token else "starting"
            self.error = ""
            self.username = None
            await self._start()

    async def _close_session(self) -> None:
        if self._bot is not None:
            await self._bot.session.close()
            self._bot = None

    def health(self) -> dict[str, Any]:
        data: dict[str, Any] = {"state": self.state}
        if self.username:
            data["username"] = self.username
        if self.error:
            data["error"] = self.error
        return data
