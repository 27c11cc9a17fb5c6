"""Making a backup and recording how it went: scheduled, from the panel ("back up now") or the CLI.

Every run is a `backup_run` row: started, progress, then ok (file, size, check, kind) or failed with
the reason in plain words. The file is written under a temporary name and renamed when complete, so a
half-written file never looks like a backup. A mirror folder that cannot be written is reported on the
run, and the local file still counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from helpdesk import __version__
from helpdesk.config import Settings, load_secret_key
from helpdesk.core import audit, org_settings
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.backups import archive, engines, retention, schedule
from helpdesk.core.backups.engines import BackupFailed
from helpdesk.core.errors import N_, Conflict
from helpdesk.db.database import db, is_sqlite, write_transaction
from helpdesk.db.models import BackupRun, utcnow

log = logging.getLogger(__name__)
STALE = dt.timedelta(hours=6)  # a run still "running" after this was cut short by a stop
WARN_AFTER = dt.timedelta(hours=36)  # the dashboard warns when the last good backup is older


def _running() -> pw.Expression:
    return (BackupRun.status == "running") & (BackupRun.started_at > utcnow() - STALE)


def request_backup(actor: Actor, trigger: str = "manual") -> BackupRun:
    """An admin asks for a backup now: the run row the queue then fills in (see `run`)."""
    require_admin(actor)
    with write_transaction():
        if BackupRun.select().where(_running()).exists():
            raise Conflict(N_("A backup is being made right now: wait for it to finish."))
        row = BackupRun.create(trigger=trigger)
        audit.record(actor, "backup_start", entity="backup", entity_id=row.id)
    return row


def close_interrupted() -> int:
    """At start: runs a previous process left "running" were cut short by its stop; say so."""
    return (BackupRun.update(status="failed", finished_at=utcnow(),
                             error="cut short: the program stopped while the backup was being made")
            .where(BackupRun.status == "running").execute())


def claim_scheduled(now: dt.datetime | None = None) -> BackupRun | None:
    """The day's scheduled run when it is due and nobody claimed it yet (a unique slot: compare-and-set)."""
    now = now or utcnow()
    slot = schedule.slot_due(now, schedule.current(), org_settings.general().timezone)
    if slot is None or BackupRun.select().where(BackupRun.slot == slot).exists():
        return None
    try:
        with write_transaction():
            return BackupRun.create(slot=slot, trigger="scheduled", started_at=now)
    except pw.IntegrityError:
        return None


class _Progress:
    """Writes the percentage to the run row now and then (not on every megabyte)."""

    def __init__(self, run_id: int, total: int, start: int, end: int) -> None:
        self.run_id, self.total, self.start, self.end = run_id, max(total, 1), start, end
        self.shown = -1
        self.at = 0.0

    def __call__(self, done: int) -> None:
        percent = self.start + (self.end - self.start) * min(done, self.total) // self.total
        if percent != self.shown and time.monotonic() - self.at > 0.5:
            set_progress(self.run_id, percent)
            self.shown, self.at = percent, time.monotonic()


def set_progress(run_id: int, percent: int) -> None:
    BackupRun.update(progress=percent).where(BackupRun.id == run_id).execute()


@dataclass(frozen=True)
class Made:
    path: Path
    kind: str
    check: str
    size: int
    mirror_error: str
    removed: list[str]


def run(settings: Settings, run_row: BackupRun | None = None, to: Path | None = None,
        now: dt.datetime | None = None, trigger: str = "cli") -> BackupRun:
    """Make one backup and record it on `run_row` (a new row when None). Never raises for a failed
    backup: the row says why; the caller reads `status`."""
    if run_row is None:
        run_row = BackupRun.create(trigger=trigger, started_at=now or utcnow())
    try:
        made = make(settings, run_row.id, to=to, now=now)
    except BackupFailed as exc:
        log.error("backup failed: %s", exc)
        _finish(run_row.id, status="failed", error=str(exc))
    except Exception as exc:  # disk full, permissions: still said in words, never a silent stop
        log.exception("backup failed")
        _finish(run_row.id, status="failed", error=_plain(exc))
    else:
        _finish(run_row.id, status="ok", kind=made.kind, file_name=made.path.name, size=made.size,
                check_result=made.check, mirror_error=made.mirror_error, progress=100)
    return BackupRun.get_by_id(run_row.id)


def _plain(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}"
    return f"{type(exc).__name__}: {exc}"


def _finish(run_id: int, **values: object) -> None:
    BackupRun.update(finished_at=utcnow(), **values).where(BackupRun.id == run_id).execute()


def make(settings: Settings, run_id: int = 0, to: Path | None = None, now: dt.datetime | None = None) -> Made:
    """The backup file itself: copy, check, pack, rename into place; then the mirror and retention."""
    folder = to or settings.backups_dir
    folder.mkdir(parents=True, exist_ok=True)
    now = now or utcnow()
    timezone = org_settings.general().timezone
    rule = schedule.current()
    load_secret_key(settings.data_dir)  # made now if never needed yet: a restore without it loses sealed values
    work = Path(tempfile.mkdtemp(prefix=".partial-", dir=folder))
    try:
        engine = "sqlite" if is_sqlite() else "postgresql"
        database = work / archive.DATABASE_MEMBERS[engine]
        if engine == "sqlite":
            assert settings.sqlite_path is not None
            engines.sqlite_copy(settings.sqlite_path, database)
            schema, counts = engines.sqlite_facts(database)
            checker = engines.sqlite_check
        else:
            schema, counts = _live_facts()
            engines.pg_dump(settings.database_url, database)
            checker = engines.pg_check
        if run_id:
            set_progress(run_id, 20)
        # The check reads the copy while the zip is written from it: both take about as long, and SQLite
        # and zlib let go of the GIL, so on two cores the backup takes half the time. A copy that fails
        # its check is thrown away with the zip.
        with ThreadPoolExecutor(max_workers=1) as pool:
            checking = pool.submit(checker, database)
            manifest = archive.Manifest(program_version=__version__, schema=schema, engine=engine,
                                        created_at=now.isoformat(timespec="seconds") + "Z", counts=counts,
                                        check="ok")
            name = retention.file_name(now, retention.backup_names(folder))
            total = database.stat().st_size + sum(p.stat().st_size
                                                  for p in archive.uploaded_files(settings.uploads_dir))
            packed = work / name
            archive.write(packed, manifest, database, settings.data_dir / "secret_key", settings.uploads_dir,
                          progress=_Progress(run_id, total, 20, 95) if run_id else None)
            check = checking.result()
        if check != "ok":
            raise BackupFailed(f"the copy failed its check ({check}); the database itself may be damaged")
        target = folder / name
        os.replace(packed, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    kind = retention.kinds([*retention.backup_names(folder)], timezone).get(name, "daily")
    removed: list[str] = []
    mirror_error = ""
    if to is None:
        removed = _apply_retention(folder, rule.retention, timezone)
        mirror_error = _mirror(target, rule, timezone)
    return Made(target, kind, check, target.stat().st_size, mirror_error, removed)


def _live_facts() -> tuple[list[str], dict[str, int]]:
    schema = [row[0] for row in db.execute_sql("SELECT name FROM schema_migration ORDER BY name").fetchall()]
    counts = {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
              for table in engines.COUNTED_TABLES}
    return schema, counts


def _apply_retention(folder: Path, rule: retention.Retention, timezone: str) -> list[str]:
    gone = retention.to_remove(retention.backup_names(folder), rule, timezone)
    for name in gone:
        (folder / name).unlink(missing_ok=True)
    return gone


def _mirror(source: Path, rule: schedule.Schedule, timezone: str) -> str:
    """Copy the file to the mirror folder and apply the same retention there; trouble comes back as words."""
    if not rule.mirror:
        return ""
    mirror = Path(rule.mirror)
    try:
        if not mirror.is_dir():
            return f"the mirror folder {mirror} cannot be reached (missing or not mounted); the local backup was made"
        partial = mirror / f".partial-{source.name}"
        shutil.copyfile(source, partial)
        os.replace(partial, mirror / source.name)
        _apply_retention(mirror, rule.retention, timezone)
    except OSError as exc:
        return f"the mirror folder {mirror} could not be written ({_plain(exc)}); the local backup was made"
    return ""


# --- what the panel and the CLI show ---------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFile:
    name: str
    made_at: dt.datetime  # UTC
    size: int
    kind: str
    check: str  # from the run that made it ("" when another process or an older copy made it)


def files(folder: Path) -> list[BackupFile]:
    """The backup files in `folder`, newest first: the index downloads and restores choose from."""
    names = retention.backup_names(folder)
    kinds = retention.kinds(names, org_settings.general().timezone)
    checks = {r.file_name: r.check_result for r in BackupRun.select(BackupRun.file_name, BackupRun.check_result)
              .where(BackupRun.file_name.in_(names))} if names else {}
    result = []
    for name in reversed(names):
        made_at = retention.stamp_of(name)
        assert made_at is not None
        result.append(BackupFile(name, made_at, (folder / name).stat().st_size, kinds[name], checks.get(name, "")))
    return result


def history(actor: Actor, limit: int = 20) -> list[BackupRun]:
    require_admin(actor)
    return list(BackupRun.select().order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).limit(limit))


def current_run() -> BackupRun | None:
    return BackupRun.select().where(_running()).order_by(BackupRun.id.desc()).first()


def last_failure() -> BackupRun | None:
    """The newest failed run, when no good one came after it."""
    last = (BackupRun.select().where(BackupRun.status.in_(("ok", "failed")))
            .order_by(BackupRun.started_at.desc(), BackupRun.id.desc()).first())
    return last if last is not None and last.status == "failed" else None


def last_good(folder: Path) -> dt.datetime | None:
    """When the newest good backup was made (UTC): a file in the folder, or a run that says ok."""
    stamps = [s for s in map(retention.stamp_of, retention.backup_names(folder)) if s]
    row = BackupRun.select(pw.fn.MAX(BackupRun.finished_at)).where(BackupRun.status == "ok").scalar()
    candidates = [*stamps, *([row] if row else [])]
    return max(candidates) if candidates else None


def overdue(folder: Path, now: dt.datetime | None = None) -> dt.datetime | bool:
    """For the dashboard: False when a good backup is recent; else the last good time, or True for none
    at all (once the organisation is older than the warning's age)."""
    from helpdesk.db.models import User

    now = now or utcnow()
    good = last_good(folder)
    if good is not None:
        return good if now - good > WARN_AFTER else False
    first = User.select(pw.fn.MIN(User.created_at)).scalar()
    return bool(first and now - first > WARN_AFTER)


def download_path(actor: Actor, folder: Path, name: str) -> Path:
    """The file to send for `name`: only a name the folder's index lists, so no path can be smuggled in."""
    from helpdesk.core.errors import NotFound

    require_admin(actor)
    if name not in retention.backup_names(folder):
        raise NotFound(N_("There is no such backup."))
    return folder / name
