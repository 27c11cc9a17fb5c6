"""Backups page (admins): back up now with progress, the list, downloads without path tricks, the schedule;
the dashboard warns when the last good backup is old; the archive policy saved in Settings applies."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from io import BytesIO

from litestar.testing import TestClient

from helpdesk.core import archive_policy, tickets
from helpdesk.core.backups import schedule
from helpdesk.db.models import AuditEvent, BackupRun, Ticket, User, utcnow
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def _wait_done(client: TestClient, seconds: float = 20) -> BackupRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = BackupRun.select().order_by(BackupRun.id.desc()).first()
        if row is not None and row.status != "running":
            return row
        time.sleep(0.05)
    raise AssertionError("the backup did not finish")


def test_back_up_now_list_and_download(client: TestClient, sqlite_org: Org) -> None:
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Scanner"))
    login(client, sqlite_org.alice)
    page = client.get("/backups")
    assert page.status_code == 200 and "back-up-now" in page.text
    posted = client.post("/backups/now", data={"_csrf_token": csrf_token(client, "/backups")},
                         follow_redirects=False)
    assert posted.status_code == 303
    row = _wait_done(client)
    assert row.status == "ok", row.error
    assert AuditEvent.get(AuditEvent.action == "backup_start").actor_id == sqlite_org.alice.id
    page = client.get("/backups")
    assert f'data-backup="{row.file_name}"' in page.text
    download = client.get(f"/backups/files/{row.file_name}")
    assert download.status_code == 200
    with zipfile.ZipFile(BytesIO(download.content)) as zf:
        assert "database.sqlite" in zf.namelist()
    for trick in ("..%2Fhelpdesk.db", "..%2F..%2Fsecret_key", "helpdesk-backup-20200101-000000.zip",
                  "secret_key"):
        assert client.get(f"/backups/files/{trick}").status_code == 404, trick


def test_only_admins_reach_backups(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.sam)
    assert client.get("/backups").status_code == 403
    assert client.get("/backups/files/helpdesk-backup-20260101-000000.zip").status_code == 403


def test_schedule_is_saved_and_checked(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/backups")
    bad = client.post("/backups/schedule", data={"_csrf_token": token, "time": "25:00", "keep_daily": "30",
                                                 "keep_monthly": "12", "mirror": ""})
    assert bad.status_code == 422
    ok = client.post("/backups/schedule", data={"_csrf_token": token, "time": "03:30", "keep_daily": "7",
                                                "keep_monthly": "6", "mirror": "/mnt/share"},
                     follow_redirects=False)
    assert ok.status_code == 303
    assert schedule.current() == schedule.Schedule("03:30", 7, 6, "/mnt/share")


def test_dashboard_warns_when_the_last_good_backup_is_old(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    assert 'id="backup-overdue"' not in client.get("/").text, "a new organisation is not warned at once"
    User.update(created_at=utcnow() - dt.timedelta(days=3)).execute()
    assert 'id="backup-overdue"' in client.get("/").text
    BackupRun.create(trigger="scheduled", status="ok", finished_at=utcnow() - dt.timedelta(hours=37))
    assert 'id="backup-overdue"' in client.get("/").text
    BackupRun.create(trigger="scheduled", status="ok", finished_at=utcnow() - dt.timedelta(hours=2))
    assert 'id="backup-overdue"' not in client.get("/").text


def test_archive_policy_from_settings_applies_on_the_next_run(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Old"))
    Ticket.update(status="closed", closed_at=utcnow() - dt.timedelta(days=10)).execute()
    assert tickets.archive_due(archive_policy.current()) == 0  # 90 days by default
    login(client, sqlite_org.alice)
    saved = client.post("/settings/archive", data={"_csrf_token": csrf_token(client, "/settings"),
                                                   "days_closed": "5", "days_rejected": "90",
                                                   "days_cancelled": "90"}, follow_redirects=False)
    assert saved.status_code == 303
    assert tickets.archive_due(archive_policy.current()) == 1
    page = client.get(f"/requests/{ticket.number}")
    assert 'id="unarchive"' in page.text
    back = client.post(f"/requests/{ticket.number}/unarchive",
                       data={"_csrf_token": csrf_token(client, f"/requests/{ticket.number}")}, follow_redirects=False)
    assert back.status_code == 303 and not Ticket.get_by_id(ticket.id).archived
