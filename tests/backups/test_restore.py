"""Restore: the round trip brings back exactly what was there; a bad file is refused and changes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpdesk import instance_lock
from helpdesk.config import Settings, load_settings
from helpdesk.core import attachments, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.backups import restore, runs
from helpdesk.core.errors import ValidationError
from helpdesk.db.database import close_database, db, init_database
from helpdesk.db.models import BackupRun, Ticket
from tests.conftest import Org, make_org


def _settings(url: str, data_dir: Path) -> Settings:
    return load_settings({"data_dir": str(data_dir), "database_url": url}, environ={})


def _tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _fill(org: Org, settings: Settings) -> None:
    for n in range(3):
        ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description=f"Printer {n} jams"))
        tickets.add_comment(org.actor("sam"), ticket, f"On my way ({n})")
        attachments.add(org.actor("bob"), ticket, settings.uploads_dir, f"photo{n}.jpg", os.urandom(5000 + n))


def _backup(sqlite_org: Org, sqlite_db: str) -> tuple[Settings, Path]:
    settings = _settings(sqlite_db, Path(sqlite_db[len("sqlite:///"):]).parent)
    _fill(sqlite_org, settings)
    row = runs.run(settings, trigger="cli")
    assert row.status == "ok", row.error
    return settings, settings.backups_dir / row.file_name


def test_round_trip_brings_back_every_table_and_file(sqlite_org: Org, sqlite_db: str) -> None:
    settings, backup = _backup(sqlite_org, sqlite_db)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    assert settings.sqlite_path is not None
    tables_then, files_then = _tables(settings.sqlite_path), _files(settings.uploads_dir)
    key_then = (settings.data_dir / "secret_key").read_bytes()

    init_database(sqlite_db)  # Monday goes on: more requests, a file lost, another changed, a new key
    tickets.create(sqlite_org.actor("bea"), tickets.TicketDraft("repair", description="After the backup"))
    first, second = sorted(p for p in settings.uploads_dir.rglob("*") if p.is_file())[:2]
    first.unlink()
    second.write_bytes(b"changed")
    close_database()
    (settings.data_dir / "secret_key").write_text("00" * 32)

    done = restore.restore(settings, backup)
    tables_now = _tables(settings.sqlite_path)
    # The copy caught its own run half-way; after_restore (below) forgets that row.
    assert [row[5] for row in tables_now.pop("backup_run")] == ["running"]
    assert tables_now == {name: rows for name, rows in tables_then.items() if name != "backup_run"}
    assert _files(settings.uploads_dir) == files_then
    assert (settings.data_dir / "secret_key").read_bytes() == key_then
    assert (settings.data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (done.safety / "helpdesk.db").is_file() and (done.safety / "uploads").is_dir()
    assert (done.safety / "secret_key").read_text() == "00" * 32, "the data that was there is kept aside"
    init_database(sqlite_db)
    restore.after_restore(Actor.system("cli"), backup, done.manifest)
    assert Ticket.select().count() == 3
    assert BackupRun.select().count() == 0 and runs.current_run() is None


def _unchanged(settings: Settings) -> tuple[str, dict[str, bytes], list[str]]:
    assert settings.sqlite_path is not None
    digest = hashlib.sha256(settings.sqlite_path.read_bytes()).hexdigest()
    return digest, _files(settings.uploads_dir), sorted(p.name for p in settings.backups_dir.iterdir())


def _rewrite_manifest(source: Path, target: Path, **changes: object) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest.update(changes)
                data = json.dumps(manifest).encode()
            zout.writestr(item, data)


def test_bad_files_are_refused_and_nothing_changes(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    settings, backup = _backup(sqlite_org, sqlite_db)
    close_database()
    corrupt = tmp_path / "corrupt.zip"
    data = bytearray(backup.read_bytes())
    middle = len(data) // 3
    data[middle:middle + 64] = bytes(64)
    corrupt.write_bytes(bytes(data))
    newer = tmp_path / "newer.zip"
    _rewrite_manifest(backup, newer, program_version="99.0.0", schema=["0001_initial", "9999_from_the_future"])
    not_backup = tmp_path / "notes.zip"
    with zipfile.ZipFile(not_backup, "w") as zf:
        zf.writestr("notes.txt", "hello")
    text_file = tmp_path / "helpdesk.db"
    text_file.write_text("not even a zip")
    before = _unchanged(settings)
    expected = {corrupt: "is damaged", newer: "newer helpdesk (99.0.0", not_backup: "is not a helpdesk backup",
                text_file: "is not a helpdesk backup", tmp_path / "missing.zip": "There is no file"}
    for path, words in expected.items():
        with pytest.raises(ValidationError) as refused:
            restore.restore(settings, path)
        assert words in refused.value.text("en"), (path, refused.value.text("en"))
        assert _unchanged(settings) == before, f"{path.name} changed something"
    assert not list(settings.data_dir.glob(".restore-*"))


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    return subprocess.run([sys.executable, "-m", "helpdesk", *args, "--data-dir", str(data_dir)], env={
        **env, "HELPDESK_LANG": "en"}, capture_output=True, text=True, timeout=120, cwd=data_dir.parent)


def test_cli_backup_list_and_restore_refused_while_running(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = _cli(data_dir, "user", "add", "Ann Admin", "--role", "admin", "--username", "ann")
    assert done.returncode == 0, done.stderr
    made = _cli(data_dir, "backup")
    assert made.returncode == 0 and "check ok" in made.stdout, made.stderr
    listed = _cli(data_dir, "backups")
    assert "helpdesk-backup-" in listed.stdout and "yearly" in listed.stdout
    backup = next((data_dir / "backups").glob("helpdesk-backup-*.zip"))

    lock = instance_lock.hold(data_dir)  # what `helpdesk serve` holds while it runs
    try:
        refused = _cli(data_dir, "restore", str(backup))
    finally:
        instance_lock.release(lock)
    assert refused.returncode == 1 and "stop it first" in refused.stderr
    assert not list((data_dir / "backups").glob("before-restore-*"))

    _cli(data_dir, "user", "add", "Bob", "--role", "admin", "--username", "bob")
    restored = _cli(data_dir, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "kept in" in restored.stdout
    with sqlite3.connect(data_dir / "helpdesk.db") as conn:
        assert [u for (u,) in conn.execute("SELECT username FROM user")] == ["ann"]
        assert conn.execute("SELECT COUNT(*) FROM audit_event WHERE action = 'restore'").fetchone()[0] == 1


def test_postgresql_backup_and_restore(pg_db: str, tmp_path: Path) -> None:
    pg_org = make_org()
    settings = _settings(pg_db, tmp_path / "data")
    settings.uploads_dir.mkdir(parents=True)
    _fill(pg_org, settings)
    row = runs.run(settings, trigger="cli")
    assert row.status == "ok" and row.check_result == "ok", row.error
    numbers = sorted(t.number for t in Ticket.select())
    tickets.create(pg_org.actor("bea"), tickets.TicketDraft("repair", description="After the backup"))
    files_then = _files(settings.uploads_dir)
    db.obj.close_all()
    done = restore.restore(settings, settings.backups_dir / row.file_name)
    assert (done.safety / "database.pgdump").is_file()
    assert sorted(t.number for t in Ticket.select()) == numbers
    assert _files(settings.uploads_dir) == files_then


def test_without_pg_dump_the_run_fails_and_says_so(pg_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(pg_db, tmp_path / "data")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    row = runs.run(settings, trigger="cli")
    assert row.status == "failed" and "pg_dump is not installed" in row.error
    assert runs.last_failure() is not None
