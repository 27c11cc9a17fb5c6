"""Putting a backup back: check everything first, keep the current data aside, then swap it in.

Nothing is changed until the file has proved itself: a helpdesk backup (manifest), of a version this
program knows, every member matching its checksum (so the database is the copy that passed its check). Then the
current database, uploads and key move to a safety folder, and the backup's take their place. The
caller (the CLI) makes sure no server runs on the data dir meanwhile.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpdesk import __version__
from helpdesk.config import Settings
from helpdesk.core import audit
from helpdesk.core.actors import Actor
from helpdesk.core.backups import archive, engines
from helpdesk.core.errors import N_, ValidationError
from helpdesk.db.database import MIGRATIONS_DIR, write_transaction
from helpdesk.db.models import BackupRun


@dataclass(frozen=True)
class Restored:
    manifest: archive.Manifest
    safety: Path  # where the data that was there before now lies


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("+")[0].split("."))
    except ValueError:
        return (0,)


def known_migrations() -> set[str]:
    return {p.stem for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py")}


def check_version(manifest: archive.Manifest) -> None:
    """Refuse a file made by a newer program: its schema would be unknown here."""
    unknown = set(manifest.schema) - known_migrations()
    if (unknown or manifest.format_version > archive.FORMAT_VERSION
            or _version(manifest.program_version) > _version(__version__)):
        raise ValidationError(N_("This backup was made by a newer helpdesk (%(theirs)s; this is %(ours)s). "
                                 "Install %(theirs)s or newer to restore it. Nothing was changed."),
                              theirs=manifest.program_version, ours=__version__)


def inspect(path: Path) -> archive.Manifest:
    """The manifest of a file that is a backup this program can restore (else ValidationError)."""
    manifest = archive.read_manifest(path)
    check_version(manifest)
    return manifest


def restore(settings: Settings, path: Path, now: dt.datetime | None = None) -> Restored:
    """Restore `path` into the data dir (and database) of `settings`. The server must not be running."""
    manifest = inspect(path)
    engines.require_engine(manifest.engine, "sqlite" if settings.is_sqlite else "postgresql")
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    staging = settings.data_dir / f".restore-{stamp}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        if manifest.check != "ok":
            raise ValidationError(N_("%(path)s is damaged: its database fails the check (%(check)s). Nothing was "
                                     "changed; use another backup."), path=str(path), check=manifest.check)
        # Every member must match its SHA-256: then the database is byte for byte the copy that passed
        # its integrity check when the backup was made, and checking it again would only double the time.
        archive.unpack(path, manifest, staging)
        database = staging / archive.DATABASE_MEMBERS[manifest.engine]
        safety = settings.backups_dir / f"before-restore-{stamp}"
        safety.mkdir(parents=True, exist_ok=True)
        if manifest.engine == "postgresql":
            # pg_restore is all or nothing, so it goes first: if it fails, the files stay as they were.
            engines.pg_dump(settings.database_owner_url or settings.database_url, safety / "database.pgdump")
            engines.pg_restore(settings.database_owner_url or settings.database_url, database)
        else:
            _swap_sqlite(settings, database, safety)
        _swap(staging / "uploads", settings.uploads_dir, safety / "uploads", make_empty=True)
        key = staging / archive.SECRET_KEY
        if key.is_file():
            _swap(key, settings.data_dir / "secret_key", safety / "secret_key")
            (settings.data_dir / "secret_key").chmod(0o600)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Restored(manifest, safety)


def after_restore(actor: Actor, path: Path, manifest: archive.Manifest) -> None:
    """With the restored database open: forget the run that was making this very backup (the copy caught it
    half-way, "running"), and record the restore."""
    with write_transaction():
        BackupRun.delete().where(BackupRun.status == "running").execute()
        audit.record(actor, "restore", entity="backup", entity_id=path.name,
                     after={"made_at": manifest.created_at, "version": manifest.program_version})


def _swap_sqlite(settings: Settings, database: Path, safety: Path) -> None:
    current = settings.sqlite_path
    assert current is not None
    for suffix in ("", "-wal", "-shm"):
        old = Path(f"{current}{suffix}")
        if old.exists():
            shutil.move(old, safety / f"helpdesk.db{suffix}")
    current.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(database, current)
    current.chmod(0o600)


def _swap(new: Path, current: Path, aside: Path, make_empty: bool = False) -> None:
    """Move `current` aside and `new` into its place (an empty folder when the backup had none)."""
    if current.exists():
        shutil.move(current, aside)
    if new.exists():
        shutil.move(new, current)
    elif make_empty:
        current.mkdir(parents=True, exist_ok=True)
