"""The outbox's Telegram channel: aiogram's Bot, driven from huey's synchronous worker threads.

The transport owns one event loop in its own thread and one Bot (one aiohttp session, kept alive)
on it; a worker renders the notice (database reads stay in the worker's thread) and waits for the
loop to send it. aiogram is imported on the first notice, not when the queue is assembled: the
import takes seconds and the panel must answer first.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Sequence
from typing import Any

from helpdesk.bot import import_bot_module
from helpdesk.core.outbox import DeliveryError
from helpdesk.db.models import OutboxMessage

SEND_DEADLINE = 300.0  # a worker never waits longer than this, whatever the limits queue up
MAX_WAIT = 5.0  # a longer 429 pause reschedules the notice instead of holding the worker


class TelegramTransport:
    def __init__(self, token: str, api_url: str, *, limits: Any = None, timeout: float = 15.0) -> None:
        self._token = token
        self._api_url = api_url
        self._limits = limits  # None: the process's shared TelegramLimits
        self._timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._notices: Any = None
        self.bot: Any = None
        self._closing = False
        self._stopped = threading.Event()

    def _started(self) -> tuple[Any, asyncio.AbstractEventLoop]:
        with self._lock:
            if self._closing:  # replaced by a new token meanwhile: the outbox retries with that one
                raise DeliveryError("the Telegram transport was closed")
            if self._loop is None:
                self._notices = import_bot_module("helpdesk.bot.notices")
                client = import_bot_module("helpdesk.bot.client")
                limits = self._limits or import_bot_module("helpdesk.bot.limits").LIMITS
                self.bot = client.build_bot(self._token, self._api_url, pace_chats=True, max_wait=MAX_WAIT,
                                            limits=limits, timeout=self._timeout)
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._run, args=(loop,), name="telegram-transport",
                                                daemon=True)
                self._thread.start()
                self._loop = loop
            return self._notices, self._loop

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()
            self._stopped.set()

    def send(self, message: OutboxMessage) -> str | None:
        """Send the notice (in parts if long; the buttons go with the last). Returns its message id."""
        notices, loop = self._started()
        parts, buttons = notices.compose(message)
        future = asyncio.run_coroutine_threadsafe(notices.send(self.bot, message.address, parts, buttons), loop)
        try:
            return future.result(SEND_DEADLINE)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise DeliveryError("the Bot API did not answer in time") from None
        except concurrent.futures.CancelledError:  # closed while sending
            raise DeliveryError("the Telegram transport was closed") from None

    def prepare(self, messages: Sequence[OutboxMessage]) -> tuple[int, Any]:
        """One message from the first of one chat's notices, as many as fit (notices.compose_many); call
        in the worker's thread (database reads). Returns how many it holds and what `submit` sends."""
        notices, _ = self._started()
        return notices.compose_many(list(messages))

    def submit(self, address: str, prepared: Any) -> concurrent.futures.Future[str | None]:
        """Start sending on the loop; chats go side by side there, paced by the limits (30 a second overall,
        one a second per chat). The future gives the message id or raises DeliveryError."""
        notices, loop = self._started()
        parts, buttons = prepared
        return asyncio.run_coroutine_threadsafe(notices.send(self.bot, address, parts, buttons), loop)

    def close(self) -> None:
        """Let the sends in flight finish, then close the session and stop the loop (in the background)."""
        with self._lock:
            self._closing = True
            loop = self._loop
        if loop is None:
            self._stopped.set()
            return

        async def shutdown() -> None:
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if others:
                await asyncio.wait(others, timeout=self._timeout * 2)
            await self.bot.session.close()
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)

    def wait_closed(self, timeout: float = 10.0) -> bool:
        """True once the session is closed and the loop has stopped."""
        return self._stopped.wait(timeout)
