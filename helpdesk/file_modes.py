"""The data dir is private to the service user: directories 0700, files 0600 (POSIX).

The umask covers everything the process creates from now on (database, WAL and SHM, queue, uploads,
backups, logs); files and folders left by an earlier version are tightened once, on the first start
that finds the data dir itself still open to others.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private(data_dir: Path, extra_files: Iterable[Path] = ()) -> None:
    """Set the umask, then tighten the data dir, its files and folders, and `extra_files` (with their
    SQLite -wal/-shm companions) that live elsewhere (a database path outside the data dir)."""
    if os.name != "posix":
        return
    os.umask(0o077)
    first_time = _mode(data_dir) not in (None, PRIVATE_DIR)
    if first_time:
        for root, _dirs, files in os.walk(data_dir):
            _tighten(Path(root), PRIVATE_DIR)
            for name in files:
                _tighten(Path(root) / name, PRIVATE_FILE)
    else:
        for entry in data_dir.iterdir():
            _tighten(entry, PRIVATE_DIR if entry.is_dir() else PRIVATE_FILE)
    for path in extra_files:
        for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            _tighten(companion, PRIVATE_FILE)


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.lstat().st_mode)
    except OSError:
        return None


def _tighten(path: Path, mode: int) -> None:
    current = _mode(path)
    if current is None or current == mode or path.is_symlink():
        return
    try:
        path.chmod(mode)
    except OSError as exc:  # not ours (a mounted share, say): say so, but keep going
        log.warning("cannot make %s private: %s", path, exc.strerror or exc)
