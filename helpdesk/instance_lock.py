"""Who is using a data dir: a running server holds a shared lock on `helpdesk.lock`, a restore an exclusive one.

The operating system drops the lock when the process ends, however it ends, so a crash leaves nothing
stale behind (unlike a pid file). Several servers may share a data dir (scale-out); a restore waits for none.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

LOCK_NAME = "helpdesk.lock"


class Busy(Exception):
    """The data dir is in use by another process."""


def _lock(handle: IO[str], exclusive: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: one lock kind only, which is enough for one server at a time
        import msvcrt

        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def hold(data_dir: Path, exclusive: bool = False) -> IO[str]:
    """Take the data dir's lock for as long as the returned handle stays open; Busy when another holds it."""
    path = data_dir / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose, closed by release()
    if not _lock(handle, exclusive):
        handle.close()
        raise Busy(str(path))
    if not exclusive:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
    return handle


def release(handle: IO[str]) -> None:
    handle.close()
