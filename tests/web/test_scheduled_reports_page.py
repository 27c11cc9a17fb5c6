"""Scheduled reports page and the calendar's public holidays, through the panel."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient

from helpdesk.core import sla
from helpdesk.db.models import Holiday, ScheduledReport
from tests.conftest import Org
from tests.web.conftest import csrf_token, login


def test_admin_schedules_a_monday_report_and_stops_it(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/scheduled-reports")
    saved = client.post("/scheduled-reports", data={
        "name": "Monday", "report": "requests", "recipients": "boss@example.org\nit@example.org",
        "frequency": "weekly", "weekday": "1", "month_day": "1", "at_time": "08:00", "status_new": "on",
        "_csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    row = ScheduledReport.get()
    assert (row.recipients, row.params, row.active) == ("boss@example.org\nit@example.org", {"statuses": ["new"]},
                                                         True)
    page = client.get("/scheduled-reports").text
    assert "Monday" in page and "boss@example.org, it@example.org" in page
    bad = client.post("/scheduled-reports", data={"name": "X", "recipients": "nobody", "frequency": "weekly",
                                                  "at_time": "08:00", "_csrf_token": token})
    assert bad.status_code == 422 and "Введите адрес почты" in bad.text
    client.post(f"/scheduled-reports/{row.id}/stop", data={"_csrf_token": token})
    assert not ScheduledReport.get_by_id(row.id).active


def test_admin_fills_in_public_holidays(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/settings")
    client.post("/settings/holidays/import", data={"country": "RU", "year": "2026", "_csrf_token": token})
    assert Holiday.select().count() > 10
    assert not sla.load_calendar().is_work_day(dt.date(2026, 1, 7))
    assert "Рождество Христово" in client.get("/settings").text
