"""Copying the database out and back: SQLite's online backup API, or pg_dump/pg_restore on PostgreSQL.

The SQLite copy is one backup step over the whole file: it reads one consistent snapshot while the
program keeps writing (WAL lets writers go on beside a reader). A step-by-step copy would start over
each time another connection wrote, and under steady load might never finish.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from helpdesk.core.errors import N_, ValidationError

# Tables whose row counts go into the manifest (what an admin recognises when choosing a file).
COUNTED_TABLES = ("ticket", "comment", "attachment", "user", "branch", "audit_event")


class BackupFailed(Exception):
    """A backup or restore step went wrong; the message is plain words for the admin."""


def sqlite_copy(source: Path, target: Path) -> None:
    """An online copy of a live SQLite database into `target` (a new file)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.execute("PRAGMA busy_timeout = 30000")
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()


def sqlite_check(path: Path) -> str:
    """`PRAGMA integrity_check` of a database file: "ok", or what SQLite found wrong."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    text = "; ".join(str(row[0]) for row in rows)
    return text[:200]


def sqlite_facts(path: Path) -> tuple[list[str], dict[str, int]]:
    """The applied migrations and the counted tables' rows of a SQLite database file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        schema = [row[0] for row in conn.execute("SELECT name FROM schema_migration ORDER BY name")]
        counts = {table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in COUNTED_TABLES}
    finally:
        conn.close()
    return schema, counts


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupFailed(f"{name} is not installed on this server (or not on the PATH): install the PostgreSQL "
                           f"client tools of the server's version to back up or restore a PostgreSQL database")
    return path


def _run(args: list[str], what: str, timeout: int = 6 * 3600) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PGCONNECT_TIMEOUT": "10"})
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupFailed(f"{what} failed: {detail[-1] if detail else f'exit code {done.returncode}'}")
    return done.stdout


def pg_dump(url: str, target: Path) -> None:
    """pg_dump in its custom (compressed, restorable table by table) format."""
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", url],
         "pg_dump")


def pg_check(path: Path) -> str:
    """`pg_restore --list` reads the dump's table of contents: "ok" when it can."""
    try:
        listing = _run([_tool("pg_restore"), "--list", str(path)], "pg_restore --list", timeout=600)
    except BackupFailed as exc:
        return str(exc)[:200]
    return "ok" if "TABLE DATA" in listing else "the dump holds no table data"


def pg_restore(url: str, dump: Path) -> None:
    """Replace the database's tables with the dump's, in one transaction (all or nothing)."""
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={url}", str(dump)], "pg_restore")


def require_engine(backup_engine: str, current_engine: str) -> None:
    if backup_engine != current_engine:
        raise ValidationError(N_("This backup is of a %(backup)s database, but this server uses %(current)s: "
                                 "restore it on the same kind of database."), backup=backup_engine,
                              current=current_engine)
