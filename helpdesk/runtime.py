"""The one process: web panel + API under uvicorn, the huey consumer, the bot poller, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from litestar import Litestar

from helpdesk.bot import import_bot_module
from helpdesk.bot.runner import BotRunner
from helpdesk.checks import get_me
from helpdesk.config import Settings, prepare_data_dir, save_database_url
from helpdesk.core import db_move, outbox, people
from helpdesk.core.actors import Actor
from helpdesk.core.backups import runs as backup_runs
from helpdesk.db.database import (
    close_database,
    db,
    init_database,
    refresh_statistics,
    tables_without_statistics,
)
from helpdesk.db.reference_events import ReferenceListener
from helpdesk.db.scope import scoped
from helpdesk.leadership import Leadership, one_at_a_time
from helpdesk.logs import protect
from helpdesk.saved_settings import with_panel_settings
from helpdesk.tasks.jobs import Jobs, close_transports, register_jobs, use_bot_token, use_smtp
from helpdesk.tasks.queue import QueueRunner, create_huey, prepare_queue
from helpdesk.web.services import PanelServices, TokenCheck

log = logging.getLogger("helpdesk")
MOVE_JOB_WAIT = 120.0  # seconds the move's pause waits for a running job (a backup of a big database)


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
    leadership: Leadership | None = None
    # Set once the server listens (serve() below); None where no server runs (tests' in-process clients).
    listening: asyncio.Event | None = None
    reference_events: ReferenceListener | None = None  # instances sharing PostgreSQL: caches forget at once

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

    def leader_state(self) -> dict[str, Any]:
        return self.leadership.health() if self.leadership is not None else {"leader": False, "shared": False}

    @property
    def leads(self) -> bool:
        return self.leadership is not None and self.leadership.is_leader

    def start_backup(self, run_id: int) -> None:
        if self.jobs is not None:
            self.jobs.backup_now(run_id)
            return
        # No queue (tests, one-off tools): a thread of its own, so the page still answers at once.
        threading.Thread(target=_backup_in_thread, args=(self.settings, run_id), daemon=True).start()

    async def move_database(self, actor: Actor, url: str, overwrite: bool) -> None:
        """Start the move to PostgreSQL in the background (see core/db_move.py); the page polls its state."""
        sqlite_path = self.settings.sqlite_path
        if sqlite_path is None:
            raise db_move.already_moved()
        loop = asyncio.get_running_loop()

        def on_loop(coroutine: Any) -> None:  # from the move's thread: run it on the server's loop and wait
            asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=60)

        db_move.start(actor, sqlite_path, url, overwrite, self.settings.uploads_dir,
                      pause=lambda: on_loop(self._pause()), switch=self._switch_database,
                      resume=lambda switched: on_loop(self._resume(switched)))

    async def _pause(self) -> None:
        """The poller stops taking updates (they wait in Telegram) and the queue stops, for the copy."""
        await self.bot.stop()
        if self.queue is not None:
            # A job running now (the minute's sweep, a backup) must end before the copy's snapshot, or its
            # writes would fail on the held database or be left behind in the SQLite file.
            running = await asyncio.to_thread(self.queue.stop, MOVE_JOB_WAIT)
            if running:
                raise db_move.job_still_running(", ".join(running), MOVE_JOB_WAIT)

    def _switch_database(self, url: str) -> None:
        """Re-point the running process at PostgreSQL and record the URL for the next start."""
        old = db.obj
        path = save_database_url(self.settings.data_dir, url)
        init_database(url, migrate=False)
        old.close()
        sqlite_path = self.settings.sqlite_path
        sources = {**self.settings.sources, "database_url": "file"}
        self.settings = replace(self.settings, database_url=url, sources=sources)
        if self.base_settings is not None:
            self.base_settings = replace(self.base_settings, database_url=url, sources=sources)
        if sqlite_path is not None:
            db_move.make_read_only(sqlite_path)
        log.info("switched to PostgreSQL; the URL is recorded in %s, the SQLite file is kept read-only", path)

    async def _resume(self, switched: bool) -> None:
        if switched:
            # Now on PostgreSQL other instances may join: lead by the advisory lock as they do, or a second
            # instance started on this database would lead too (two pollers, every job twice). Nobody else
            # can hold the lock yet (the target was empty), so this instance takes it at once and `_lead`
            # starts the queue and the poller.
            if self.leadership is not None:
                self.leadership.is_leader = False  # the SQLite one: nothing to free, its work is paused already
            _listen_to_reference_changes(self)
            await _elect(self)
            return
        if self.queue is not None:
            await asyncio.to_thread(self.queue.start)
        self.bot_task = asyncio.create_task(self.bot.restart(self.settings))


def _backup_in_thread(settings: Settings, run_id: int) -> None:
    from helpdesk.db.models import BackupRun
    from helpdesk.db.scope import release_connection

    try:
        backup_runs.run(settings, BackupRun.get_by_id(run_id))
    finally:
        release_connection()


def prepare(settings: Settings) -> str | None:
    """Data dir, database and schema; on first run returns the new admin's password (print it once)."""
    prepare_data_dir(settings)
    with one_at_a_time(None if settings.is_sqlite else settings.database_url):
        init_database(settings.database_url, owner_url=settings.database_owner_url)
        password = people.ensure_first_admin()
        prepare_queue(settings)
        missing = tables_without_statistics()
        if missing:  # what was never counted (quick on a new database); the rest nightly
            refresh_statistics(missing)
    if settings.demo:
        from helpdesk.core.demo import load_demo

        load_demo()
    return password


def build_services(settings: Settings, with_queue: bool = True) -> Services:
    """Call with the database open: the panel's settings are read from it."""
    base = settings
    settings = with_panel_settings(base)
    protect(settings.bot_token)
    protect(settings.smtp.password)
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
        follow = asyncio.create_task(_follow_settings(services, app))
        try:
            yield
        finally:
            follow.cancel()
            await _stop(services)

    return create_app(panel, lifespan=[background])


async def reload_panel_settings(services: Services) -> None:
    """Apply settings saved in the panel without a restart; a new bot token restarts the poller."""
    if not await asyncio.to_thread(scoped, _take_panel_settings, services):
        return
    if not services.leads:  # a standby keeps the new token for when it leads
        services.bot.settings = services.settings
        services.bot.state = "standby" if services.settings.bot_token else "off"
        return
    # In the background: the page answers at once and shows "starting" until getMe has answered.
    services.bot_task = asyncio.create_task(services.bot.restart(services.settings))


def _take_panel_settings(services: Services) -> bool:
    """Read what admins saved into `services.settings`; True when the bot token changed."""
    settings = with_panel_settings(services.base_settings or services.settings)
    token_changed = settings.bot_token != services.settings.bot_token
    services.settings = settings
    if services.jobs is not None and settings.smtp != services.jobs.smtp:
        protect(settings.smtp.password)
        use_smtp(services.jobs, settings)
    if token_changed:
        protect(settings.bot_token)
        if services.jobs is not None:
            use_bot_token(services.jobs.transports, settings)
    return token_changed


SETTINGS_FOLLOW_SECONDS = 10.0


async def _follow_settings(services: Services, app: Litestar) -> None:
    """Instances sharing a database: what an admin saved on another instance applies here within seconds."""
    while True:
        await asyncio.sleep(SETTINGS_FOLLOW_SECONDS)
        if services.leadership is None or not services.leadership.shared:
            continue  # alone on SQLite (until a move to PostgreSQL): the panel's saves apply here directly
        try:
            await reload_panel_settings(services)
            app.state.settings = services.settings
        except Exception:  # the database is away for a moment: try again next time
            log.exception("reloading the panel's settings failed")


async def _start(services: Services) -> None:
    if services.queue is not None and services.jobs is not None:
        # Every instance wakes the delivery after its commits; the leader's consumer runs it (a shared
        # queue carries the wake to it; otherwise the leader's minute sweep delivers).
        outbox.add_listener(services.jobs.wake_delivery)
    settings = services.settings
    if not settings.is_sqlite:
        _listen_to_reference_changes(services)
        _stand_by_states(services)
        if settings.bot_token:  # aiogram is slow to import: a standby has it ready when it must take over
            services.bot_task = asyncio.create_task(_import_bot_when_listening(services))
    await _elect(services)


def _listen_to_reference_changes(services: Services) -> None:
    """Instances sharing PostgreSQL: another's change of a user or a branch empties this one's caches."""
    services.reference_events = ReferenceListener(services.settings.database_url)
    services.reference_events.start()


async def _elect(services: Services) -> None:
    """Lead at once on SQLite; on PostgreSQL when the advisory lock is ours (see helpdesk/leadership.py)."""
    shared = None if services.settings.is_sqlite else services.settings.database_url
    services.leadership = Leadership(shared, on_gain=lambda: _lead(services), on_loss=lambda: _follow(services))
    await services.leadership.start()


async def _when_listening(services: Services) -> None:
    """aiogram's import holds the GIL for seconds: begun before the socket listens, it delays the first page."""
    if services.listening is not None:
        await services.listening.wait()


async def _import_bot_when_listening(services: Services) -> None:
    await _when_listening(services)
    await asyncio.to_thread(import_bot_module, "helpdesk.bot.dispatcher")


def _stand_by_states(services: Services) -> None:
    if services.settings.bot_token:
        services.bot.state = "standby"
    if services.queue is not None:
        services.queue.state = "standby"


async def _lead(services: Services) -> None:
    """This instance became the leader (at once on SQLite): the queue, then the poller in the background."""
    if services.leadership is not None and services.leadership.shared:
        # A token saved on another instance is the one to poll with.
        await asyncio.to_thread(scoped, _take_panel_settings, services)
    if services.queue is not None and services.jobs is not None:
        # No other instance runs jobs now: a backup or a delivery the last leader left half-done is redone.
        await asyncio.to_thread(backup_runs.close_interrupted)
        reclaimed = await asyncio.to_thread(outbox.reclaim_at_start)
        if reclaimed:
            log.info("%s notices left 'sending' by the last run are pending again", reclaimed)
        services.queue.start()
        services.jobs.wake_delivery()  # whatever a previous run left pending goes out now
    # The bot starts in the background so the panel answers before aiogram is even imported.
    if services.settings.bot_token:
        services.bot.state = "starting"  # no longer "standby"
    services.bot_task = asyncio.create_task(_start_bot(services))


async def _follow(services: Services) -> None:
    """Leadership lost (the lock's connection failed) or given up at shutdown: stop the poller and queue."""
    await _stop_bot(services)
    if services.queue is not None:
        await asyncio.to_thread(services.queue.stop)
    if services.leadership is not None and services.leadership.shared:
        _stand_by_states(services)


async def _start_bot(services: Services) -> None:
    await _when_listening(services)
    await services.bot.restart(services.settings)
    services.ready_at = time.monotonic()
    log.info("ready in %.2fs (bot: %s)", services.ready_at - services.started_at, services.bot.state)


async def _stop_bot(services: Services) -> None:
    if services.bot_task is not None and not services.bot_task.done():
        services.bot_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await services.bot_task
    await services.bot.stop()


async def _stop(services: Services) -> None:
    if services.leadership is not None:
        await services.leadership.stop()  # stops the poller and the queue, then frees the lock
    await _stop_bot(services)
    if services.queue is not None:
        outbox.clear_listeners()
        await asyncio.to_thread(services.queue.stop)
    if services.jobs is not None:
        close_transports(services.jobs.transports)
    if services.reference_events is not None:
        await asyncio.to_thread(services.reference_events.stop)
    close_database()
    log.info("stopped cleanly")


def _server_class(services: Services | None) -> type:
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets)
            if services is not None and services.listening is not None and self.started:
                services.listening.set()  # the bot's import may begin now (_when_listening)

        def handle_exit(self, sig: int, frame: object) -> None:
            super().handle_exit(sig, frame)  # type: ignore[arg-type]
            # uvicorn re-raises the signal after shutting down; a clean stop must exit 0 instead.
            self._captured_signals.clear()

    return Server


def serve(settings: Settings, app: Litestar) -> None:
    """Run until SIGINT/SIGTERM; uvicorn owns the signals and runs the lifespan shutdown."""
    import uvicorn

    services = app.state.get("services")
    if isinstance(services, Services):
        services.listening = asyncio.Event()
    _Server = _server_class(services if isinstance(services, Services) else None)
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
