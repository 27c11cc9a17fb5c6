"""Backups the program makes: a consistent copy under writes, the file's contents, retention, the mirror."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import zipfile
from pathlib import Path

from helpdesk.config import Settings, load_settings
from helpdesk.core import tickets
from helpdesk.core.actors import Actor
from helpdesk.core.backups import archive, retention, runs, schedule
from helpdesk.db.database import db
from helpdesk.db.models import BackupRun, Ticket
from tests.conftest import Org


def _settings(sqlite_db: str) -> Settings:
    data_dir = Path(sqlite_db[len("sqlite:///"):]).parent
    return load_settings({"data_dir": str(data_dir), "database_url": sqlite_db}, environ={})


def _unpacked_db(path: Path, into: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extract("database.sqlite", into)
    return into / "database.sqlite"


def test_backup_while_the_bot_and_the_web_write(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    settings = _settings(sqlite_db)
    stop = threading.Event()
    errors: list[BaseException] = []
    written = {"bot": 0, "web": 0}

    def writer(channel: str, who: str) -> None:
        actor = Actor(sqlite_org.actor(who).user, channel)
        try:
            while not stop.is_set():
                tickets.create(actor, tickets.TicketDraft("repair", description=f"{channel} {written[channel]}"))
                written[channel] += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=("bot", "bob")), threading.Thread(target=writer, args=("web", "bea"))]
    for thread in threads:
        thread.start()
    while sum(written.values()) < 20:
        threading.Event().wait(0.01)
    committed_before = {t.number for t in Ticket.select(Ticket.number)}
    row = runs.run(settings, trigger="cli")
    during = sum(written.values())
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert row.status == "ok", row.error
    assert row.check_result == "ok"
    copy = _unpacked_db(settings.backups_dir / row.file_name, tmp_path / "copy")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        in_copy = {number for (number,) in conn.execute("SELECT number FROM ticket")}
    assert committed_before <= in_copy, "every request committed before the backup started is in it"
    assert len(committed_before) >= 20 and during >= len(committed_before)


def test_the_file_holds_database_uploads_key_and_manifest(sqlite_org: Org, sqlite_db: str) -> None:
    settings = _settings(sqlite_db)
    (settings.uploads_dir / "2026-000001").mkdir(parents=True)
    (settings.uploads_dir / "2026-000001" / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Jammed"))
    row = runs.run(settings, trigger="cli")
    path = settings.backups_dir / row.file_name
    assert path.stat().st_mode & 0o777 == 0o600
    manifest = archive.read_manifest(path)
    assert manifest.engine == "sqlite" and manifest.check == "ok"
    assert manifest.counts["ticket"] == 1 and manifest.counts["user"] == 7
    assert "0017_backup_runs" in manifest.schema
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert zf.read("secret_key").decode().strip() == settings.secret_key.hex()
    assert names == {"manifest.json", "database.sqlite", "secret_key", "uploads/2026-000001/photo.jpg"}
    assert set(manifest.files) == names - {"manifest.json"}


def _day(start: dt.datetime, n: int) -> dt.datetime:
    return start + dt.timedelta(days=n)


def test_retention_over_two_years_of_daily_runs(tmp_path: Path) -> None:
    """The rule as the job applies it after each run, with the clock moved a day at a time."""
    folder = tmp_path / "backups"
    folder.mkdir()
    rule = retention.Retention(daily=30, monthly=12)
    start = dt.datetime(2025, 1, 1, 2, 0)  # UTC; the organisation's zone is UTC here
    days = 730
    for n in range(days):
        (folder / retention.file_name(_day(start, n))).touch()
        runs._apply_retention(folder, rule, "UTC")
    kept = set(retention.backup_names(folder))
    stamps = [_day(start, n) for n in range(days)]
    last = stamps[-1]
    newest = set(stamps[-30:])
    months = sorted({(s.year, s.month) for s in stamps})[-12:]
    monthly = {s for s in stamps if s.day == 1 and (s.year, s.month) in months}
    yearly = {s for s in stamps if (s.month, s.day) == (1, 1)}
    expected = {retention.file_name(s) for s in newest | monthly | yearly}
    assert kept == expected
    assert last.date() == dt.date(2026, 12, 31)
    assert len(kept) == 30 + 12 + 1  # Dec 2..31, the firsts of Jan..Dec 2026, and Jan 1 2025 for good
    kinds = retention.kinds(kept, "UTC")
    assert kinds["helpdesk-backup-20250101-020000.zip"] == "yearly"
    assert kinds["helpdesk-backup-20260601-020000.zip"] == "monthly"
    assert kinds["helpdesk-backup-20261231-020000.zip"] == "daily"


def test_months_and_years_follow_the_organisation_zone() -> None:
    # 22:30 UTC on Dec 31 is already Jan 1 in Moscow: that file is the new year's first.
    names = ["helpdesk-backup-20251230-223000.zip", "helpdesk-backup-20251231-223000.zip"]
    assert retention.kinds(names, "Europe/Moscow")[names[1]] == "yearly"
    assert retention.kinds(names, "UTC")[names[1]] == "daily"


def test_a_week_of_scheduled_runs_leaves_seven_dailies(sqlite_org: Org, sqlite_db: str) -> None:
    settings = _settings(sqlite_db)
    schedule.save(sqlite_org.actor("alice"), "02:00", "30", "12", "")
    monday = dt.datetime(2026, 11, 22, 23, 0)  # 02:00 in Moscow (the organisation's default zone)
    for n in range(7):
        now = _day(monday, n)
        assert runs.claim_scheduled(now - dt.timedelta(minutes=1)) is None, "not before the set time"
        claimed = runs.claim_scheduled(now)
        assert claimed is not None
        assert runs.claim_scheduled(now + dt.timedelta(minutes=1)) is None, "once per day"
        assert runs.run(settings, claimed, now=now).status == "ok"
    found = runs.files(settings.backups_dir)
    assert len(found) == 7
    assert [f.kind for f in found] == ["daily"] * 6 + ["yearly"]  # the first of 2026 in this folder
    assert BackupRun.select().where(BackupRun.trigger == "scheduled").count() == 7


def test_a_missing_mirror_is_reported_and_the_local_backup_made(sqlite_org: Org, sqlite_db: str,
                                                                 tmp_path: Path) -> None:
    settings = _settings(sqlite_db)
    schedule.save(sqlite_org.actor("alice"), "02:00", "30", "12", str(tmp_path / "share-not-mounted"))
    row = runs.run(settings, trigger="cli")
    assert row.status == "ok"
    assert "share-not-mounted" in row.mirror_error and "cannot be reached" in row.mirror_error
    assert (settings.backups_dir / row.file_name).is_file()

    share = tmp_path / "share"
    share.mkdir()
    schedule.save(sqlite_org.actor("alice"), "02:00", "30", "12", str(share))
    row = runs.run(settings, trigger="cli", now=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(1))
    assert row.mirror_error == ""
    assert (share / row.file_name).read_bytes() == (settings.backups_dir / row.file_name).read_bytes()


def test_a_failed_backup_says_why_in_plain_words(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    settings = _settings(sqlite_db)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    row = runs.run(settings, to=blocked, trigger="cli")
    assert row.status == "failed" and row.error
    assert runs.last_failure() is not None and runs.last_failure().id == row.id


def test_a_copy_that_fails_its_check_is_no_backup(sqlite_org: Org, sqlite_db: str, tmp_path: Path) -> None:
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Jammed"))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    damaged = tmp_path / "damaged" / "helpdesk.db"
    damaged.parent.mkdir()
    damaged.write_bytes(Path(sqlite_db[len("sqlite:///"):]).read_bytes())
    with sqlite3.connect(damaged) as conn:  # an index that no longer matches its table, as after a bad disk
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ticket_status ON ticket (description)' "
                     "WHERE name = 'ticket_status'")
    settings = load_settings({"data_dir": str(damaged.parent), "database_url": f"sqlite:///{damaged}"}, environ={})
    row = runs.run(settings, trigger="cli")
    assert row.status == "failed" and "failed its check" in row.error and "ticket_status" in row.error
    assert retention.backup_names(settings.backups_dir) == []
    assert not list(settings.backups_dir.iterdir()), "no half-written file is left behind"


def test_the_queue_job_backs_up_once_at_the_set_time(sqlite_org: Org, sqlite_db: str) -> None:
    from zoneinfo import ZoneInfo

    from helpdesk.core import org_settings
    from helpdesk.tasks.jobs import register_jobs
    from helpdesk.tasks.queue import create_huey

    settings = _settings(sqlite_db)
    local = dt.datetime.now(ZoneInfo(org_settings.general().timezone))
    schedule.save(sqlite_org.actor("alice"), local.strftime("%H:%M"), "30", "12", "")
    jobs = register_jobs(create_huey(settings, immediate=True), settings)
    jobs.backup_if_due()
    jobs.backup_if_due()  # the next minute's tick: the day's slot is taken
    made = BackupRun.get()
    assert (made.trigger, made.status, made.slot) == ("scheduled", "ok", f"scheduled:{local.date().isoformat()}")
    assert len(retention.backup_names(settings.backups_dir)) == 1
