"""Scheduled reports page and the calendar's public holidays, through the panel."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient

from helpdesk.core import sla
from helpdesk.db.models import AuditEvent, Holiday, OutboxMessage, ScheduledReport
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


def test_filters_are_saved_shown_checked_and_send_now_keeps_the_schedule(client: TestClient, sqlite_org: Org) -> None:
    login(client, sqlite_org.alice)
    token = csrf_token(client, "/scheduled-reports")
    form = {"name": "B1 week", "report": "reports", "recipients": "boss@example.org", "frequency": "weekly",
            "weekday": "1", "month_day": "1", "at_time": "08:00", "branch": str(sqlite_org.b1.id),
            "type_code": "cartridges", "days": "7", "status_resolved": "on", "_csrf_token": token}
    assert client.post("/scheduled-reports", data=form, follow_redirects=False).status_code == 303
    row = ScheduledReport.get()
    assert row.report == "reports"
    assert row.params == {"statuses": ["resolved"], "branch_id": sqlite_org.b1.id, "type_code": "cartridges", "days": 7}
    listed = client.get("/scheduled-reports").text
    assert "B1 · Branch one" in listed and "за последние 7 дн." in listed, "the filters show on the list"
    for bad, error in (({"days": "0"}, "Введите число дней"), ({"branch": "99999"}, "Выберите филиал"),
                       ({"type_code": "nope"}, "Выберите тип заявки")):
        refused = client.post("/scheduled-reports", data=form | bad)
        assert refused.status_code == 422 and error in refused.text, bad
        assert 'value="B1 week"' in refused.text, "the input is kept"
    assert ScheduledReport.select().count() == 1
    due = row.next_run_at
    sent = client.post(f"/scheduled-reports/{row.id}/send", data={"_csrf_token": token})
    assert sent.status_code == 200 and "поставлен в очередь для 1" in sent.text
    mail = OutboxMessage.get(OutboxMessage.kind == "scheduled_report")
    assert (mail.channel, mail.address) == ("email", "boss@example.org")
    assert mail.payload["attachment"]["name"].endswith(".xlsx")
    assert ScheduledReport.get_by_id(row.id).next_run_at == due, "the scheduled run stays"
    assert AuditEvent.select().where(AuditEvent.action == "report_schedule_send").count() == 1
    assert client.post("/scheduled-reports/99999/send", data={"_csrf_token": token}).status_code == 404
