"""Background jobs: outbox delivery, SLA sweep, auto-close and archiving, WAL checkpoints, backups.

Jobs are registered on a huey instance made at start (the data dir is known only then). Each job
is idempotent: it claims rows with compare-and-set updates, so a rerun after a crash is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huey import Huey, crontab

from helpdesk.bot.transport import TelegramTransport
from helpdesk.config import Settings, SmtpSettings
from helpdesk.core import archive_policy as archive_settings
from helpdesk.core import digest, lifecycle, onec_sync, outbox, scheduled_reports, sla, tickets
from helpdesk.core.backups import runs as backup_runs
from helpdesk.core.outbox import Transport
from helpdesk.db.database import checkpoint_wal, refresh_statistics
from helpdesk.db.models import BackupRun, ProcessedUpdate, utcnow
from helpdesk.notify.email import EmailTransport

log = logging.getLogger(__name__)
WAKE_EXPIRES = 5.0  # seconds: a queued delivery not started by then is queued again
AUTO_CLOSE_DAYS = 7
REPORT_FILES_DAYS = 30


def build_transports(settings: Settings) -> dict[str, Transport]:
    transports: dict[str, Transport] = {"email": EmailTransport(settings.smtp, settings.panel_url)}
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


def use_smtp(jobs: Jobs, settings: Settings) -> None:
    """SMTP saved in the panel applies to the next email; held or retried ones go out with it."""
    jobs.transports["email"] = EmailTransport(settings.smtp, settings.panel_url)
    jobs.smtp = settings.smtp
    outbox.wake()


def close_transports(transports: dict[str, Transport]) -> None:
    """At shutdown: the Telegram transport's session and loop."""
    telegram = transports.get("telegram")
    if isinstance(telegram, TelegramTransport):
        telegram.close()


def send_scheduled(settings: Settings, now: dt.datetime | None = None) -> dict[str, int]:
    """Scheduled reports and the daily digest whose time has come (each claimed once, see their modules)."""
    return {"reports": scheduled_reports.run_due(settings.reports_dir, now), "digests": digest.send_due(now)}


def prune_report_files(settings: Settings, keep_days: int = REPORT_FILES_DAYS) -> int:
    """Built report files are kept a while (retries of their emails need them), then removed."""
    folder = settings.reports_dir
    if not folder.is_dir():
        return 0
    cutoff = time.time() - keep_days * 86400
    old = [path for path in folder.glob("report-*.xlsx") if path.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)


def archive_policy(settings: Settings) -> dict[str, int]:
    """Days per final status, from Settings (an old `archive_policy.json` is imported into it once)."""
    archive_settings.import_legacy_file(settings.data_dir)
    return archive_settings.current()


@dataclass
class Jobs:
    """The registered task functions, callable to enqueue."""

    deliver_outbox: Callable[..., Any]
    every_minute: Callable[..., Any]
    nightly: Callable[..., Any]
    backup_now: Callable[..., Any]
    backup_if_due: Callable[..., Any]
    transports: dict[str, Transport]
    smtp: SmtpSettings
    wake_delivery: Callable[[], None]  # the outbox's listener: one queued delivery covers many commits
    onec_sync: Callable[..., Any] | None = None


def register_jobs(huey: Huey, settings: Settings) -> Jobs:
    transports = build_transports(settings)

    # When a delivery was queued and has not started yet: it will read every notice committed before it
    # starts, so another commit need not queue another (100 requests a second queued 100 deliveries, each
    # a write to the queue's own SQLite file and a pass over the outbox). With a queue shared by several
    # instances another instance's consumer may run it, so the mark also expires after a few seconds.
    queued_at: list[float | None] = [None]

    @huey.task(retries=3, retry_delay=5, name="deliver_outbox")
    def deliver_outbox() -> dict[str, int]:
        queued_at[0] = None
        return outbox.deliver_due(transports).__dict__

    def wake_delivery() -> None:
        with wake_lock:
            at = queued_at[0]
            if at is not None and time.monotonic() - at < WAKE_EXPIRES:
                return
            queued_at[0] = time.monotonic()
        try:
            deliver_outbox()
        except BaseException:
            queued_at[0] = None
            raise

    wake_lock = threading.Lock()

    @huey.periodic_task(crontab(minute="*"), name="every_minute")
    def every_minute() -> None:
        outbox.release_stuck()
        sla.sweep()
        send_scheduled(settings)
        outbox.deliver_due(transports)
        checkpoint_wal()  # keeps SQLite's WAL from growing under steady load

    @huey.periodic_task(crontab(minute="15", hour="3"), name="nightly")
    def nightly() -> None:
        closed = lifecycle.auto_close(AUTO_CLOSE_DAYS)
        archived = tickets.archive_due(archive_policy(settings))
        forgotten = ProcessedUpdate.delete().where(
            ProcessedUpdate.processed_at < utcnow() - dt.timedelta(days=7)).execute()
        pruned = prune_report_files(settings)
        refresh_statistics()  # SQLite keeps no statistics by itself; a day's requests shift them
        log.info("nightly: auto-closed %s, archived %s, forgot %s old update ids, removed %s report files",
                 closed, archived, forgotten, pruned)

    @huey.periodic_task(crontab(minute="*"), name="onec_sync")
    def onec_stock_sync() -> None:
        # Its own task: a slow 1C must not hold up the minute's SLA sweep and deliveries. The interval
        # (Settings → 1C, HELPDESK_ONEC_SYNC_MINUTES) is checked against the last sync's time.
        outcome = onec_sync.sync_if_due(settings.onec, settings.secret_key)
        if outcome is not None:
            log.info("1C sync: %s, %s rows, %s changed, %s requests", outcome.state, outcome.written,
                     outcome.changed, outcome.requests)

    @huey.task(name="backup_now")
    def backup_now(run_id: int) -> str:
        """A backup an admin asked for in the panel: its run row was made by backups.runs.request_backup."""
        run = BackupRun.get_or_none(BackupRun.id == run_id)
        return backup_runs.run(settings, run).status if run is not None else "gone"

    @huey.periodic_task(crontab(minute="*"), name="backup_if_due")
    def backup_if_due() -> str | None:
        """The daily backup at the time set in the panel (organisation's time zone), once per day."""
        run = backup_runs.claim_scheduled()
        return backup_runs.run(settings, run).status if run is not None else None

    return Jobs(deliver_outbox, every_minute, nightly, backup_now, backup_if_due, transports, settings.smtp,
                wake_delivery, onec_stock_sync)

