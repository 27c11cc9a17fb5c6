"""Move the organisation's data from SQLite to PostgreSQL: test the target, copy, verify, then switch.

The copy itself is `db/pg_copy.py` (the schema first, then each table in its own transaction, with a few
connections building its indexes and verifying it beside the copy; a failure drops what the move created
and a move killed half-way leaves a marker the program refuses to start on). Here are the rules around it: only an admin moves, one move at a time, writes stay paused while it copies (the SQLite
write lock is held, so nothing written meanwhile could be left behind), failures in plain words, and the
state of the move kept in the process so that the page can be reloaded while it runs.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from helpdesk.config import redact_dsn
from helpdesk.core import audit, maintenance
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, Conflict, DomainError, ValidationError
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Attachment
from helpdesk.db.pg_copy import CopyReport, Progress, copy_database
from helpdesk.db.pg_target import CopyError, Target, inspect_target

log = logging.getLogger(__name__)

FAILURES = {
    "bad_dsn": N_("This is not a PostgreSQL address. Write it as postgresql://user:password@host:5432/database."),
    "unreachable": N_("Cannot connect to PostgreSQL: %(detail)s"),
    "not_utf8": N_("The target database does not use the UTF8 encoding; create it with ENCODING 'UTF8'."),
    "no_rights": N_("The PostgreSQL user may not create tables in this database (%(detail)s). Grant it CREATE "
                    "on the schema or use the database's owner."),
    "not_empty": N_("The target database is not empty (%(detail)s). Choose an empty database, or tick "
                    "\"overwrite\" to replace everything in it."),
    "schema": N_("The two databases do not have the same structure: %(detail)s"),
    "cancelled": N_("PostgreSQL stopped the copy (a time limit, or the server is out of disk space): %(detail)s. "
                    "Nothing was switched."),
    "no_space": N_("PostgreSQL ran out of space or memory: %(detail)s. Nothing was switched."),
    # A move in several transactions cannot leave the target as it was when the server goes away: what it
    # wrote is dropped if the server answers again at once, else its marker lets the next move replace it.
    "connection_lost": N_("The connection to PostgreSQL was lost during the copy: %(detail)s. Nothing was switched; "
                          "run the move again once PostgreSQL answers (it replaces what this attempt left)."),
    "refused": N_("PostgreSQL refused the copy: %(detail)s. Nothing was switched."),
    "mismatch": N_("The copy differs from the original in: %(detail)s. Nothing was switched."),
    "source": N_("Cannot read the SQLite database: %(detail)s"),
    "busy": N_("A background job (%(detail)s) was still running after %(seconds)s s. Start the move again when "
               "it has finished. Nothing was switched."),
}


class MoveFailed(Conflict):
    """The move stopped; nothing switched."""


def already_moved() -> Conflict:
    return Conflict(N_("The data is already on PostgreSQL."))


def job_still_running(jobs: str, seconds: float) -> DomainError:
    """The pause waited for the queue's running job in vain: copying now would leave its writes behind."""
    return MoveFailed(FAILURES["busy"], detail=jobs, seconds=round(seconds))


def failure(exc: CopyError) -> DomainError:
    return MoveFailed(FAILURES.get(exc.kind, FAILURES["refused"]), detail=exc.detail or exc.kind)


def check_target(actor: Actor, url: str) -> Target:
    """Server version, rights to create tables, and whether the target is empty. Changes nothing."""
    require_admin(actor)
    url = _checked_url(url)
    try:
        return inspect_target(url)
    except CopyError as exc:
        raise failure(exc) from None


def _checked_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise ValidationError(FAILURES["bad_dsn"], field="dsn")
    return url


def missing_attachments(uploads_dir: Path) -> list[str]:
    """Attachments listed in the database whose file is not in the uploads folder (they stay there)."""
    missing = []
    for storage_path, in Attachment.select(Attachment.storage_path).tuples().iterator():
        if not (uploads_dir / storage_path).is_file():
            missing.append(storage_path)
    return missing


@contextmanager
def writes_held(sqlite_path: Path) -> Iterator[None]:
    """Hold SQLite's write lock: any write of this or another process waits, so none can be left behind."""
    lock = sqlite3.connect(sqlite_path, timeout=30, isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")
        yield
    finally:
        lock.rollback()
        lock.close()


def move(actor: Actor, sqlite_path: Path, url: str, overwrite: bool = False,
         on_progress: Callable[[Progress], None] | None = None) -> CopyReport:
    """Copy the SQLite database into PostgreSQL and verify it; raise MoveFailed (target untouched) on failure.

    The caller switches the program to `url` afterwards; until then writes stay held.
    """
    require_admin(actor)
    url = _checked_url(url)
    try:
        with writes_held(sqlite_path):
            report = copy_database(sqlite_path, url, overwrite=overwrite, on_progress=on_progress)
    except CopyError as exc:
        log.info("move to %s failed: %s", redact_dsn(url), exc)
        raise failure(exc) from None
    log.info("moved %s rows to %s in %.1fs, every table verified", report.rows, redact_dsn(url), report.seconds)
    return report


def record_moved(actor: Actor, url: str, report: CopyReport) -> None:
    """The audit event of the move, written into the new database once the program uses it."""
    with write_transaction():
        audit.record(actor, "database_move", entity="settings", entity_id="database",
                     after={"target": redact_dsn(url), "rows": report.rows, "tables": len(report.tables)})


def make_read_only(sqlite_path: Path) -> None:
    """Keep the old SQLite file as the read-only fallback (see README: the way back)."""
    for path in (sqlite_path, Path(f"{sqlite_path}-wal"), Path(f"{sqlite_path}-shm")):
        if path.exists():
            path.chmod(0o400)


# --- the move as a background job of the running process -------------------------------------------

@dataclass
class MoveStatus:
    state: str = "idle"  # idle, running, done, failed
    target: str = ""  # the URL without its password
    progress: Progress | None = None
    error: DomainError | None = None
    report: CopyReport | None = None
    missing: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


_status = MoveStatus()
_lock = threading.Lock()


def status() -> MoveStatus:
    return _status


def start(actor: Actor, sqlite_path: Path, url: str, overwrite: bool, uploads_dir: Path,
          pause: Callable[[], None], switch: Callable[[str], None], resume: Callable[[bool], None]) -> None:
    """Run the move in a thread: pause the channels, copy and verify, switch on success, resume either way.

    `pause` stops the bot poller and the queue; `switch(url)` re-points the process at PostgreSQL;
    `resume(switched)` starts them again. Raises Conflict if a move already runs.
    """
    global _status
    require_admin(actor)
    url = _checked_url(url)
    with _lock:
        if _status.state == "running":
            raise Conflict(N_("A move to PostgreSQL is already running."))
        if _status.state == "done":
            raise already_moved()
        _status = MoveStatus("running", redact_dsn(url), started=time.time())
    current = _status

    def run() -> None:
        switched = False
        maintenance.begin()
        try:
            current.progress = Progress("pause")  # the poller ends its long poll, the queue its job: seconds
            pause()
            current.missing = missing_attachments(uploads_dir)
            current.report = move(actor, sqlite_path, url, overwrite,
                                  on_progress=lambda p: setattr(current, "progress", p))
            switch(url)
            switched = True
            record_moved(actor, url, current.report)
            current.state = "done"
        except DomainError as exc:
            current.error, current.state = exc, "failed"
        except Exception as exc:
            log.exception("the move to PostgreSQL failed")
            current.error = MoveFailed(FAILURES["refused"], detail=type(exc).__name__)
            current.state = "failed"
        finally:
            current.finished = time.time()
            maintenance.end()
            resume(switched)

    threading.Thread(target=run, name="move-to-postgresql", daemon=True).start()
