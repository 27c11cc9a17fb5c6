"""Email end to end through a real SMTP server on loopback (aiosmtpd) with STARTTLS and AUTH."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpdesk.config import SmtpSettings
from helpdesk.core import outbox, scheduled_reports, tickets
from helpdesk.db.models import OutboxMessage, User, utcnow
from helpdesk.notify.email import EmailTransport, send_test
from tests.conftest import Org
from tests.support.postgres import free_port
from tests.support.smtp import PASSWORD, USER, SmtpServer


@pytest.fixture
def smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))  # the client verifies the server's certificate
    yield server
    server.stop()


def settings_for(server: SmtpServer, password: str = PASSWORD) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server.port, user=USER, password=password, security="starttls",
                        sender="helpdesk@example.org")


def header(mail: Message, name: str) -> str:
    return str(make_header(decode_header(mail[name])))


def parts(mail: Message) -> dict[str, str]:
    found = {}
    for part in mail.walk():
        if part.get_content_maintype() == "text" and not part.get_filename():
            found[part.get_content_subtype()] = part.get_payload(decode=True).decode(part.get_content_charset())
    return found


def test_request_thread_by_email(sqlite_org: Org, smtp: SmtpServer) -> None:
    User.update(telegram_id=None, email="sam@example.org").where(User.id == sqlite_org.sam.id).execute()
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft(
        "repair", description='Сломался <script>alert("x")</script> стул'))
    transport = EmailTransport(settings_for(smtp), panel_url="http://helpdesk.lan:8080")
    assert outbox.deliver_due({"email": transport}).sent == 1
    tickets.add_comment(sqlite_org.actor("bob"), ticket, "Ещё & <b>срочно</b>")
    assert outbox.deliver_due({"email": transport}).sent == 1

    (sender, rcpt, _), _ = smtp.inbox.messages
    assert (sender, rcpt) == ("helpdesk@example.org", ["sam@example.org"])
    created, commented = smtp.inbox.parsed(0), smtp.inbox.parsed(1)
    assert header(created, "Subject") == f"Новая заявка {ticket.number}"
    assert header(commented, "Subject") == f"Новый комментарий к заявке {ticket.number}"
    root = f"<request-{ticket.number}@example.org>"
    assert created["In-Reply-To"] == commented["In-Reply-To"] == commented["References"] == root
    assert created["Message-ID"] != commented["Message-ID"] and created["Message-ID"].endswith("@example.org>")
    assert created["Auto-Submitted"] == "auto-generated"
    bodies = parts(created)
    assert set(bodies) == {"plain", "html"}
    link = f"http://helpdesk.lan:8080/requests/{ticket.number}"
    assert 'Сломался <script>alert("x")</script> стул' in bodies["plain"] and link in bodies["plain"]
    assert "<script>" not in bodies["html"] and "&lt;script&gt;" in bodies["html"]
    assert f'href="{link}"' in bodies["html"] and "Филиал" in bodies["html"]
    comment_html = parts(commented)["html"]
    assert "Ещё &amp; &lt;b&gt;срочно&lt;/b&gt;" in comment_html


def test_scheduled_report_arrives_with_its_xlsx(sqlite_org: Org, smtp: SmtpServer, tmp_path: Path) -> None:
    User.update(email="alice@example.org", language="en").where(User.id == sqlite_org.alice.id).execute()
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken chair"))
    form = scheduled_reports.ScheduleForm(name="Weekly", recipients="alice@example.org", frequency="weekly",
                                          weekday="1", at_time="08:00", params={"statuses": ["new"]})
    row = scheduled_reports.save(sqlite_org.actor("alice"), form, now=dt.datetime(2026, 11, 25, 12))
    assert scheduled_reports.run_due(tmp_path, now=row.next_run_at) == 1
    transport = EmailTransport(settings_for(smtp))
    assert outbox.deliver_due({"email": transport}).sent >= 1
    mail = smtp.inbox.parsed()
    assert header(mail, "Subject") == "Report: Weekly" and smtp.inbox.messages[-1][1] == ["alice@example.org"]
    assert set(parts(mail)) == {"plain", "html"}
    (attached,) = [p for p in mail.walk() if p.get_filename()]
    assert attached.get_filename().startswith("requests-") and attached.get_filename().endswith(".xlsx")
    assert attached.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(attached.get_payload(decode=True)))["Requests"]  # after the cover sheet
    assert "Broken chair" in [cell.value for cell in sheet[2]]


def test_smtp_down_is_retried_with_back_off_then_failed(sqlite_org: Org) -> None:
    User.update(telegram_id=None, email="sam@example.org").where(User.id == sqlite_org.sam.id).execute()
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
    transport = EmailTransport(SmtpSettings(host="127.0.0.1", port=free_port(), security="none"))
    delays = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        report = outbox.deliver_due({"email": transport})
        message = OutboxMessage.get()
        assert message.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert report.retried == 1 and message.status == "pending"
            delays.append((message.due_at - utcnow()).total_seconds())
            assert outbox.deliver_due({"email": transport}).retried == 0, "not before its time"
            OutboxMessage.update(due_at=utcnow() - dt.timedelta(seconds=1)).execute()  # its time has come
    assert delays == sorted(delays) and delays[0] > 5, "the wait grows"
    assert message.status == "failed"
    assert message.last_error.startswith("The server refused the connection")


def test_test_email_says_wrong_password_in_plain_words(smtp: SmtpServer) -> None:
    wrong = send_test(settings_for(smtp, password="nope"), "me@example.org", "ru")
    assert not wrong.ok and wrong.text.startswith("Сервер не принял логин или пароль.")
    assert "535" in wrong.text  # the server's own answer, for whoever looks further
    right = send_test(settings_for(smtp), "me@example.org", "en")
    assert right.ok and right.text == "The server accepted the test email for me@example.org."
    assert smtp.inbox.messages[-1][1] == ["me@example.org"]


def test_tls_failure_in_plain_words(tmp_path: Path) -> None:
    server = SmtpServer(tmp_path).start()  # its certificate is not trusted here
    try:
        result = send_test(settings_for(server), "me@example.org", "en")
    finally:
        server.stop()
    assert not result.ok and result.text.startswith("The secure connection failed")
