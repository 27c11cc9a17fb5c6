"""Scheduled reports fire at the local time across a DST change and a month end; the digest once a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from helpdesk.core import cache, digest, scheduled_reports, sla, tickets
from helpdesk.core.errors import Forbidden, NotFound, ValidationError
from helpdesk.db.models import BusinessCalendar, OutboxMessage, ScheduledReport, User
from tests.conftest import Org

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(y: int, mo: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=BERLIN).astimezone(dt.UTC).replace(tzinfo=None)


@pytest.fixture
def in_berlin(org: Org) -> Org:
    BusinessCalendar.update(timezone="Europe/Berlin").execute()
    cache.invalidate()
    return org


def _schedule(org: Org, now: dt.datetime, **form: str) -> ScheduledReport:
    fields = {"name": "Monday requests", "recipients": "boss@example.org, alice@example.org", **form}
    return scheduled_reports.save(org.actor("alice"), scheduled_reports.ScheduleForm(**fields), now=now)


def test_weekly_report_keeps_its_local_time_across_dst(in_berlin: Org, tmp_path: Path) -> None:
    # Summer time starts on Sunday 29 March 2026: Monday 08:00 is 07:00 UTC before, 06:00 UTC after.
    User.update(email="Alice@example.org", language="en").where(User.id == in_berlin.alice.id).execute()
    row = _schedule(in_berlin, berlin(2026, 3, 20, 12), frequency="weekly", weekday="1", at_time="08:00")
    assert row.next_run_at == berlin(2026, 3, 23, 8) == dt.datetime(2026, 3, 23, 7)
    assert scheduled_reports.run_due(tmp_path, now=dt.datetime(2026, 3, 23, 6, 59)) == 0
    assert scheduled_reports.run_due(tmp_path, now=dt.datetime(2026, 3, 23, 7)) == 1
    assert scheduled_reports.run_due(tmp_path, now=dt.datetime(2026, 3, 23, 7, 1)) == 0, "once per run"
    row = ScheduledReport.get_by_id(row.id)
    assert row.next_run_at == berlin(2026, 3, 30, 8) == dt.datetime(2026, 3, 30, 6)
    assert scheduled_reports.run_due(tmp_path, now=dt.datetime(2026, 3, 30, 5, 59)) == 0
    assert scheduled_reports.run_due(tmp_path, now=dt.datetime(2026, 3, 30, 6)) == 1
    mails = list(OutboxMessage.select().where(OutboxMessage.kind == "scheduled_report").order_by(OutboxMessage.id))
    assert [(m.channel, m.address) for m in mails[:2]] == [("email", "boss@example.org"),
                                                           ("email", "Alice@example.org")]
    assert mails[1].user_id == in_berlin.alice.id, "a known address is that person (their language)"
    russian, english = (load_workbook(m.payload["attachment"]["path"]).sheetnames for m in mails[:2])
    assert "Заявки" in russian and "Requests" in english, "each in the recipient's language"
    assert mails[0].payload["attachment"]["name"].endswith(".xlsx")


def test_monthly_report_on_the_31st_goes_on_short_months_last_day(in_berlin: Org, tmp_path: Path) -> None:
    row = _schedule(in_berlin, berlin(2027, 1, 15, 9), frequency="monthly", month_day="31", at_time="18:30")
    runs = []
    for _ in range(4):
        runs.append(row.next_run_at)
        assert scheduled_reports.run_due(tmp_path, now=row.next_run_at) == 1
        row = ScheduledReport.get_by_id(row.id)
    assert runs == [berlin(2027, 1, 31, 18, 30), berlin(2027, 2, 28, 18, 30), berlin(2027, 3, 31, 18, 30),
                    berlin(2027, 4, 30, 18, 30)]


def test_the_reports_workbook_can_be_scheduled(in_berlin: Org, tmp_path: Path) -> None:
    row = _schedule(in_berlin, berlin(2027, 1, 15, 9), frequency="daily", at_time="07:00", report="reports")
    assert scheduled_reports.run_due(tmp_path, now=row.next_run_at) == 1
    mail = OutboxMessage.select().where(OutboxMessage.kind == "scheduled_report").first()
    book = load_workbook(mail.payload["attachment"]["path"])
    assert len(book.sheetnames) > 2, "a cover and the report's sections"


def test_daily_report_at_a_time_skipped_by_dst(in_berlin: Org) -> None:
    row = ScheduledReport(frequency="daily", at_time="02:30")
    assert scheduled_reports.next_run(row, berlin(2026, 3, 28, 12), BERLIN) == dt.datetime(2026, 3, 29, 1, 30)
    assert scheduled_reports.next_run(row, dt.datetime(2026, 3, 29, 1, 30), BERLIN) == berlin(2026, 3, 30, 2, 30)


def test_a_schedule_needs_real_addresses(org: Org) -> None:
    with pytest.raises(ValidationError):
        _schedule(org, dt.datetime(2026, 1, 1), recipients="not an address")
    with pytest.raises(ValidationError):
        _schedule(org, dt.datetime(2026, 1, 1), report="nonsense")


def test_daily_digest_once_per_working_day(org: Org) -> None:
    User.update(email="sam@example.org").where(User.id == org.sam.id).execute()
    ticket = tickets.create(org.actor("bob"), tickets.TicketDraft("repair", description="Printer"))
    tz = sla.load_calendar().timezone
    late = ticket.accept_due_at + dt.timedelta(days=1)
    morning = dt.datetime.combine(late.replace(tzinfo=dt.UTC).astimezone(tz).date(), dt.time(9), tz)
    while not sla.load_calendar().is_work_day(morning.date()):
        morning += dt.timedelta(days=1)
    at = morning.astimezone(dt.UTC).replace(tzinfo=None)
    assert digest.send_due(at - dt.timedelta(minutes=1)) == 0, "not before the day starts"
    assert digest.send_due(at) == 1
    assert digest.send_due(at + dt.timedelta(hours=3)) == 0, "once a day"
    sent = OutboxMessage.get(OutboxMessage.kind == "digest")
    assert (sent.address, sent.payload["open"], sent.payload["overdue"]) == ("1002", 1, 1)
    assert sent.payload["late"] == [ticket.number]


def test_send_now_goes_out_at_once_and_leaves_the_scheduled_run(in_berlin: Org, tmp_path: Path) -> None:
    row = _schedule(in_berlin, berlin(2026, 3, 20, 12), frequency="weekly", weekday="1", at_time="08:00",
                    report="reports", branch=str(in_berlin.b1.id), days="7")
    assert row.params == {"branch_id": in_berlin.b1.id, "days": 7}
    with pytest.raises(Forbidden):
        scheduled_reports.send_now(in_berlin.actor("sam"), row.id, tmp_path)
    assert scheduled_reports.send_now(in_berlin.actor("alice"), row.id, tmp_path,
                                      now=berlin(2026, 3, 21, 10)) == 2
    assert OutboxMessage.select().where(OutboxMessage.kind == "scheduled_report").count() == 2
    assert ScheduledReport.get_by_id(row.id).next_run_at == berlin(2026, 3, 23, 8)
    assert scheduled_reports.run_due(tmp_path, now=berlin(2026, 3, 23, 8)) == 1, "the Monday run still goes"
    with pytest.raises(NotFound):
        scheduled_reports.send_now(in_berlin.actor("alice"), 99999, tmp_path)


def test_filters_refused_in_plain_words(sqlite_org: Org) -> None:
    now = dt.datetime(2026, 3, 20, 12)
    for bad, field in (({"days": "400"}, "days"), ({"branch": "x"}, "branch"), ({"type_code": "nope"}, "type_code"),
                       ({"statuses": ("lost",)}, "statuses")):
        with pytest.raises(ValidationError) as caught:
            scheduled_reports.save(sqlite_org.actor("alice"), scheduled_reports.ScheduleForm(
                name="X", recipients="boss@example.org", **bad), now=now)
        assert caught.value.field == field
    assert ScheduledReport.select().count() == 0
