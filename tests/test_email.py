"""Email notifications through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from helpdesk.config import SmtpSettings
from helpdesk.core import outbox, tickets
from helpdesk.db.models import OutboxMessage, User
from helpdesk.notify.email import EmailTransport
from tests.conftest import Org
from tests.support.postgres import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802 - aiosmtpd's hook
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_email_for_people_without_telegram(sqlite_org: Org, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    User.update(telegram_id=None, email="sam@example.org").where(User.id == sqlite_org.sam.id).execute()
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Сломался стул"))
    message = OutboxMessage.get()
    assert (message.channel, message.address) == ("email", "sam@example.org")
    transport = EmailTransport(SmtpSettings(host="127.0.0.1", port=port, security="none", sender="hd@example.org"))
    assert outbox.deliver_due({"email": transport}).sent == 1
    mail_from, rcpt, raw = inbox.messages[0]
    assert (mail_from, rcpt) == ("hd@example.org", ["sam@example.org"])
    parsed = message_from_bytes(raw)
    assert str(make_header(decode_header(parsed["Subject"]))) == f"Новая заявка {ticket.number}"
    assert "Сломался стул" in parsed.get_payload(decode=True).decode()


def test_unreachable_smtp_is_retried_later(sqlite_org: Org) -> None:
    User.update(telegram_id=None, email="sam@example.org").where(User.id == sqlite_org.sam.id).execute()
    tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Broken"))
    transport = EmailTransport(SmtpSettings(host="127.0.0.1", port=free_port(), security="none"))
    report = outbox.deliver_due({"email": transport})
    assert report.retried == 1 and OutboxMessage.get().status == "pending"
