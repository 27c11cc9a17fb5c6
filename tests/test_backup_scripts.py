"""The cron-friendly scripts in scripts/backup/ make readable, checked copies."""

from __future__ import annotations

import gzip
import sqlite3
import subprocess
from pathlib import Path

from helpdesk.core import tickets
from tests.conftest import Org
from tests.support.postgres import get_pg_server

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts" / "backup"


def test_sqlite_backup_of_a_live_database(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Keyboard is sticky"))
    data_dir = Path(sqlite_db[len("sqlite:///"):]).parent
    dest = tmp_path / "copies"
    for _ in range(3):
        done = subprocess.run(["bash", str(SCRIPTS / "sqlite-backup.sh"), str(data_dir), str(dest), "2"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        subprocess.run(["sleep", "1.1"], check=True)
    copies = sorted(dest.glob("helpdesk-*.db.gz"))
    assert len(copies) == 2, "only the newest 2 are kept"
    restored = tmp_path / "restored.db"
    restored.write_bytes(gzip.decompress(copies[-1].read_bytes()))
    with sqlite3.connect(restored) as conn:
        assert conn.execute("SELECT description FROM ticket").fetchall() == [("Keyboard is sticky",)]


def test_sqlite_backup_refuses_a_missing_database(tmp_path: Path) -> None:
    done = subprocess.run(["bash", str(SCRIPTS / "sqlite-backup.sh"), str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1 and "no database" in done.stderr


def test_pg_backup(pg_db: str, tmp_path: Path) -> None:
    assert get_pg_server() is not None
    done = subprocess.run(["bash", str(SCRIPTS / "pg-backup.sh"), pg_db, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    dump = next(tmp_path.glob("helpdesk-*.dump"))
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True).stdout
    assert "TABLE DATA public ticket" in listing
