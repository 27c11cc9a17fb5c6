"""Background jobs: outbox delivery, SLA sweep, auto-close and archiving, WAL checkpoints.

Jobs are registered on a huey instance made at start (the data dir is known only then). Each job
is idempotent: it claims rows with compare-and-set updates, so a rerun after a crash is harmless.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huey import Huey, crontab

from helpdesk.bot.transport import TelegramTransport
from helpdesk.config import Settings
from helpdesk.core import lifecycle, outbox, sla, tickets
from helpdesk.core.outbox import Transport
from helpdesk.db.database import checkpoint_wal
from helpdesk.db.models import ProcessedUpdate, utcnow
from helpdesk.notify.email import EmailTransport

log = logging.getLogger(__name__)
AUTO_CLOSE_DAYS = 7


def build_transports(settings: Settings) -> dict[str, Transport]:
    transports: dict[str, Transport] = {"email": EmailTransport(settings.smtp)}
    use_bot_token(transports, settings)
    return transports


def use_bot_token(transports: dict[str, Transport], settings: Settings) -> None:
    """Point Telegram delivery at the current token (it can change in the panel while running).

    Without a token, Telegram notices are held; with a new one, the held ones go out now.
    """
    old = transports.get("telegram")
    if settings.bot_token:
        transports["telegram"] = TelegramTransport(settings.bot_token, settings.telegram_api_url)
        outbox.wake()
    else:
        transports.pop("telegram", None)
    if isinstance(old, TelegramTransport):
        old.close()  # in the background, after the sends in flight


def close_transports(transports: dict[str, Transport]) -> None:
    """At shutdown: the Telegram transport's session and loop."""
    telegram = transports.get("telegram")
    if isinstance(telegram, TelegramTransport):
        telegram.close()


def archive_policy(settings: Settings) -> dict[str, int]:
    """`archive_policy.json` in the data dir, e.g. {"closed": 90, "rejected": 90, "cancelled": 90}."""
    path = settings.data_dir / "archive_policy.json"
    if path.is_file():
        try:
            return {str(k): int(v) for k, v in json.loads(path.read_text()).items()}
        except (ValueError, AttributeError):
            log.error("archive_policy.json is not valid JSON of status: days; using defaults")
    return dict(tickets.DEFAULT_ARCHIVE_POLICY)


@dataclass
class Jobs:
    """The registered task functions, callable to enqueue."""

    deliver_outbox: Callable[..., Any]
    every_minute: Callable[..., Any]
    nightly: Callable[..., Any]
    transports: dict[str, Transport]
    wake_delivery: Callable[[], None]  # the outbox's listener: one queued delivery covers many commits


def register_jobs(huey: Huey, settings: Settings) -> Jobs:
    transports = build_transports(settings)

    # Set while a delivery is queued and has not started: it will read every notice committed before
    # it starts, so another commit need not queue another (100 requests a second queued 100 deliveries,
    # each a write to the queue's own SQLite file and a pass over the outbox).
    queued = threading.Event()

    @huey.task(retries=3, retry_delay=5, name="deliver_outbox")
    def deliver_outbox() -> dict[str, int]:
        queued.clear()
        return outbox.deliver_due(transports).__dict__

    def wake_delivery() -> None:
        if queued.is_set():
            return
        queued.set()
        try:
            deliver_outbox()
        except BaseException:
            queued.clear()
            raise

    @huey.periodic_task(crontab(minute="*"), name="every_minute")
    def every_minute() -> None:
        outbox.release_stuck()
        sla.sweep()
        outbox.deliver_due(transports)
        checkpoint_wal()  # keeps SQLite's WAL from growing under steady load

    @huey.periodic_task(crontab(minute="15", hour="3"), name="nightly")
    def nightly() -> None:
        closed = lifecycle.auto_close(AUTO_CLOSE_DAYS)
        archived = tickets.archive_due(archive_policy(settings))
        forgotten = ProcessedUpdate.delete().where(
            ProcessedUpdate.processed_at < utcnow() - dt.timedelta(days=7)).execute()
        log.info("nightly: auto-closed %s, archived %s, forgot %s old update ids", closed, archived, forgotten)

    return Jobs(deliver_outbox, every_minute, nightly, transports, wake_delivery)

