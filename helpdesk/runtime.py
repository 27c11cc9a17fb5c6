"""The one process: web panel + API under uvicorn, the huey consumer, the bot poller, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from litestar import Litestar

from helpdesk.bot.runner import BotRunner
from helpdesk.checks import get_me
from helpdesk.config import Settings, prepare_data_dir
from helpdesk.core import outbox, people
from helpdesk.db.database import close_database, init_database
from helpdesk.logs import protect
from helpdesk.saved_settings import with_panel_settings
from helpdesk.tasks.jobs import Jobs, close_transports, register_jobs, use_bot_token
from helpdesk.tasks.queue import QueueRunner, create_huey
from helpdesk.web.services import PanelServices, TokenCheck

log = logging.getLogger("helpdesk")


@dataclass
class Services:
    settings: Settings  # what is in effect: flags and environment, then what admins saved in the panel
    bot: BotRunner
    base_settings: Settings | None = None  # flags and environment only
    queue: QueueRunner | None = None
    jobs: Jobs | None = None
    started_at: float = field(default_factory=time.monotonic)
    ready_at: float | None = None
    bot_task: asyncio.Task[None] | None = None

    # What the web app may ask of the process (helpdesk.web.services.PanelServices).

    async def reload_settings(self) -> None:
        await reload_panel_settings(self)

    async def check_bot_token(self, token: str) -> TokenCheck:
        try:
            username = await asyncio.to_thread(get_me, self.settings.telegram_api_url, token, 10)
        except (httpx.HTTPError, ValueError):
            return TokenCheck(reachable=False)
        return TokenCheck(reachable=True, username=username)

    def bot_state(self) -> dict[str, Any]:
        return self.bot.health()

    def queue_health(self) -> dict[str, Any]:
        return self.queue.health() if self.queue is not None else {"state": "off"}


def prepare(settings: Settings) -> str | None:
    """Data dir, database and schema; on first run returns the new admin's password (print it once)."""
    prepare_data_dir(settings)
    init_database(settings.database_url, owner_url=settings.database_owner_url)
    password = people.ensure_first_admin()
    if settings.demo:
        from helpdesk.core.demo import load_demo

        load_demo()
    return password


def build_services(settings: Settings, with_queue: bool = True) -> Services:
    """Call with the database open: the panel's settings are read from it."""
    base = settings
    settings = with_panel_settings(base)
    protect(settings.bot_token)
    services = Services(settings=settings, bot=BotRunner(settings), base_settings=base)
    if with_queue:
        huey = create_huey(settings)
        services.jobs = register_jobs(huey, settings)
        services.queue = QueueRunner(huey)
    return services


def build_app(services: Services) -> Litestar:
    from helpdesk.web.app import create_app

    panel: PanelServices = services  # the web app sees the process through this protocol only

    @contextlib.asynccontextmanager
    async def background(app: Litestar) -> AsyncIterator[None]:
        await _start(services)
        try:
            yield
        finally:
            await _stop(services)

    return create_app(panel, lifespan=[background])


async def reload_panel_settings(services: Services) -> None:
    """Apply settings saved in the panel without a restart; a new bot token restarts the poller."""
    settings = with_panel_settings(services.base_settings or services.settings)
    token_changed = settings.bot_token != services.settings.bot_token
    services.settings = settings
    if not token_changed:
        return
    protect(settings.bot_token)
    if services.jobs is not None:
        use_bot_token(services.jobs.transports, settings)
    # In the background: the page answers at once and shows "starting" until getMe has answered.
    services.bot_task = asyncio.create_task(services.bot.restart(settings))


async def _start(services: Services) -> None:
    if services.queue is not None and services.jobs is not None:
        reclaimed = await asyncio.to_thread(outbox.reclaim_at_start)
        if reclaimed:
            log.info("%s notices left 'sending' by the last run are pending again", reclaimed)
        services.queue.start()
        deliver = services.jobs.wake_delivery
        outbox.add_listener(deliver)
        deliver()  # whatever a previous run left pending goes out now
    # The bot starts in the background so the panel answers before aiogram is even imported.
    services.bot_task = asyncio.create_task(_start_bot(services))


async def _start_bot(services: Services) -> None:
    await services.bot.start()
    services.ready_at = time.monotonic()
    log.info("ready in %.2fs (bot: %s)", services.ready_at - services.started_at, services.bot.state)


async def _stop(services: Services) -> None:
    if services.bot_task is not None and not services.bot_task.done():
        services.bot_task.cancel()
    await services.bot.stop()
    if services.queue is not None:
        outbox.clear_listeners()
        await asyncio.to_thread(services.queue.stop)
    if services.jobs is not None:
        close_transports(services.jobs.transports)
    close_database()
    log.info("stopped cleanly")


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            super().handle_exit(sig, frame)  # type: ignore[arg-type]
            # uvicorn re-raises the signal after shutting down; a clean stop must exit 0 instead.
            self._captured_signals.clear()

    return Server


def serve(settings: Settings, app: Litestar) -> None:
    """Run until SIGINT/SIGTERM; uvicorn owns the signals and runs the lifespan shutdown."""
    import uvicorn

    _Server = _server_class()
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info", lifespan="on",
                            timeout_graceful_shutdown=3, server_header=False, access_log=False,
                            log_config=None,
                            # The request's scheme (hence the cookies' Secure flag) and client address
                            # come from X-Forwarded-* only when a trusted proxy sent them.
                            proxy_headers=bool(settings.trusted_proxies),
                            forwarded_allow_ips=settings.trusted_proxies or None)
    server = _Server(config)
    server.run()
    if not server.started:
        raise SystemExit(1)
